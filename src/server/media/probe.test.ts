import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTool, ToolError } from '../assets/processors/run-tool.ts';
import { formatDuration, probeVideo, sniffContainer, type VideoProbe } from './probe.ts';
import { skipIfOptedOut } from '../testing/prerequisites.ts';

const skip = skipIfOptedOut('video');
const signal = () => new AbortController().signal;

function assertOk(result: VideoProbe): asserts result is Extract<VideoProbe, { ok: true }> {
  assert.ok(result.ok, result.ok ? '' : `refused: ${result.reason}`);
}

describe('sniffContainer', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
  it('recognises the allowed containers from magic bytes', () => {
    assert.equal(sniffContainer(bytes([0, 0, 0, 0x20], 'ftypisom')), 'mp4');
    assert.equal(sniffContainer(bytes([0, 0, 0, 0x14], 'ftypqt  ')), 'mov');
    assert.equal(sniffContainer(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm')), 'webm');
    assert.equal(sniffContainer(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska')), 'matroska');
    assert.equal(sniffContainer(bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')), 'avi');
    assert.equal(sniffContainer(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')), null);
    assert.equal(sniffContainer(bytes('OggS', [0])), 'ogg');
    assert.equal(sniffContainer(bytes('FLV', [1, 5])), 'flv');
    assert.equal(sniffContainer(bytes([0, 0, 1, 0xba, 0x44])), 'mpeg');
    const ts = new Uint8Array(188 * 4);
    for (let i = 0; i < ts.length; i += 188) ts[i] = 0x47;
    assert.equal(sniffContainer(ts), 'mpegts');
    assert.equal(sniffContainer(ts.subarray(0, 200)), null); // one sync byte proves nothing
    assert.equal(sniffContainer(bytes('#EXTM3U\n#EXT-X-VERSION:3\n')), null);
    assert.equal(sniffContainer(bytes('ffconcat version 1.0\n')), null);
    assert.equal(sniffContainer(bytes([0x89], 'PNG\r\n')), null);
    assert.equal(sniffContainer(new Uint8Array(0)), null);
  });

  it('formats limits in hours, minutes or seconds', () => {
    assert.equal(formatDuration(4 * 3600), '4 h');
    assert.equal(formatDuration(5400), '1.5 h');
    assert.equal(formatDuration(90), '1.5 min');
    assert.equal(formatDuration(1), '1 s');
  });
});

describe('probeVideo', { skip }, () => {
  let dir = '';
  const clip = (name: string) => path.join(dir, name);
  const ffmpeg = async (args: string[]) => {
    const result = await runTool('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], {
      cwd: dir,
      timeoutMs: 60_000,
      signal: signal(),
    });
    assert.equal(result.code, 0, result.stderr);
  };
  const testsrc = (size: string, seconds = 1, rate = 10) => [
    '-f',
    'lavfi',
    '-i',
    `testsrc=duration=${seconds}:size=${size}:rate=${rate}`,
  ];
  const sine = (seconds = 1) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
  const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  const probe = (name: string, limits?: Parameters<typeof probeVideo>[1]['limits']) =>
    probeVideo(clip(name), { signal: signal(), limits });
  const CONCAT = "ffconcat version 1.0\nfile '/etc/passwd'\n";
  const PLAYLIST =
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n';

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lectern-probe-'));
    await Promise.all([
      ffmpeg([...testsrc('160x120'), ...sine(), ...x264, '-c:a', 'aac', '-shortest', clip('h264-aac.mp4')]),
      ffmpeg([...testsrc('160x120', 2), ...x264, clip('h264.mp4')]),
      ffmpeg([...testsrc('120x160'), ...x264, clip('portrait.mp4')]),
      ffmpeg([...testsrc('160x120'), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', clip('vp9.webm')]),
      ffmpeg([...testsrc('160x120'), ...sine(), '-c:v', 'libtheora', '-c:a', 'libvorbis', clip('theora.ogv')]),
      ffmpeg([...testsrc('161x121'), '-c:v', 'ffv1', '-pix_fmt', 'yuv420p', clip('odd.mkv')]),
      ffmpeg([
        ...testsrc('160x120'),
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv444p',
        clip('444.mp4'),
      ]),
      ffmpeg([...testsrc('160x120'), '-c:v', 'mpeg4', clip('mpeg4.avi')]),
      ffmpeg([...testsrc('160x120'), ...x264, '-f', 'mpegts', clip('h264.ts')]),
      ffmpeg([
        ...testsrc('160x120'),
        ...sine(),
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-c:a',
        'libmp3lame',
        clip('mp3.mp4'),
      ]),
      // Variable frame rate: 1 s at 5 fps then 1 s at 25 fps, timestamps kept as they are.
      ...['mp4', 'mkv'].map((ext) =>
        ffmpeg([
          '-filter_complex',
          'testsrc=duration=1:size=160x120:rate=5[a];testsrc=duration=1:size=160x120:rate=25[b];[a][b]concat=n=2:v=1:a=0[v]',
          '-map',
          '[v]',
          '-fps_mode',
          'vfr',
          ...x264,
          clip(`vfr.${ext}`),
        ]),
      ),
      (async () => {
        await ffmpeg([...testsrc('64x64'), '-frames:v', '1', clip('cover.png')]);
        await ffmpeg(
          [...sine(), '-i', clip('cover.png'), '-map', '0', '-map', '1', '-c:a', 'libmp3lame', '-c:v', 'png'].concat([
            '-disposition:v',
            'attached_pic',
            '-id3v2_version',
            '3',
            clip('cover.mp3'),
          ]),
        );
      })(),
    ]);
    await ffmpeg(['-i', clip('h264.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', clip('rotated.mp4')]);
    // Without +faststart the index (moov) is written last, so the first half has none.
    const whole = await readFile(clip('h264-aac.mp4'));
    await writeFile(clip('truncated.mp4'), whole.subarray(0, Math.floor(whole.length / 2)));
    await writeFile(clip('text.mp4'), 'This is not a video, just some notes.\n'.repeat(20));
    await writeFile(clip('playlist.mp4'), PLAYLIST);
    await writeFile(clip('ffconcat.mp4'), CONCAT);
    // A RIFF/AVI header with an HLS playlist where the AVI chunks should be.
    const header = Buffer.alloc(12);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(4 + PLAYLIST.length, 4);
    header.write('AVI ', 8, 'latin1');
    await writeFile(clip('playlist.avi'), Buffer.concat([header, Buffer.from(PLAYLIST)]));
    await writeFile(clip('concat.avi'), Buffer.concat([header, Buffer.from(CONCAT)]));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('describes H.264 + AAC in MP4 as the fast path', async () => {
    const result = await probe('h264-aac.mp4');
    assertOk(result);
    assert.equal(result.container, 'mp4');
    assert.ok(Math.abs(result.durationSeconds - 1) < 0.1, String(result.durationSeconds));
    assert.deepEqual(
      { ...result.video, profile: undefined, level: undefined, bitRate: undefined },
      {
        index: 0,
        codec: 'h264',
        width: 160,
        height: 120,
        pixFmt: 'yuv420p',
        fps: 10,
        rotation: 0,
        bitDepth: 8,
        profile: undefined,
        level: undefined,
        bitRate: undefined,
      },
    );
    assert.equal(typeof result.video.profile, 'string');
    assert.ok((result.video.level ?? 0) > 0 && (result.video.bitRate ?? 0) > 0, JSON.stringify(result.video));
    assert.equal(result.audio?.index, 1);
    assert.equal(result.audio?.profile, 'LC');
    assert.equal(result.audio?.codec, 'aac');
    assert.equal(result.audio?.channels, 1);
    assert.equal(result.audio?.sampleRate, 44100);
    assert.equal(result.fastPath, true);
  });

  it('takes the fast path for H.264 without audio, in either orientation', async () => {
    const silent = await probe('h264.mp4');
    assertOk(silent);
    assert.equal(silent.audio, null);
    assert.equal(silent.fastPath, true);
    assert.ok(Math.abs(silent.durationSeconds - 2) < 0.1);
    const portrait = await probe('portrait.mp4');
    assertOk(portrait);
    assert.equal(portrait.video.width, 120);
    assert.equal(portrait.video.height, 160);
    assert.equal(portrait.fastPath, true);
  });

  it('reads rotation from the display matrix', async () => {
    const result = await probe('rotated.mp4');
    assertOk(result);
    // ffmpeg 5.1 stores `rotate=90` as a 90° counter-clockwise display matrix, i.e. 270° clockwise.
    assert.equal(result.video.rotation, 270);
    assert.equal(result.fastPath, true);
  });

  it('accepts other codecs and containers off the fast path', async () => {
    const vp9 = await probe('vp9.webm');
    assertOk(vp9);
    assert.equal(vp9.container, 'webm');
    assert.equal(vp9.video.codec, 'vp9');
    assert.equal(vp9.fastPath, false);

    const theora = await probe('theora.ogv');
    assertOk(theora);
    assert.equal(theora.container, 'ogg');
    assert.equal(theora.video.codec, 'theora');
    assert.equal(theora.audio?.codec, 'vorbis');
    assert.equal(theora.fastPath, false);

    const odd = await probe('odd.mkv');
    assertOk(odd);
    assert.equal(odd.container, 'matroska');
    assert.deepEqual([odd.video.codec, odd.video.width, odd.video.height], ['ffv1', 161, 121]);

    const avi = await probe('mpeg4.avi');
    assertOk(avi);
    assert.equal(avi.container, 'avi');
    assert.equal(avi.video.codec, 'mpeg4');

    const ts = await probe('h264.ts');
    assertOk(ts);
    assert.equal(ts.container, 'mpegts');
    assert.equal(ts.fastPath, false); // not MP4/MOV

    const yuv444 = await probe('444.mp4');
    assertOk(yuv444);
    assert.equal(yuv444.fastPath, false);

    const mp3Audio = await probe('mp3.mp4');
    assertOk(mp3Audio);
    assert.equal(mp3Audio.audio?.codec, 'mp3');
    assert.equal(mp3Audio.fastPath, false);
  });

  it('reports the frame rate of variable-frame-rate video', async () => {
    const mp4 = await probe('vfr.mp4');
    assertOk(mp4);
    assert.ok(mp4.video.fps > 5 && mp4.video.fps < 25, `average ${mp4.video.fps}`);
    const mkv = await probe('vfr.mkv');
    assertOk(mkv);
    assert.ok(mkv.video.fps > 0, `fps ${mkv.video.fps}`); // Matroska has no average: r_frame_rate fallback
  });

  it('refuses damaged files without throwing', async () => {
    const result = await probe('truncated.mp4');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.reason.length > 0);
    const empty = clip('empty.mp4');
    await writeFile(empty, '');
    assert.deepEqual(await probeVideo(empty, { signal: signal() }), { ok: false, reason: 'not a video' });
    assert.deepEqual(await probeVideo(clip('missing.mp4'), { signal: signal() }), { ok: false, reason: 'not a video' });
    assert.deepEqual(await probeVideo(dir, { signal: signal() }), { ok: false, reason: 'not a video' });
  });

  it('refuses text, playlists and concat lists named .mp4 without probing them', async () => {
    for (const name of ['text.mp4', 'playlist.mp4', 'ffconcat.mp4']) {
      // `true` as ffprobe would answer "could not be read": "not a video" proves no probe ran.
      const result = await probeVideo(clip(name), { signal: signal(), ffprobe: '/bin/true' });
      assert.deepEqual(result, { ok: false, reason: 'not a video' }, name);
    }
  });

  it('refuses an AVI carrying a playlist', async () => {
    assert.deepEqual(await probe('playlist.avi'), { ok: false, reason: 'no video stream' });
    assert.equal((await probe('concat.avi')).ok, false);
  });

  it('refuses cover art as video', async () => {
    assert.deepEqual(await probe('cover.mp3'), { ok: false, reason: 'no video stream' });
  });

  it('applies the limits', async () => {
    assert.deepEqual(await probe('h264.mp4', { maxDurationSeconds: 1 }), { ok: false, reason: 'longer than 1 s' });
    assert.deepEqual(await probe('h264.mp4', { maxDurationSeconds: 1.5 * 3600 }).then((r) => r.ok), true);
    assert.deepEqual(await probe('h264.mp4', { maxWidth: 150, maxHeight: 100 }), {
      ok: false,
      reason: 'the video is larger than 150×100',
    });
    // Limits hold for either orientation.
    assert.equal((await probe('portrait.mp4', { maxWidth: 160, maxHeight: 120 })).ok, true);
    assert.deepEqual(await probe('h264-aac.mp4', { maxStreams: 1 }), { ok: false, reason: 'too many streams (2)' });
  });

  it('rejects when the job is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(probeVideo(clip('h264.mp4'), { signal: controller.signal }), (err: unknown) => {
      return err instanceof ToolError && err.kind === 'aborted';
    });
    const later = new AbortController();
    const running = probeVideo(clip('h264.mp4'), { signal: later.signal });
    later.abort();
    await assert.rejects(running, (err: unknown) => err instanceof ToolError && err.kind === 'aborted');
  });

  it('never opens a file or address other than the input', { skip: skipIfOptedOut('strace') }, async () => {
    const log = clip('strace.log');
    const wrapper = clip('traced-ffprobe');
    await writeFile(wrapper, `#!/bin/sh\nexec strace -f -e trace=openat,connect -o '${log}' ffprobe "$@"\n`);
    await chmod(wrapper, 0o755);
    // Control: the trace does catch a read of /etc/passwd when ffprobe is left to guess the format.
    const control = await runTool(wrapper, ['-v', 'error', '-safe', '0', `file:${clip('ffconcat.mp4')}`], {
      cwd: dir,
      timeoutMs: 60_000,
      signal: signal(),
    });
    assert.notEqual(control.code, null);
    assert.match(await readFile(log, 'utf8'), /openat\([^)]*"\/etc\/passwd"/);
    // The same list through probeVideo never reaches ffprobe at all.
    await rm(log);
    assert.deepEqual(await probeVideo(clip('ffconcat.mp4'), { signal: signal(), ffprobe: wrapper }), {
      ok: false,
      reason: 'not a video',
    });
    assert.equal(await stat(log).catch(() => null), null);

    for (const name of ['playlist.avi', 'concat.avi', 'h264-aac.mp4', 'vp9.webm', 'h264.ts', 'cover.mp3']) {
      await rm(log, { force: true });
      await probeVideo(clip(name), { signal: signal(), ffprobe: wrapper });
      assert.ok((await stat(log)).size > 0, 'strace wrote nothing');
      const trace = await readFile(log, 'utf8');
      assert.ok(trace.includes(clip(name)), `${name}: the input was not opened under strace`);
      assert.doesNotMatch(trace, /\/etc\/passwd/, name);
      assert.doesNotMatch(trace, /connect\(/, name);
      // Apart from the input, only what the loader and libraries need to start: nothing in the test folder.
      const others = trace
        .split('\n')
        .filter((line) => line.includes('openat(') && line.includes(dir) && !line.includes(clip(name)));
      assert.deepEqual(others, [], name);
    }
  });
});
