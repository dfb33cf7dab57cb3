// The upload benchmark's baseline (bench/upload.ts): a bare node:http server, forked as its own process,
// that pipes a PUT body into a file with fs.createWriteStream and answers 201 with the bytes written.
// Files go to RAW_DIR as <n>.bin; the parent removes them. Tells its parent { type: 'listening', port }
// over IPC and exits when the parent goes away.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.env.RAW_DIR;
if (!dir) throw new Error('RAW_DIR is not set');
let count = 0;

const server = createServer((req, res) => {
  if (req.method !== 'PUT') {
    res.writeHead(405).end();
    return;
  }
  const file = path.join(dir, `${++count}.bin`);
  const out = createWriteStream(file);
  pipeline(req, out).then(
    () => {
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ file, bytes: out.bytesWritten }));
    },
    (err: Error) => {
      if (!res.headersSent) res.writeHead(500).end(err.message);
    },
  );
});
// A 1 GiB body takes longer than the default request timeout on a slow machine.
server.requestTimeout = 0;

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
