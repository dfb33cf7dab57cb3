// Upload throughput: 1 GiB through Lectern's tus endpoint over loopback, against the same bytes sent
// with one bare node:http PUT that a plain server pipes to disk (bench/_upload-raw-server.ts).
//
// Both servers are child processes (fork): Lectern's own entry point (src/server/main.ts, web and
// embedded workers) on a fresh SQLite database and data directory, and the bare server. This process
// is only the client. The administrator comes from first-run setup (POST /api/setup).
//
// The bytes: a 16 MiB block from a seeded PRNG, repeated to 1 GiB, generated as a stream (never held
// whole in memory, never written to disk first); byte i is the same in every run, for both servers.
//
// The tus client is our own, over node:http (not tus-js-client, which buffers each chunk of a
// stream): a POST creates the upload (Upload-Length; Upload-Metadata filename and kind=other), then
// one PATCH per chunk, in order, each body streamed from the generator; the run's time is from the
// POST until the last PATCH is answered. Chunks are 64 MiB (--chunk-mib). A second tus series uses
// the web uploader's 8 MiB chunks (CHUNK_SIZE in src/web/components/uploads/upload-manager.ts;
// --web-chunk-mib, 0 to skip), since that is what browsers send. The raw PUT is timed from its
// start until its answer. 1 MB here is 1 MiB (2^20 bytes).
//
// rss_growth_mb is the Lectern server process's: VmRSS from /proc/<pid>/status sampled every 100 ms
// during the upload; growth = the peak minus the value just before the upload. After the last PATCH,
// ingest_s is the time until the asset (polled at GET /api/assets/:id every 100 ms) is `ready` or
// `failed`; the asset is then deleted. Dirty pages are flushed (sync) before every run so that no run
// pays for the previous one's writeback. Server CPU (user + system, all threads, from
// /proc/<pid>/stat) during each upload and the time each PATCH waited for its answer after its last
// byte are reported too, to explain the figures.
//
// RUNS rounds of tus, tus with web chunks, raw, alternating; medians and every run's figures.
// ratio = median tus / median raw (goal ≥ 0.5); rss_growth_mb = median of the 64 MiB tus runs (goal
// < 100), rss_growth_mb_max the worst tus run of either series.
//
// Options (after `npm run bench -- upload`): --size-mib (1024), --chunk-mib (64), --web-chunk-mib (8),
// --runs (3).
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { median, round } from './_stats.ts';

const { values: options } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '1024' },
    'chunk-mib': { type: 'string', default: '64' },
    'web-chunk-mib': { type: 'string', default: '8' },
    runs: { type: 'string', default: '3' },
  },
});
const MiB = 1024 * 1024;
const SIZE = Math.round(Number(options['size-mib']) * MiB);
const CHUNK = Math.round(Number(options['chunk-mib']) * MiB);
const WEB_CHUNK = Math.round(Number(options['web-chunk-mib']) * MiB);
const RUNS = Number(options.runs);
if (!(SIZE > 0 && CHUNK > 0 && WEB_CHUNK >= 0 && Number.isInteger(RUNS) && RUNS > 0)) {
  throw new Error('--size-mib, --chunk-mib and --runs must be positive, --web-chunk-mib positive or 0');
}
const SAMPLE_MS = 100;
const INGEST_TIMEOUT_MS = 10 * 60_000;
const root = path.resolve(import.meta.dirname, '..');

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function log(message: string): void {
  process.stderr.write(`upload: ${message}\n`);
}

// ---- The bytes ----

const BLOCK = 16 * MiB;
const PIECE = 1 * MiB;

/** 16 MiB from a seeded PRNG (xorshift32), so every run and both servers get the same bytes. */
function makeBlock(seed = 0x1ec7e2): Buffer {
  const words = new Uint32Array(BLOCK / 4);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer);
}
const block = makeBlock();

/** Bytes [start, end) of the endless repetition of `block`, in pieces of at most 1 MiB (views, not copies). */
function bytes(start: number, end: number): Readable {
  let at = start;
  return new Readable({
    read() {
      if (at >= end) {
        this.push(null);
        return;
      }
      const inBlock = at % BLOCK;
      const n = Math.min(PIECE, BLOCK - inBlock, end - at);
      at += n;
      this.push(block.subarray(inBlock, inBlock + n));
    },
  });
}

// ---- HTTP ----

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Milliseconds from the request's last byte handed to the socket until the answer's headers. */
  waitMs: number;
}

