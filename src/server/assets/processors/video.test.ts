// The video processor on real ffmpeg, with clips made at test time: every kind of input ends ready (with a
// playable HLS ladder) or failed with the right reason, and no run opens anything but its input and outputs.
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTool, ToolError } from './run-tool.ts';
import { alive, inputFor, processesMentioning } from './test-support.ts';
import type { DerivativeFile, ProcessResult } from './types.ts';
import { createVideoProcessor, FAST_PATH_ROLE } from './video.ts';
import { skipIfOptedOut } from '../../testing/prerequisites.ts';
import { waitFor } from '../../testing/wait.ts';

const skip = skipIfOptedOut('video');
const signal = () => new AbortController().signal;

type Ready = Extract<ProcessResult, { ok: true }>;
function assertReady(result: ProcessResult): asserts result is Ready {
  assert.ok(result.ok, result.ok ? '' : `failed: ${result.reason}`);
}

describe('video processor', { skip }, () => {
  let dir = '';
  const clip = (name: string) => path.join(dir, name);
  const ffmpeg = async (args: string[]) => {
    const result = await runTool('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], {
      cwd: dir,
      timeoutMs: 120_000,
      signal: signal(),
    });
    assert.equal(result.code, 0, result.stderr);
  };
  const testsrc = (size: string, seconds = 3, rate = 10) => [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=duration=${seconds}:size=${size}:rate=${rate}`,
  ];
  const sine = (seconds = 3) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
  // At a phone's bitrate per pixel (well below MAX_COPY_BITS_PER_PIXEL), keyframes every second.
  const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '10', '-b:v', '150k'];
  const PLAYLIST = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n';
  // Small renditions keep the suite quick; 120 is below every clip, so each gets an encoded rung too.
  const processor = createVideoProcessor({}, { ladder: { heights: [120, 360] } });

  async function run(name: string, options: { early?: boolean; processor?: typeof processor } = {}) {
    const workDir = await mkdtemp(path.join(dir, `work-${name}-`));
    const earlies: { derivatives: DerivativeFile[]; metadata: Record<string, unknown> }[] = [];
    const progress: number[] = [];
    const input = inputFor(
      clip(name),
      workDir,
      {},
      {
        progress: (p) => progress.push(p),
        ...(options.early === false ? {} : { early: async (r: (typeof earlies)[number]) => void earlies.push(r) }),
      },
    );
    const result = await (options.processor ?? processor)(input);
    return { result, earlies, progress, workDir };
  }

  // Roles have no file extension; ffmpeg's HLS demuxer checks them unless told not to.
  const HLS_DEMUXER = ['-allowed_extensions', 'ALL', '-extension_picky', '0', '-f', 'hls'];

  /** Lays the derivatives out under their role names and lets ffmpeg's HLS demuxer play the master playlist. */
  async function playHls(result: Ready): Promise<{ durationSeconds: number; master: string }> {
    const served = await mkdtemp(path.join(dir, 'served-'));
    for (const d of result.derivatives) await copyFile(d.path, path.join(served, d.role));
    const master = await readFile(path.join(served, 'hls'), 'utf8');
    const decoded = await runTool(
      'ffmpeg',
      ['-v', 'error', ...HLS_DEMUXER, '-i', path.join(served, 'hls'), '-map', '0', '-f', 'null', '-'],
      { cwd: served, timeoutMs: 60_000, signal: signal() },
    );
    assert.equal(decoded.code, 0, decoded.stderr);
    const probe = await runTool(
      'ffprobe',
      ['-v', 'error', ...HLS_DEMUXER, '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(served, 'hls')],
      { cwd: served, timeoutMs: 60_000, signal: signal() },
    );
    return { durationSeconds: Number(probe.stdout.trim()), master };
  }

  const roles = (result: Ready) => result.derivatives.map((d) => d.role).sort();
  const renditions = (result: Ready) =>
    (result.metadata.renditions as { name: string; width: number; height: number; copied: boolean }[]).map(
      (r) => `${r.width}x${r.height}${r.copied ? ' copied' : ''}`,
    );

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lectern-video-'));
    await Promise.all([
      ffmpeg([...testsrc('320x240'), ...sine(), ...x264, '-c:a', 'aac', '-shortest', clip('h264-aac.mp4')]),
      ffmpeg([
        ...testsrc('320x240'),
        ...sine(),
        ...x264,
        '-c:a',
        'aac',
        '-shortest',
        '-movflags',
        '+faststart',
        clip('faststart.mp4'),
      ]),
      ffmpeg([...testsrc('320x240'), ...x264, clip('silent.mp4')]),
      ffmpeg([...testsrc('240x320'), ...sine(), ...x264, '-c:a', 'aac', '-shortest', clip('portrait.mp4')]),
      ffmpeg([
        ...testsrc('320x240'),
        ...sine(),
        '-c:v',
        'libvpx-vp9',
        '-deadline',
        'realtime',
        '-cpu-used',
        '8',
        '-c:a',
        'libopus',
        '-shortest',
        clip('vp9.webm'),
      ]),
      ffmpeg([
        ...testsrc('320x240'),
        ...sine(),
        '-c:v',
        'libtheora',
        '-c:a',
        'libvorbis',
        '-shortest',
        clip('theora.ogv'),
      ]),
      ffmpeg([...testsrc('161x121'), '-c:v', 'ffv1', '-pix_fmt', 'yuv420p', clip('odd.mkv')]),
      ffmpeg([
        '-filter_complex',
        'testsrc2=duration=1.5:size=320x240:rate=5[a];testsrc2=duration=1.5:size=320x240:rate=25[b];[a][b]concat=n=2:v=1:a=0[v]',
        '-map',
        '[v]',
        '-fps_mode',
        'vfr',
        ...x264,
        clip('vfr.mp4'),
      ]),
    ]);
    const whole = await readFile(clip('h264-aac.mp4'));
    await writeFile(clip('truncated.mp4'), whole.subarray(0, Math.floor(whole.length / 2)));
    // Damaged in the middle: 2 KB of the media data overwritten, the container itself intact.
    const damaged = Buffer.from(whole);
    const middle = Math.floor(damaged.length * 0.45);
    for (let i = 0; i < 2048; i++) damaged[middle + i] = (i * 37) & 0xff;
    await writeFile(clip('damaged.mp4'), damaged);
    await writeFile(clip('text.mp4'), 'Lecture notes, not a video.\n'.repeat(40));
    await writeFile(clip('playlist.mp4'), PLAYLIST);
    const header = Buffer.alloc(12);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(4 + PLAYLIST.length, 4);
    header.write('AVI ', 8, 'latin1');
    await writeFile(clip('playlist.avi'), Buffer.concat([header, Buffer.from(PLAYLIST)]));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('makes H.264/AAC in MP4 playable first, then a ladder that reuses its video stream', async () => {
    const { result, earlies, progress } = await run('h264-aac.mp4');
    assertReady(result);
    // The fast path: the same streams with the index first, stored before the ladder.
    assert.equal(earlies.length, 1);
    const early = earlies[0]?.derivatives[0];
    assert.equal(early?.role, FAST_PATH_ROLE);
    assert.notEqual(early?.path, clip('h264-aac.mp4')); // written index-last by ffmpeg: remuxed
    assert.equal(earlies[0]?.metadata.playable, true);
    assert.deepEqual(result.drop, [FAST_PATH_ROLE]);

    assert.deepEqual(renditions(result), ['320x240 copied', '160x120']);
    assert.deepEqual(roles(result), [
      'hls',
      'hls-120',
      'hls-120-data',
      'hls-240',
      'hls-240-data',
      'hls-audio',
      'hls-audio-data',
      'poster',
    ]);
    assert.ok(progress.length > 0 && progress.every((p) => p >= 0 && p <= 99), String(progress));
    const { durationSeconds, master } = await playHls(result);
    assert.ok(Math.abs(durationSeconds - 3) < 0.3, String(durationSeconds));
    assert.match(master, /#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio".*URI="hls-audio"/);
    assert.match(master, /RESOLUTION=160x120,.*CODECS="avc1\.64[0-9A-F]{4},mp4a\.40\.2",AUDIO="audio"\nhls-120\n/);
    assert.match(master, /RESOLUTION=320x240,.*CODECS="avc1\.[0-9A-F]{6},mp4a\.40\.2"/);
    assert.ok(master.indexOf('hls-120') < master.indexOf('hls-240'), 'lowest rendition first');
    // Playlists name their media by role, so the browser resolves them next to the playlist.
    const media = await readFile(result.derivatives.find((d) => d.role === 'hls-120')?.path ?? '', 'utf8');
    assert.match(media, /#EXT-X-MAP:URI="hls-120-data",BYTERANGE="\d+@0"/);
    assert.match(media, /\nhls-120-data\n/);
    assert.doesNotMatch(media, /\.mp4/);
    // Segments of encoded and copied renditions start at the same instants (the source's keyframes, 2 s).
    const durations = (role: string) =>
      readFile(result.derivatives.find((d) => d.role === role)?.path ?? '', 'utf8').then((t) =>
        [...t.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1])),
      );
    assert.deepEqual(await durations('hls-120'), await durations('hls-240'));
    assert.deepEqual((await durations('hls-120')).slice(0, 1), [2]);
    assert.equal(result.metadata.durationSeconds, 3);
    assert.equal(result.metadata.hls, true);
  });

  it('serves an MP4 whose index is already first as it is, without a copy', async () => {
    const { result, earlies } = await run('faststart.mp4');
    assertReady(result);
    assert.equal(earlies[0]?.derivatives[0]?.path, clip('faststart.mp4'));
    assert.deepEqual(result.drop, []);
  });

  it('encodes VP9/Opus WebM, Theora/Vorbis OGV and FFV1 with odd dimensions into the ladder', async () => {
    for (const [name, expected] of [
      ['vp9.webm', ['320x240', '160x120']],
      ['theora.ogv', ['320x240', '160x120']],
      ['odd.mkv', ['160x120']],
    ] as const) {
      const { result, earlies } = await run(name);
      assertReady(result);
      assert.equal(earlies.length, 0, `${name} is not browser-friendly as it is`);
      assert.deepEqual(renditions(result), expected, name);
      const { durationSeconds } = await playHls(result);
      assert.ok(durationSeconds > 2.5, `${name}: ${durationSeconds}`);
    }
    const { result } = await run('odd.mkv');
    assertReady(result);
    assert.ok(!roles(result).includes('hls-audio'), 'no audio rendition for a silent video');
  });

  it('handles no audio, portrait and variable frame rate', async () => {
    const silent = await run('silent.mp4');
    assertReady(silent.result);
    assert.deepEqual(roles(silent.result), ['hls', 'hls-120', 'hls-120-data', 'hls-240', 'hls-240-data', 'poster']);
    const { master } = await playHls(silent.result);
    assert.doesNotMatch(master, /AUDIO/);
    assert.match(master, /CODECS="avc1\.[0-9A-F]{6}"\n/);

    const portrait = await run('portrait.mp4');
    assertReady(portrait.result);
    assert.deepEqual(renditions(portrait.result), ['240x320 copied', '120x160']);
    assert.deepEqual([portrait.result.metadata.width, portrait.result.metadata.height], [240, 320]);

    const vfr = await run('vfr.mp4');
    assertReady(vfr.result);
    const played = await playHls(vfr.result);
    assert.ok(Math.abs(played.durationSeconds - 3) < 0.5, String(played.durationSeconds));
  });

  it('fails damaged and disguised files with a precise reason', async () => {
    const reasons: Record<string, string> = {
      'truncated.mp4': 'The video could not be read; the file may be damaged or incomplete.',
      'text.mp4': 'This is not a video file we can read.',
      'playlist.mp4': 'This is not a video file we can read.',
      'playlist.avi': 'The file has no video stream.',
    };
    for (const [name, reason] of Object.entries(reasons)) {
      const { result, earlies } = await run(name);
      assert.deepEqual(result, { ok: false, reason }, name);
      assert.equal(earlies.length, 0, name);
    }
    const short = createVideoProcessor({}, { limits: { maxDurationSeconds: 2 } });
    assert.deepEqual((await run('silent.mp4', { processor: short })).result, {
      ok: false,
      reason: 'The video was refused: longer than 2 s.',
    });
  });

  it('encodes a stream damaged in the middle instead of copying it, and drops its fast-path MP4', async () => {
    const { result, earlies } = await run('damaged.mp4');
    assertReady(result);
    assert.equal(earlies.length, 1, 'the container is intact: the fast path ran');
    assert.deepEqual(result.drop, [FAST_PATH_ROLE]);
    assert.deepEqual(renditions(result), ['320x240', '160x120'], 'nothing copied');
    assert.equal(result.metadata.reencodedDamage, true);
    assert.match(result.note ?? '', /damaged/);
    // What is served decodes without a single error.
    const served = await mkdtemp(path.join(dir, 'served-damaged-'));
    for (const d of result.derivatives) await copyFile(d.path, path.join(served, d.role));
    const decoded = await runTool(
      'ffmpeg',
      ['-v', 'error', '-xerror', ...HLS_DEMUXER, '-i', path.join(served, 'hls'), '-map', '0', '-f', 'null', '-'],
      { cwd: served, timeoutMs: 60_000, signal: signal() },
    );
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.equal(decoded.stderr.trim(), '');
  });

  it('fails a damaged stream that cannot be encoded either, with the reason', async () => {
    const wrapper = clip('ffmpeg-without-ladder-2');
    await writeFile(
      wrapper,
      '#!/bin/sh\ncase "$*" in *-var_stream_map*) echo "simulated" >&2; exit 1;; esac\nexec ffmpeg "$@"\n',
    );
    await chmod(wrapper, 0o755);
    const broken = createVideoProcessor({ ffmpeg: wrapper }, { ladder: { heights: [120] } });
    const { result } = await run('damaged.mp4', { processor: broken });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /damaged: its picture does not decode cleanly/);
  });

  it('keeps the fast-path MP4 playable when the ladder cannot be made', async () => {
    // An ffmpeg that fails the ladder run (the one with variant streams) and is itself otherwise.
    const wrapper = clip('ffmpeg-without-ladder');
    await writeFile(
      wrapper,
      '#!/bin/sh\ncase "$*" in *-var_stream_map*) echo "simulated" >&2; exit 1;; esac\nexec ffmpeg "$@"\n',
    );
    await chmod(wrapper, 0o755);
    const broken = createVideoProcessor({ ffmpeg: wrapper }, { ladder: { heights: [120] } });
    const playable = await run('h264-aac.mp4', { processor: broken });
    assertReady(playable.result);
    assert.equal(playable.earlies.length, 1);
    assert.deepEqual(playable.result.derivatives, []);
    assert.equal(playable.result.drop, undefined); // the MP4 stays
    assert.equal(playable.result.metadata.hls, false);
    assert.match(playable.result.note ?? '', /plays as one MP4/);
    assert.deepEqual((await run('vp9.webm', { processor: broken })).result, {
      ok: false,
      reason: 'The video could not be converted; the file may be damaged.',
    });
  });

  it('makes the open-codec WebM when asked', async () => {
    const withWebm = createVideoProcessor({}, { ladder: { heights: [120], webm: true } });
    const { result } = await run('h264-aac.mp4', { processor: withWebm });
    assertReady(result);
    const webm = result.derivatives.find((d) => d.role === 'webm');
    assert.equal(webm?.mime, 'video/webm');
    const probe = await runTool(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', webm?.path ?? ''],
      {
        cwd: dir,
        timeoutMs: 30_000,
        signal: signal(),
      },
    );
    assert.deepEqual(probe.stdout.trim().split('\n').sort(), ['opus', 'vp9']);
  });

  it('kills ffmpeg at once when cancelled, and stops at the time limit', async () => {
    await ffmpeg([...testsrc('1280x720', 60, 30), '-c:v', 'mpeg4', '-q:v', '10', clip('long.avi')]);
    const controller = new AbortController();
    const workDir = await mkdtemp(path.join(dir, 'work-cancel-'));
    const slow = createVideoProcessor({}, { ladder: { heights: [720] } });
    let started = false;
    const running = slow(
      inputFor(
        clip('long.avi'),
        workDir,
        {},
        {
          signal: controller.signal,
          progress: () => {
            if (!started) {
              started = true;
              controller.abort();
            }
          },
        },
      ),
    );
    await assert.rejects(running, (err: unknown) => err instanceof ToolError && err.kind === 'aborted');
    assert.ok(started, 'the transcode was running');
    await waitFor(() => processesMentioning(workDir).filter(alive).length === 0, 'no ffmpeg to be left', 5_000, 20);

    const hurried = createVideoProcessor({}, { ladder: { heights: [720], timeoutMs: 500 } });
    const timedOut = await hurried(inputFor(clip('long.avi'), await mkdtemp(path.join(dir, 'work-timeout-'))));
    assert.deepEqual(timedOut, { ok: false, reason: 'Converting the video took too long and was stopped.' });
  });

  it('never opens a file or address other than its input and its own outputs', { skip: skipIfOptedOut('strace') }, async () => {
    const log = clip('strace.log');
    const wrap = async (tool: string) => {
      const wrapper = clip(`traced-${tool}`);
      await writeFile(
        wrapper,
        `#!/bin/sh\nexec strace -f -e trace=openat,connect -o '${log}.${tool}' -A ${tool} "$@"\n`,
      );
      await chmod(wrapper, 0o755);
      return wrapper;
    };
    const traced = createVideoProcessor(
      { ffmpeg: await wrap('ffmpeg'), ffprobe: await wrap('ffprobe') },
      { ladder: { heights: [120] } },
    );
    for (const name of ['h264-aac.mp4', 'vp9.webm', 'playlist.avi', 'theora.ogv']) {
      await rm(`${log}.ffmpeg`, { force: true });
      await rm(`${log}.ffprobe`, { force: true });
      const workDir = await mkdtemp(path.join(dir, 'work-traced-'));
      await mkdir(workDir, { recursive: true });
      await traced(inputFor(clip(name), workDir, {}, { early: async () => {} }));
      const trace = [
        await readFile(`${log}.ffprobe`, 'utf8'),
        await readFile(`${log}.ffmpeg`, 'utf8').catch(() => ''),
      ].join('\n');
      assert.ok(trace.includes(clip(name)), `${name}: the input was not opened under strace`);
      assert.doesNotMatch(trace, /\/etc\/passwd/, name);
      assert.doesNotMatch(trace, /connect\(/, name);
      const strays = trace
        .split('\n')
        .filter((line) => line.includes('openat(') && line.includes(dir))
        .filter((line) => !line.includes(clip(name)) && !line.includes(workDir));
      assert.deepEqual(strays, [], name);
    }
  });
});
