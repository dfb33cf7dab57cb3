import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { browserPlayable, createAudioProcessor, processAudio } from './audio.ts';
import { runTool } from './run-tool.ts';
import { inputFor, processesMentioning, tempDir } from './test-support.ts';
import { skipIfOptedOut } from '../../testing/prerequisites.ts';

const skip = skipIfOptedOut('video');
const NEEDS_CONVERSION = 'Playback needs conversion, which is not available on this server — download the file.';

describe('audio processor', { skip }, () => {
  let dir = '';
  const clip = (name: string) => path.join(dir, name);
  const ffmpeg = async (args: string[]) => {
    const result = await runTool('ffmpeg', ['-v', 'error', '-y', ...args], {
      cwd: dir,
      timeoutMs: 60_000,
      signal: new AbortController().signal,
    });
    assert.equal(result.code, 0, result.stderr);
  };
  const sine = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lectern-audio-'));
    await ffmpeg([...sine(2), '-c:a', 'libmp3lame', clip('tone.mp3')]);
    await ffmpeg([...sine(2), '-c:a', 'pcm_s16le', clip('tone.wav')]);
    await ffmpeg([...sine(2), '-c:a', 'wmav2', clip('tone.wma')]);
    await ffmpeg([...sine(300), '-ar', '48000', '-c:a', 'pcm_s16be', clip('long.aiff')]); // ~1.5 s to transcode
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x64:rate=5', '-c:v', 'mjpeg', clip('silent.mkv')]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('leaves browser-playable audio as it is', async (t) => {
    const work = await tempDir(t);
    const mp3 = await processAudio(inputFor(clip('tone.mp3'), work, { mime: 'audio/mpeg' }));
    assert.ok(mp3.ok);
    assert.deepEqual(mp3.derivatives, []);
    assert.equal(mp3.metadata.playable, true);
    assert.equal(mp3.metadata.codec, 'mp3');
    assert.ok(Math.abs(Number(mp3.metadata.durationSeconds) - 2) < 0.1);
    const wav = await processAudio(inputFor(clip('tone.wav'), work, { mime: 'audio/wav' }));
    assert.ok(wav.ok);
    assert.deepEqual([wav.derivatives, wav.metadata.codec, wav.metadata.playable], [[], 'pcm_s16le', true]);
  });

  it('transcodes other audio to AAC in M4A, reporting progress', async (t) => {
    const work = await tempDir(t);
    const progress: number[] = [];
    const result = await processAudio(
      inputFor(clip('tone.wma'), work, { mime: 'audio/x-ms-wma' }, { progress: (p) => progress.push(p) }),
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.metadata.codec, 'wmav2');
    assert.equal(result.metadata.playable, false);
    assert.equal(result.metadata.transcoded, true);
    assert.equal(result.derivatives.length, 1);
    const [audio] = result.derivatives;
    assert.deepEqual([audio?.role, audio?.mime], ['audio', 'audio/mp4']);
    const probe = await runTool(
      'ffprobe',
      ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', audio?.path ?? ''],
      {
        cwd: work,
        timeoutMs: 10_000,
        signal: new AbortController().signal,
      },
    );
    const info = JSON.parse(probe.stdout);
    assert.equal(info.streams[0].codec_name, 'aac');
    assert.match(info.format.format_name, /mp4/);
    assert.equal(progress.at(-1), 100);
    assert.deepEqual(
      progress,
      [...progress].sort((a, b) => a - b),
      'progress only goes up',
    );
  });

  it('refuses files without audio, damaged files and over-long recordings', async (t) => {
    const work = await tempDir(t);
    assert.deepEqual(await processAudio(inputFor(clip('silent.mkv'), work)), {
      ok: false,
      reason: 'The file has no audio.',
    });
    const garbage = path.join(work, 'garbage.mp3');
    await writeFile(garbage, 'not audio at all '.repeat(100));
    assert.deepEqual(await processAudio(inputFor(garbage, work)), {
      ok: false,
      reason: 'The file could not be read as audio; it may be damaged.',
    });
    // An MP3 whose Xing header claims two million frames (about 14.5 hours).
    const bytes = Buffer.from(await readFile(clip('tone.mp3')));
    const tag = Math.max(bytes.indexOf('Info'), bytes.indexOf('Xing'));
    assert.ok(tag > 0 && (bytes.readUInt32BE(tag + 4) & 1) === 1, 'the clip has a frame count');
    bytes.writeUInt32BE(2_000_000, tag + 8);
    const long = path.join(work, 'long.mp3');
    await writeFile(long, bytes);
    assert.deepEqual(await processAudio(inputFor(long, work)), {
      ok: false,
      reason: 'The recording is longer than 6 hours, the limit for audio.',
    });
  });

  it('does not let a playlist disguised as audio read other files', async (t) => {
    const work = await tempDir(t);
    const playlist = path.join(work, 'evil.mp3');
    // Without -format_whitelist, ffprobe would open this as HLS and read the local file it names.
    await writeFile(
      playlist,
      `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile:${clip('tone.mp3')}\n#EXT-X-ENDLIST\n`,
    );
    assert.deepEqual(await processAudio(inputFor(playlist, work)), {
      ok: false,
      reason: 'The file could not be read as audio; it may be damaged.',
    });
  });

  it('without ffmpeg: plays what browsers can, otherwise says conversion is unavailable', async (t) => {
    const work = await tempDir(t);
    const noFfmpeg = createAudioProcessor({ ffmpeg: 'lectern-no-ffmpeg' });
    const wma = await noFfmpeg(inputFor(clip('tone.wma'), work));
    assert.ok(wma.ok);
    assert.deepEqual([wma.derivatives, wma.note, wma.metadata.playable], [[], NEEDS_CONVERSION, false]);
    const mp3 = await noFfmpeg(inputFor(clip('tone.mp3'), work));
    assert.ok(mp3.ok);
    assert.deepEqual([mp3.derivatives, mp3.note, mp3.metadata.playable], [[], undefined, true]);
    // Without ffprobe either, the detected type decides.
    const nothing = createAudioProcessor({ ffmpeg: 'lectern-no-ffmpeg', ffprobe: 'lectern-no-ffprobe' });
    assert.deepEqual(await nothing(inputFor(clip('tone.mp3'), work, { mime: 'audio/mpeg' })), {
      ok: true,
      derivatives: [],
      metadata: { playable: true, probed: false },
    });
    assert.deepEqual(await nothing(inputFor(clip('tone.wma'), work, { mime: 'audio/x-ms-wma' })), {
      ok: true,
      derivatives: [],
      metadata: { playable: false, probed: false },
      note: NEEDS_CONVERSION,
    });
  });

  it('on abort kills ffmpeg and rejects', async (t) => {
    const work = await tempDir(t);
    const controller = new AbortController();
    let converting = false;
    const run = processAudio(
      inputFor(
        clip('long.aiff'),
        work,
        { mime: 'audio/aiff' },
        { signal: controller.signal, progress: () => (converting = true) },
      ),
    );
    const poll = setInterval(() => converting && controller.abort(), 10);
    t.after(() => clearInterval(poll));
    await assert.rejects(run, { name: 'ToolError', kind: 'aborted' });
    assert.deepEqual(processesMentioning(work), []);
  });
});