function request(
  agent: http.Agent,
  url: URL,
  method: string,
  headers: Record<string, string | number>,
  body?: Readable | string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = http.request(url, { method, headers, agent }, (res) => {
      const waitMs = performance.now() - sent;
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString(), waitMs }),
      );
      res.on('error', reject);
    });
    req.on('finish', () => {
      sent = performance.now();
    });
    req.on('error', reject);
    if (body instanceof Readable) {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    } else {
      req.end(body);
    }
  });
}

/** A signed-in browser, as far as the API cares: cookies and the CSRF token. */
class Session {
  readonly agent = new http.Agent({ keepAlive: true });
  readonly base: string;
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(base: string) {
    this.base = base;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Headers that authenticate a request: the session cookie and, unless reading, the CSRF token. */
  authHeaders(method: string): Record<string, string> {
    const headers: Record<string, string> = { cookie: this.cookieHeader() };
    if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = this.csrf;
    return headers;
  }

  async send(method: string, url: string, headers: Record<string, string | number> = {}, body?: string) {
    const answer = await request(
      this.agent,
      new URL(url, this.base),
      method,
      { ...headers, ...this.authHeaders(method) },
      body,
    );
    for (const line of answer.headers['set-cookie'] ?? []) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    return answer;
  }

  json(method: string, url: string, body?: unknown): Promise<Answer> {
    if (body === undefined) return this.send(method, url);
    return this.send(method, url, { 'content-type': 'application/json' }, JSON.stringify(body));
  }
}

function expect(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`);
  return answer;
}

// ---- Processes ----

interface Child {
  process: ChildProcess;
  pid: number;
  port: number;
  stop(): Promise<void>;
}

function start(script: string, env: Record<string, string>): Promise<Child> {
  // The child's stdout goes to our stderr: our stdout carries only the figures.
  const child = fork(path.join(root, script), [], {
    cwd: root,
    env: { ...process.env, ...env },
    execArgv: [],
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} did not start within 60 s`));
    }, 60_000);
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'listening' || !message.port) return;
      clearTimeout(timer);
      resolve({ process: child, pid: child.pid as number, port: message.port, stop });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before listening`));
    });
  });
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU seconds the process (all its threads) has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command, from field 3 (state); utime and stime are fields 14 and 15 (man 5 proc).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Samples a process's RSS every SAMPLE_MS; peak() is the largest value seen so far. */
function sampleRss(pid: number) {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
    } catch {
      // The process is gone: the run fails on its own.
    }
  }, SAMPLE_MS);
  return {
    peak: () => Math.max(peak, rssBytes(pid)),
    stop: () => clearInterval(timer),
  };
}

function flushDirtyPages(): void {
  execFileSync('sync');
}

// ---- The runs ----

interface TusRun {
  mbPerS: number;
  rssGrowthMb: number;
  serverCpuS: number;
  /** Per PATCH: from its last byte sent until its answer. */
  patchWaitMs: number[];
  ingestS: number;
  /** The peak over upload and ingestion, against the same starting point. */
  ingestRssGrowthMb: number;
}

async function tusRun(lectern: Child, session: Session, name: string, chunk: number): Promise<TusRun> {
  flushDirtyPages();
  const rssBefore = rssBytes(lectern.pid);
  const cpuBefore = cpuSeconds(lectern.pid);
  const sampler = sampleRss(lectern.pid);
  try {
    const agent = new http.Agent({ keepAlive: true });
    const tusHeaders = { 'tus-resumable': '1.0.0' };
    const patchWaitMs: number[] = [];
    const started = performance.now();
    let location: URL;
    try {
      const metadata = [
        `filename ${Buffer.from(`${name}.bin`).toString('base64')}`,
        `kind ${Buffer.from('other').toString('base64')}`,
      ];
      const created = expect(
        await session.send('POST', '/api/uploads', {
          ...tusHeaders,
          'upload-length': SIZE,
          'upload-metadata': metadata.join(','),
        }),
        201,
        'tus creation',
      );
      location = new URL(created.headers.location as string, session.base);
      for (let offset = 0; offset < SIZE; ) {
        const end = Math.min(offset + chunk, SIZE);
        const headers = {
          ...tusHeaders,
          ...session.authHeaders('PATCH'),
          'content-type': 'application/offset+octet-stream',
          'content-length': end - offset,
          'upload-offset': offset,
        };
        const patched = expect(await request(agent, location, 'PATCH', headers, bytes(offset, end)), 204, 'tus PATCH');
        patchWaitMs.push(patched.waitMs);
        const reached = Number(patched.headers['upload-offset']);
        if (reached !== end) throw new Error(`tus PATCH at ${offset}: the server is at ${reached}, expected ${end}`);
        offset = end;
      }
    } finally {
      agent.destroy();
    }
    const elapsed = (performance.now() - started) / 1000;
    const peak = sampler.peak();
    const serverCpuS = cpuSeconds(lectern.pid) - cpuBefore;

    // Ingestion: the server's job moves the upload into the blob store and checks it.
    const id = location.pathname.split('/').pop() as string;
    const ingestStarted = performance.now();
    let state = 'uploading';
    while (state === 'uploading' || state === 'processing') {
      if (performance.now() - ingestStarted > INGEST_TIMEOUT_MS)
        throw new Error(`asset ${id} still ${state} after 10 min`);
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      const viewed = expect(await session.json('GET', `/api/assets/${id}`), 200, 'asset view');
      state = (JSON.parse(viewed.body) as { asset: { state: string } }).asset.state;
    }
    const ingestS = (performance.now() - ingestStarted) / 1000;
    const ingestPeak = sampler.peak();
    if (state !== 'ready') throw new Error(`asset ${id} ended ${state}, not ready`);
    expect(await session.json('DELETE', `/api/assets/${id}`), 204, 'asset deletion');
    return {
      mbPerS: SIZE / MiB / elapsed,
      rssGrowthMb: (peak - rssBefore) / MiB,
      serverCpuS,
      patchWaitMs,
      ingestS,
      ingestRssGrowthMb: (ingestPeak - rssBefore) / MiB,
    };
  } finally {
    sampler.stop();
  }
}

interface RawRun {
  mbPerS: number;
  rssGrowthMb: number;
  serverCpuS: number;
}

async function rawRun(raw: Child): Promise<RawRun> {
  flushDirtyPages();
  const rssBefore = rssBytes(raw.pid);
  const cpuBefore = cpuSeconds(raw.pid);
  const sampler = sampleRss(raw.pid);
  const agent = new http.Agent({ keepAlive: true });
  try {
    const started = performance.now();
    const answer = expect(
      await request(
        agent,
        new URL(`http://127.0.0.1:${raw.port}/upload`),
        'PUT',
        { 'content-type': 'application/octet-stream', 'content-length': SIZE },
        bytes(0, SIZE),
      ),
      201,
      'raw PUT',
    );
    const elapsed = (performance.now() - started) / 1000;
    const peak = sampler.peak();
    const serverCpuS = cpuSeconds(raw.pid) - cpuBefore;
    const written = JSON.parse(answer.body) as { file: string; bytes: number };
    rmSync(written.file, { force: true });
    if (written.bytes !== SIZE) throw new Error(`raw PUT: ${written.bytes} bytes written, expected ${SIZE}`);
    return { mbPerS: SIZE / MiB / elapsed, rssGrowthMb: (peak - rssBefore) / MiB, serverCpuS };
  } finally {
    agent.destroy();
    sampler.stop();
  }
}

