// The video pipeline against PeerTube 7.x's default transcoding, on two 60 s 1080p30 clips with motion
// and sound, made here with ffmpeg (their making is not timed):
//   A  H.264 High/AAC in MP4, index last, a keyframe every second, ~12 Mb/s: as a camera writes it.
//   B  VP9/Opus in WebM: a source that must be re-encoded.
// For each, in the same run:
//   ours      Lectern's own server (src/server/main.ts, forked, embedded SQLite, default ladder 360/720/1080),
//             timed from the answer to the upload's last PATCH (upload complete) until the asset is `ready`
//             with every rendition stored (polled every 50 ms).
//   peertube  the same renditions (1080p, 720p, 360p of the same aspect), one ffmpeg run per rendition one
//             after another, with PeerTube 7.x's default VOD settings: libx264 -preset veryfast -bf 16
//             -b_strategy 1, -r fps, keyframes every 2×fps (-g), -maxrate from PeerTube's bits-per-pixel
//             table (max(0.02 bpp, min(average bpp, 1.3 × the input bitrate))) with -bufsize twice that,
//             AAC (copied when the source is AAC, as PeerTube does, else 128 kb/s), HLS fMP4 single_file with
//             4 s segments; timed from the first run's start to the last run's end.
// Thread budget: the same for both, ffmpeg's and x264's defaults (all cores), at nice 10 (our workers run
// ffmpeg at nice 10; the baseline gets the same).
// ssim: the top (1080p) rendition of each against its source, ffmpeg's ssim filter over every frame (All).
// fastpath_playable_s: a ~200 MB H.264/AAC MP4 (A's streams looped, index last), from upload complete
// until the asset is playable (its fast-path MP4 stored, still processing).
// Goals: a_ratio ≤ 0.5, b_ratio ≤ 0.8, ours ssim ≥ theirs − 0.005, fastpath_playable_s ≤ 2.
// CPU seconds (user + system) are reported beside the times, since on a shared machine the wall
// times of low-priority work swing with whatever else runs: ours is the Lectern process and every
// child it waited for (ffmpeg, ffprobe), from upload complete to ready; PeerTube's is the children of
// this process during its runs. *_cpu_ratio = ours / theirs.
// Times and CPU seconds are medians over --runs rounds (ours and PeerTube's way alternating which goes first).
// Options: --seconds (60), --runs (2), --keep (keep the work folder), --fastpath-only (only the
// 200 MB fast path, --runs times, median).
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { median, round } from './_stats.ts';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    runs: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
    'fastpath-only': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(options.seconds);
const RUNS = Math.max(1, Math.floor(Number(options.runs)));
const FPS = 30;
const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'lectern-bench-transcode-'));
const log = (message: string) => process.stderr.write(`transcode: ${message}\n`);

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds of a process: its own (`self`) and that of the children it has waited for. */
function cpuOf(pid: number | 'self'): { self: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // utime, stime, cutime, cstime are fields 14–17 (man 5 proc); f[0] is field 3.
  return { self: ((f[11] ?? 0) + (f[12] ?? 0)) / CLOCK_TICKS, children: ((f[13] ?? 0) + (f[14] ?? 0)) / CLOCK_TICKS };
}
const totalCpu = (pid: number) => {
  const c = cpuOf(pid);
  return c.self + c.children;
};

// ---- Tools ----

function run(command: string, args: string[], niceness = 0): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(niceness ? 'nice' : command, niceness ? ['-n', String(niceness), command, ...args] : args, {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function ffmpeg(args: string[], niceness = 0): Promise<string> {
  const result = await run('ffmpeg', ['-nostdin', '-hide_banner', '-y', ...args], niceness);
  if (result.code !== 0) throw new Error(`ffmpeg ${args.join(' ')}\n${result.stderr}`);
  return result.stderr;
}

async function probe(file: string): Promise<{ bitRate: number; width: number; height: number }> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=bit_rate:stream=width,height',
      '-of',
      'json',
      file,
    ]);
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      text += c;
    });
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  const json = JSON.parse(out) as { format: { bit_rate: string }; streams: { width?: number; height?: number }[] };
  const video = json.streams.find((s) => s.width);
  return { bitRate: Number(json.format.bit_rate), width: video?.width ?? 0, height: video?.height ?? 0 };
}