describe('browserPlayable', () => {
  const detected = { mime: 'audio/ogg', ext: 'ogg' };
  it('knows what browsers play without conversion', () => {
    assert.equal(browserPlayable('mp3', 'mp3', detected), true);
    assert.equal(browserPlayable('mov,mp4,m4a,3gp,3g2,mj2', 'aac', detected), true);
    assert.equal(browserPlayable('mov,mp4,m4a,3gp,3g2,mj2', 'alac', detected), false);
    assert.equal(browserPlayable('ogg', 'opus', detected), true);
    assert.equal(browserPlayable('ogg', 'vorbis', detected), true);
    assert.equal(browserPlayable('matroska,webm', 'opus', { mime: 'audio/webm', ext: 'webm' }), true);
    assert.equal(browserPlayable('matroska,webm', 'opus', { mime: 'audio/x-matroska', ext: 'mka' }), false);
    assert.equal(browserPlayable('flac', 'flac', detected), true);
    assert.equal(browserPlayable('wav', 'pcm_s16le', detected), true);
    assert.equal(browserPlayable('wav', 'adpcm_ms', detected), false);
    assert.equal(browserPlayable('aiff', 'pcm_s16be', detected), false);
    assert.equal(browserPlayable('asf', 'wmav2', detected), false);
  });
});