function describeTus(label: string, t: TusRun): string {
  return (
    `${label}: ${round(t.mbPerS, 1)} MiB/s, server RSS +${round(t.rssGrowthMb, 1)} MiB, server CPU ${round(t.serverCpuS, 2)} s, ` +
    `${t.patchWaitMs.length} PATCH answered ${round(median(t.patchWaitMs), 1)} ms (median) after their last byte ` +
    `(${round(sum(t.patchWaitMs) / 1000, 2)} s in all); ingest ${round(t.ingestS, 2)} s (RSS +${round(t.ingestRssGrowthMb, 1)} MiB)`
  );
}

// ---- Main ----

const dataDir = mkdtempSync(path.join(tmpdir(), 'lectern-bench-upload-'));
const rawDir = mkdtempSync(path.join(tmpdir(), 'lectern-bench-raw-'));
const children: Child[] = [];

async function cleanUp(): Promise<void> {
  await Promise.allSettled(children.map((c) => c.stop()));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rawDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  log(
    `${SIZE / MiB} MiB; tus in ${CHUNK / MiB} MiB chunks${WEB_CHUNK ? ` and in ${WEB_CHUNK / MiB} MiB chunks` : ''}, ` +
      `and a raw PUT; ${RUNS} rounds`,
  );
  const lectern = await start('src/server/main.ts', {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    PASSWORD_SCRYPT_LOG_N: '12',
    LOG_LEVEL: 'warn',
    UPLOAD_MAX_FILE_MB: String(Math.max(2048, Math.ceil(SIZE / MiB))),
    // Many large rounds by one author: the per-user storage quotas are not what is measured.
    QUOTA_UPLOADING_GB: '1000000',
    QUOTA_STORED_GB: '1000000',
  });
  children.push(lectern);
  const raw = await start('bench/_upload-raw-server.ts', { RAW_DIR: rawDir });
  children.push(raw);
  log(
    `Lectern: pid ${lectern.pid}, port ${lectern.port}, data ${dataDir}; bare server: pid ${raw.pid}, port ${raw.port}`,
  );

  const session = new Session(`http://127.0.0.1:${lectern.port}`);
  session.csrf = (
    JSON.parse(expect(await session.json('GET', '/api/auth/csrf'), 200, 'csrf').body) as { token: string }
  ).token;
  const admin = { email: 'bench@example.org', displayName: 'Bench Admin', password: 'correct horse battery staple' };
  expect(await session.json('POST', '/api/setup', admin), 201, 'setup');
  expect(await session.json('GET', '/api/me'), 200, 'signed in');

  const tus: TusRun[] = [];
  const tusWeb: TusRun[] = [];
  const raws: RawRun[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const t = await tusRun(lectern, session, `bench-${i}`, CHUNK);
    tus.push(t);
    log(describeTus(`tus ${CHUNK / MiB} MiB #${i}`, t));
    if (WEB_CHUNK) {
      const w = await tusRun(lectern, session, `bench-web-${i}`, WEB_CHUNK);
      tusWeb.push(w);
      log(describeTus(`tus ${WEB_CHUNK / MiB} MiB #${i}`, w));
    }
    const r = await rawRun(raw);
    raws.push(r);
    log(
      `raw #${i}: ${round(r.mbPerS, 1)} MiB/s, server RSS +${round(r.rssGrowthMb, 1)} MiB, server CPU ${round(r.serverCpuS, 2)} s`,
    );
  }

  const tusMedian = median(tus.map((t) => t.mbPerS));
  const rawMedian = median(raws.map((r) => r.mbPerS));
  const webFigures = WEB_CHUNK
    ? {
        tus_web_chunk_mb_per_s: round(median(tusWeb.map((t) => t.mbPerS)), 1),
        ratio_web_chunk: round(median(tusWeb.map((t) => t.mbPerS)) / rawMedian, 3),
      }
    : {};
  const webRuns = WEB_CHUNK
    ? {
        tus_web_chunk_mb_per_s_runs: tusWeb.map((t) => round(t.mbPerS, 1)),
        tus_web_chunk_rss_growth_mb_runs: tusWeb.map((t) => round(t.rssGrowthMb, 1)),
        tus_web_chunk_server_cpu_s_runs: tusWeb.map((t) => round(t.serverCpuS, 2)),
        tus_web_chunk_patch_wait_s_runs: tusWeb.map((t) => round(sum(t.patchWaitMs) / 1000, 2)),
        web_chunk_mib: WEB_CHUNK / MiB,
      }
    : {};
  const figures = {
    tus_mb_per_s: round(tusMedian, 1),
    raw_mb_per_s: round(rawMedian, 1),
    ratio: round(tusMedian / rawMedian, 3),
    rss_growth_mb: round(median(tus.map((t) => t.rssGrowthMb)), 1),
    rss_growth_mb_max: round(Math.max(...[...tus, ...tusWeb].map((t) => t.rssGrowthMb)), 1),
    ingest_s: round(median(tus.map((t) => t.ingestS)), 2),
    ...webFigures,
    tus_mb_per_s_runs: tus.map((t) => round(t.mbPerS, 1)),
    raw_mb_per_s_runs: raws.map((r) => round(r.mbPerS, 1)),
    rss_growth_mb_runs: tus.map((t) => round(t.rssGrowthMb, 1)),
    ingest_s_runs: tus.map((t) => round(t.ingestS, 2)),
    ingest_rss_growth_mb_runs: tus.map((t) => round(t.ingestRssGrowthMb, 1)),
    tus_server_cpu_s_runs: tus.map((t) => round(t.serverCpuS, 2)),
    tus_patch_wait_s_runs: tus.map((t) => round(sum(t.patchWaitMs) / 1000, 2)),
    ...webRuns,
    raw_rss_growth_mb_runs: raws.map((r) => round(r.rssGrowthMb, 1)),
    raw_server_cpu_s_runs: raws.map((r) => round(r.serverCpuS, 2)),
    size_mib: SIZE / MiB,
    chunk_mib: CHUNK / MiB,
    runs: RUNS,
  };
  await cleanUp();
  console.log(JSON.stringify(figures));
} catch (err) {
  await cleanUp();
  throw err;
}