/** Mean SSIM (All) of `distorted` against `reference`, frame by frame from each one's start. */
async function ssim(distorted: string, reference: string): Promise<number> {
  const stderr = await ffmpeg([
    ...['-v', 'info', '-nostats', '-i', distorted, '-i', reference],
    ...['-lavfi', '[0:v]setpts=PTS-STARTPTS[d];[1:v]setpts=PTS-STARTPTS[r];[d][r]ssim', '-f', 'null', '-'],
  ]);
  const all = /SSIM .*All:([\d.]+)/.exec(stderr)?.[1];
  if (!all) throw new Error(`no SSIM in:\n${stderr.slice(-2000)}`);
  return Number(all);
}

// ---- The clips ----

async function makeClips(fastPathOnly = false) {
  const a = path.join(work, 'a-camera.mp4');
  const b = path.join(work, 'b-vp9.webm');
  const big = path.join(work, 'fastpath-200mb.mp4');
  // Moving test pattern, hue turning, with temporal grain like a camera sensor's; a tone with a beat.
  const picture = `testsrc2=size=1920x1080:rate=${FPS}:duration=${SECONDS},hue=H=2*PI*t/20,noise=alls=6:allf=t`;
  const sound = `sine=frequency=220:beep_factor=4:duration=${SECONDS}:sample_rate=48000`;
  log('making A (H.264 High/AAC, 1 s GOP, ~12 Mb/s, index last)');
  await ffmpeg([
    ...['-v', 'error', '-f', 'lavfi', '-i', picture, '-f', 'lavfi', '-i', sound],
    ...['-c:v', 'libx264', '-preset', 'faster', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', String(FPS)],
    ...['-b:v', '12M', '-maxrate', '14M', '-bufsize', '24M', '-c:a', 'aac', '-b:a', '192k', '-ac', '2', '-shortest', a],
  ]);
  if (!fastPathOnly) log('making B (VP9/Opus WebM from the same picture)');
  if (!fastPathOnly) await ffmpeg([
    ...['-v', 'error', '-i', a, '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1'],
    ...['-b:v', '8M', '-g', '120', '-c:a', 'libopus', '-b:a', '128k', b],
  ]);
  // ~200 MB: A's streams repeated (no re-encoding), cut to the length that makes 200 MB.
  const loops = Math.ceil((200 * 1024 * 1024) / statSync(a).size);
  const length = (SECONDS * 200 * 1024 * 1024) / statSync(a).size;
  await ffmpeg(['-v', 'error', '-stream_loop', String(loops), '-i', a, '-c', 'copy', '-t', length.toFixed(2), big]);
  log(`clips: A ${mb(a)} MB, B ${fastPathOnly ? 'not made' : `${mb(b)} MB`}, fast path ${mb(big)} MB`);
  return { a, b, big };
}

const mb = (file: string) => round(statSync(file).size / (1024 * 1024), 1);

// ---- PeerTube's way ----

const AVERAGE_BPP: [number, number][] = [
  [2160, 0.08],
  [1440, 0.09],
  [1080, 0.1],
  [720, 0.11],
  [480, 0.12],
  [360, 0.15],
  [240, 0.17],
  [144, 0.19],
];

/** PeerTube 7.x getTargetBitrate: max(min, min(average, input × 1.3)). */
function peertubeBitrate(resolution: number, ratio: number, fps: number, inputBitRate: number): number {
  const bpp = AVERAGE_BPP.find(([r]) => r <= resolution)?.[1] ?? 0.19;
  const pixels = resolution * resolution * ratio * fps;
  const average = Math.floor(pixels * bpp);
  const capped = inputBitRate ? Math.min(average, inputBitRate * 1.3) : average;
  return Math.floor(Math.max(Math.floor(pixels * 0.02), capped));
}

async function peertube(
  source: string,
  name: string,
  audioIsAac: boolean,
): Promise<{ seconds: number; cpu: number; top: string }> {
  const info = await probe(source);
  const dir = path.join(work, `peertube-${name}`);
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  const cpuBefore = cpuOf('self').children;
  for (const resolution of [1080, 720, 360]) {
    const bitrate = peertubeBitrate(resolution, info.width / info.height, FPS, info.bitRate);
    await ffmpeg(
      [
        ...['-v', 'error', '-i', source, '-map', '0:v:0', '-map', '0:a:0', '-map_metadata', '-1'],
        ...['-c:v', 'libx264', '-preset', 'veryfast', `-maxrate:v`, String(bitrate), '-bufsize:v', String(bitrate * 2)],
        ...['-b_strategy', '1', '-bf', '16', '-r', String(FPS), '-g', String(2 * FPS), '-pix_fmt', 'yuv420p'],
        ...['-vf', `scale=w=-2:h=${resolution}`],
        ...(audioIsAac ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '128k', '-ac', '2']),
        ...['-f', 'hls', '-hls_time', '4', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4'],
        ...[
          '-hls_flags',
          'single_file',
          '-hls_segment_filename',
          path.join(dir, `${resolution}.mp4`),
          path.join(dir, `${resolution}.m3u8`),
        ],
      ],
      10,
    );
  }
  return {
    seconds: (performance.now() - started) / 1000,
    cpu: cpuOf('self').children - cpuBefore,
    top: path.join(dir, '1080.mp4'),
  };
}

// ---- Ours: the real server ----

interface Server {
  process: ChildProcess;
  base: string;
  cookie: string;
  csrf: string;
}

async function startLectern(): Promise<Server> {
  const dataDir = path.join(work, 'lectern-data');
  const child = fork(path.join(root, 'src/server/main.ts'), [], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      PASSWORD_SCRYPT_LOG_N: '12',
    },
    execArgv: [],
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Lectern did not start within 60 s')), 60_000);
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m.type === 'listening' && m.port) {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    child.once('exit', (code) => reject(new Error(`Lectern exited (${code})`)));
  });
  const server: Server = { process: child, base: `http://127.0.0.1:${port}`, cookie: '', csrf: '' };
  server.csrf = ((await call(server, 'GET', '/api/auth/csrf')) as { token: string }).token;
  await call(server, 'POST', '/api/setup', {
    email: 'bench@example.org',
    displayName: 'Bench Admin',
    password: 'correct horse battery staple',
  });
  return server;
}

