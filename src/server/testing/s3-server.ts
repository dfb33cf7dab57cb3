// The local S3 server's own process (started by startLocalS3): s3rver reports some errors of requests
// a client abandoned as uncaught exceptions, which must not fail the test process that uses it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';

const bucket = process.argv[2] ?? 'lectern-test';
const directory = mkdtempSync(path.join(tmpdir(), 'lectern-s3-'));
process.on('uncaughtException', (err) => {
  process.stderr.write(`local S3: ignored an error of an abandoned request: ${err.message}\n`);
});
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
const { port } = (await server.run()) as { port: number };
process.send?.({ port });
const stop = () => {
  void server.close().finally(() => {
    rmSync(directory, { recursive: true, force: true });
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
// Stops with its parent.
process.on('disconnect', stop);