async function send(
  server: Server,
  method: string,
  url: string,
  init: { headers?: Record<string, string>; body?: RequestInit['body'] },
) {
  const response = await fetch(new URL(url, server.base), {
    method,
    headers: { cookie: server.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': server.csrf }), ...init.headers },
    body: init.body,
    ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? '';
    const name = pair.slice(0, pair.indexOf('='));
    const jar = new Map(
      server.cookie ? server.cookie.split('; ').map((c) => [c.slice(0, c.indexOf('=')), c] as const) : [],
    );
    jar.set(name, pair);
    server.cookie = [...jar.values()].join('; ');
  }
  return response;
}

async function call(server: Server, method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await send(server, method, url, {
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

interface AssetAnswer {
  asset: { state: string; reason: string | null; viewer: string; derivatives: { role: string }[] };
}

/** Uploads with tus (one PATCH); resolves with the asset id and the moment the upload completed. */
async function upload(server: Server, file: string): Promise<{ id: string; completedAt: number }> {
  const size = statSync(file).size;
  const tus = { 'tus-resumable': '1.0.0' };
  const metadata = `filename ${Buffer.from(path.basename(file)).toString('base64')},kind ${Buffer.from('video').toString('base64')}`;
  const created = await send(server, 'POST', '/api/uploads', {
    headers: { ...tus, 'upload-length': String(size), 'upload-metadata': metadata },
  });
  if (created.status !== 201) throw new Error(`tus creation: ${created.status} ${await created.text()}`);
  const location = created.headers.get('location') ?? '';
  const patched = await send(server, 'PATCH', location, {
    headers: {
      ...tus,
      'content-type': 'application/offset+octet-stream',
      'upload-offset': '0',
      'content-length': String(size),
    },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
  });
  const completedAt = performance.now();
  if (patched.status !== 204) throw new Error(`tus PATCH: ${patched.status} ${await patched.text()}`);
  return { id: location.split('/').pop() ?? '', completedAt };
}

async function waitFor(
  server: Server,
  id: string,
  done: (a: AssetAnswer['asset']) => boolean,
  everyMs = 50,
): Promise<number> {
  for (;;) {
    const { asset } = (await call(server, 'GET', `/api/assets/${id}`)) as AssetAnswer;
    if (asset.state === 'failed') throw new Error(`asset ${id} failed: ${asset.reason}`);
    if (done(asset)) return performance.now();
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function ours(
  server: Server,
  source: string,
  name: string,
): Promise<{ seconds: number; cpu: number; top: string; renditions: unknown }> {
  const pid = server.process.pid as number;
  const { id, completedAt } = await upload(server, source);
  const cpuBefore = totalCpu(pid);
  // Every 200 ms: answering the polls costs the server CPU, which counts as ours.
  const readyAt = await waitFor(server, id, (a) => a.state === 'ready', 200);
  const cpu = totalCpu(pid) - cpuBefore;
  const { asset } = (await call(server, 'GET', `/api/assets/${id}`)) as AssetAnswer & {
    asset: { metadata: Record<string, unknown> };
  };
  const response = await send(server, 'GET', `/api/assets/${id}/derivatives/hls-1080-data`, {});
  if (!response.ok) throw new Error(`top rendition: HTTP ${response.status}`);
  const top = path.join(work, `ours-${name}-1080.mp4`);
  await writeFile(top, Buffer.from(await response.arrayBuffer()));
  return { seconds: (readyAt - completedAt) / 1000, cpu, top, renditions: asset.metadata.renditions };
}

// ---- The run ----

let lectern: Server | undefined;
try {
  const clips = await makeClips(options['fastpath-only']);
  lectern = await startLectern();
  if (options['fastpath-only']) {
    const samples: number[] = [];
    for (let runIndex = 0; runIndex < RUNS; runIndex++) {
      const fast = await upload(lectern, clips.big);
      const playableAt = await waitFor(lectern, fast.id, (a) => a.derivatives.some((d) => d.role === 'mp4'));
      samples.push((playableAt - fast.completedAt) / 1000);
      log(`fast path run ${runIndex + 1}/${RUNS}: playable after ${round(samples.at(-1) ?? 0)} s`);
      // Its ladder is not measured here: deleting the asset stops it.
      await call(lectern, 'DELETE', `/api/assets/${fast.id}`);
    }
    console.log(JSON.stringify({ fastpath_playable_s: round(median(samples)), fastpath_mb: mb(clips.big), runs: RUNS }));
    lectern.process.kill('SIGTERM');
    if (!options.keep) rmSync(work, { recursive: true, force: true });
    process.exit(0);
  }

  // Runs alternate which goes first, so a change in the machine's load over time hits both alike.
  type Measured = { seconds: number; cpu: number; top: string };
  const series = {
    a: { ours: [] as Measured[], theirs: [] as Measured[] },
    b: { ours: [] as Measured[], theirs: [] as Measured[] },
  };
  const renditions: Record<string, unknown> = {};
  for (let runIndex = 0; runIndex < RUNS; runIndex++) {
    for (const [key, clip, aac] of [
      ['a', clips.a, true],
      ['b', clips.b, false],
    ] as const) {
      const oursFirst = runIndex % 2 === 0;
      for (const which of oursFirst ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const)) {
        const label = `${key.toUpperCase()} run ${runIndex + 1}/${RUNS}: ${which === 'ours' ? 'ours' : "PeerTube's way"}`;
        const result =
          which === 'ours'
            ? await ours(lectern, clip, `${key}${runIndex}`)
            : await peertube(clip, `${key}${runIndex}`, aac);
        if ('renditions' in result) renditions[key] = result.renditions;
        series[key][which].push(result);
        log(`${label} ${round(result.seconds)} s, ${round(result.cpu)} s CPU`);
      }
    }
  }
  log(`renditions: ${JSON.stringify(renditions)}`);
  const mid = (runs: Measured[], field: 'seconds' | 'cpu') => median(runs.map((r) => r[field]));
  const aOurs = {
    seconds: mid(series.a.ours, 'seconds'),
    cpu: mid(series.a.ours, 'cpu'),
    top: series.a.ours[0]?.top ?? '',
  };
  const aTheirs = {
    seconds: mid(series.a.theirs, 'seconds'),
    cpu: mid(series.a.theirs, 'cpu'),
    top: series.a.theirs[0]?.top ?? '',
  };
  const bOurs = {
    seconds: mid(series.b.ours, 'seconds'),
    cpu: mid(series.b.ours, 'cpu'),
    top: series.b.ours[0]?.top ?? '',
  };
  const bTheirs = {
    seconds: mid(series.b.theirs, 'seconds'),
    cpu: mid(series.b.theirs, 'cpu'),
    top: series.b.theirs[0]?.top ?? '',
  };

  log('fast path');
  const fast = await upload(lectern, clips.big);
  const playableAt = await waitFor(lectern, fast.id, (a) => a.derivatives.some((d) => d.role === 'mp4'));
  const fastpathPlayable = (playableAt - fast.completedAt) / 1000;
  log(`fast path: playable after ${round(fastpathPlayable)} s; waiting for its ladder before measuring quality`);
  await waitFor(lectern, fast.id, (a) => a.state === 'ready');

  log('SSIM of the top renditions');
  const figures = {
    a_ours_s: round(aOurs.seconds),
    a_peertube_s: round(aTheirs.seconds),
    a_ratio: round(aOurs.seconds / aTheirs.seconds, 3),
    b_ours_s: round(bOurs.seconds),
    b_peertube_s: round(bTheirs.seconds),
    b_ratio: round(bOurs.seconds / bTheirs.seconds, 3),
    a_ours_ssim: round(await ssim(aOurs.top, clips.a), 4),
    a_peertube_ssim: round(await ssim(aTheirs.top, clips.a), 4),
    b_ours_ssim: round(await ssim(bOurs.top, clips.b), 4),
    b_peertube_ssim: round(await ssim(bTheirs.top, clips.b), 4),
    a_ours_cpu_s: round(aOurs.cpu, 1),
    a_peertube_cpu_s: round(aTheirs.cpu, 1),
    a_cpu_ratio: round(aOurs.cpu / aTheirs.cpu, 3),
    b_ours_cpu_s: round(bOurs.cpu, 1),
    b_peertube_cpu_s: round(bTheirs.cpu, 1),
    b_cpu_ratio: round(bOurs.cpu / bTheirs.cpu, 3),
    fastpath_playable_s: round(fastpathPlayable),
    fastpath_mb: mb(clips.big),
    a_top_copied: (renditions.a as { copied: boolean }[] | undefined)?.[0]?.copied ?? false,
    runs: RUNS,
    seconds: SECONDS,
  };
  console.log(JSON.stringify(figures));
} finally {
  lectern?.process.kill('SIGTERM');
  if (!options.keep) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
