// The video pipeline on the real server and real ffmpeg, on both databases: an upload plays from its
// fast-path MP4 while the ladder is made, then switches to HLS in one step; playlists resolve to
// derivatives; caption tracks and playback positions; a bad file fails; deleting kills ffmpeg.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AssetView } from '../../shared/assets.ts';
import type { CaptionTrackView } from '../../shared/video.ts';
import { runTool } from '../assets/processors/run-tool.ts';
import { alive } from '../assets/processors/test-support.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { tusUpload } from '../testing/tus.ts';
import { skipIfOptedOut } from '../testing/prerequisites.ts';
import { waitFor } from '../testing/wait.ts';

const skip = skipIfOptedOut('video');

async function makeClip(args: string[]): Promise<Buffer> {
  const out = path.join(tmpdir(), `lectern-clip-${process.pid}-${Math.random().toString(36).slice(2)}${args.at(-1)}`);
  const result = await runTool('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args.slice(0, -1), out], {
    cwd: tmpdir(),
    timeoutMs: 120_000,
    signal: new AbortController().signal,
  });
  assert.equal(result.code, 0, result.stderr);
  const bytes = await readFile(out);
  await rm(out, { force: true });
  return bytes;
}

/** ffmpeg processes this test process started (directly: run-tool's `nice` execs the tool). */
function ourFfmpegs(): { pid: number; cmdline: string }[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const cmdline = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').join(' ');
        return ppid === process.pid && cmdline.includes('ffmpeg') ? [{ pid: Number(e), cmdline }] : [];
      } catch {
        return [];
      }
    });
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] video pipeline`, { skip }, () => {
    let app: TestApp;
    let author: TestClient;
    let learner: TestClient;
    let base: string;
    const events: AssetView[] = [];

    const upload = async (content: Buffer, filename: string, kind = 'video') =>
      (
        await tusUpload(base, content, {
          cookie: author.cookieHeader(),
          csrf: await author.csrf(),
          filename,
          kind,
          chunkSize: 8 * 1024 * 1024,
        })
      ).assetId;
    const settled = async (id: string, timeoutMs = 60_000): Promise<AssetView> => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const asset = (await author.get(`/api/assets/${id}`)).json().asset as AssetView;
        if (asset.state === 'ready' || asset.state === 'failed') return asset;
        await sleep(100);
      }
      assert.fail(`asset ${id} did not settle`);
    };

    before(async () => {
      app = await createTestApp(dialect, { VIDEO_LADDER: '144,360' });
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const admin = await setUpAdmin(app);
      author = (await createSignedInUser(app, admin, 'author')).client;
      learner = (await createSignedInUser(app, admin, 'learner')).client;
      app.runtime.bus.subscribe((event) => {
        if (event.type === 'asset') events.push(event.data as AssetView);
      });
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });
    after(() => app.close());

    it('plays an H.264 upload from its MP4 first, then switches to the HLS ladder in one step', async () => {
      const clip = await makeClip([
        ...['-f', 'lavfi', '-i', 'testsrc2=duration=4:size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=duration=4'],
        ...[
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-g',
          '15',
          '-b:v',
          '200k',
          '-pix_fmt',
          'yuv420p',
          '-c:a',
          'aac',
          '-shortest',
        ],
        '.mp4',
      ]);
      const id = await upload(clip, 'lecture.mp4');
      const asset = await settled(id);
      assert.equal(asset.state, 'ready', asset.reason ?? '');
      assert.equal(asset.viewer, 'video');

      // Before the switch: processing, playable as MP4; after: HLS, the MP4 remux gone. On PostgreSQL
      // events travel through LISTEN/NOTIFY and may arrive after the API already answers "ready".
      await waitFor(() => events.some((e) => e.id === id && e.state === 'ready'), 'the ready event');
      const mine = events.filter((e) => e.id === id);
      const early = mine.find((e) => e.state === 'processing' && e.viewer === 'video');
      assert.ok(early, `no playable-while-processing state in ${mine.map((e) => `${e.state}/${e.viewer}`).join(', ')}`);
      assert.deepEqual(
        early.derivatives.map((d) => d.role),
        ['mp4'],
      );
      assert.equal(early.metadata.playable, true);
      assert.ok(mine.indexOf(early) < mine.findIndex((e) => e.state === 'ready'));
      const roles = asset.derivatives.map((d) => d.role).sort();
      assert.deepEqual(roles, [
        'hls',
        'hls-144',
        'hls-144-data',
        'hls-240',
        'hls-240-data',
        'hls-audio',
        'hls-audio-data',
        'poster',
      ]);
      assert.equal(asset.metadata.durationSeconds, 4);

      // The playlists lead the browser from derivative to derivative.
      const master = await author.get(`/api/assets/${id}/derivatives/hls`);
      assert.equal(master.statusCode, 200);
      assert.equal(master.headers['content-type'], 'application/vnd.apple.mpegurl');
      const variants = master.body.split('\n').filter((l) => l.startsWith('hls-'));
      assert.deepEqual(variants, ['hls-144', 'hls-240']);
      const media = await author.get(`/api/assets/${id}/derivatives/hls-240`);
      const [, length, offset] = /#EXT-X-BYTERANGE:(\d+)@(\d+)/.exec(media.body) ?? [];
      assert.ok(length && offset, media.body);
      const segment = await author.request('GET', `/api/assets/${id}/derivatives/hls-240-data`, undefined, {
        headers: { range: `bytes=${offset}-${Number(offset) + Number(length) - 1}` },
      });
      assert.equal(segment.statusCode, 206);
      assert.equal(segment.headers['content-type'], 'video/mp4');
      assert.ok(
        ['styp', 'sidx', 'moof'].includes(segment.rawPayload.subarray(4, 8).toString('latin1')),
        'an fMP4 segment',
      );

      // Nobody else sees it.
      assert.equal((await learner.get(`/api/assets/${id}/derivatives/hls`)).statusCode, 404);
    });

    it('attaches WebVTT captions and keeps each viewer’s position', async () => {
      const video = await upload(
        await makeClip(['-f', 'lavfi', '-i', 'testsrc2=duration=2:size=160x120:rate=10', '-c:v', 'mpeg4', '.avi']),
        'talk.avi',
      );
      const vtt = Buffer.from('WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello, learners.\n');
      const captions = await upload(vtt, 'talk.en.vtt', 'captions');
      assert.equal((await settled(video)).state, 'ready');
      assert.equal((await settled(captions)).state, 'ready');

      assert.deepEqual((await author.get(`/api/videos/${video}/captions`)).json(), { tracks: [] });
      const saved = await author.request('PUT', `/api/videos/${video}/captions`, {
        tracks: [{ captionsAssetId: captions, label: 'English', language: 'en' }],
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const tracks = saved.json().tracks as CaptionTrackView[];
      assert.deepEqual(tracks, [
        {
          captionsAssetId: captions,
          label: 'English',
          language: 'en',
          position: 0,
          fileName: 'talk.en.vtt',
          ready: true,
        },
      ]);
      const file = await author.get(`/api/videos/${video}/captions/${captions}`);
      assert.equal(file.statusCode, 200);
      assert.match(String(file.headers['content-type']), /^text\/vtt/);
      assert.match(file.body, /Hello, learners\./);

      // Only captions files, each once; the video must be a video.
      const wrongKind = await author.request('PUT', `/api/videos/${video}/captions`, {
        tracks: [{ captionsAssetId: video, label: 'Oops', language: null }],
      });
      assert.equal(wrongKind.statusCode, 400);
      const twice = await author.request('PUT', `/api/videos/${video}/captions`, {
        tracks: [
          { captionsAssetId: captions, label: 'A', language: 'en' },
          { captionsAssetId: captions, label: 'B', language: 'en' },
        ],
      });
      assert.equal(twice.statusCode, 400);
      assert.equal((await author.get(`/api/videos/${captions}/captions`)).statusCode, 404);
      assert.equal(
        (
          await author.request('PUT', `/api/videos/${video}/captions`, {
            tracks: [{ captionsAssetId: captions, label: 'x', language: 'english!' }],
          })
        ).statusCode,
        400,
      );

      // Positions: per viewer, and only for who may watch.
      assert.deepEqual((await author.get(`/api/videos/${video}/position`)).json(), { seconds: null });
      assert.equal((await author.request('PUT', `/api/videos/${video}/position`, { seconds: 1.25 })).statusCode, 204);
      assert.deepEqual((await author.get(`/api/videos/${video}/position`)).json(), { seconds: 1.25 });
      assert.equal((await author.request('PUT', `/api/videos/${video}/position`, { seconds: -1 })).statusCode, 400);
      assert.equal((await learner.get(`/api/videos/${video}/position`)).statusCode, 404);
      assert.equal((await learner.request('PUT', `/api/videos/${video}/position`, { seconds: 1 })).statusCode, 404);
      assert.equal((await learner.get(`/api/videos/${video}/captions/${captions}`)).statusCode, 404);
      assert.equal((await learner.request('PUT', `/api/videos/${video}/captions`, { tracks: [] })).statusCode, 403);

      // Detach.
      assert.deepEqual((await author.request('PUT', `/api/videos/${video}/captions`, { tracks: [] })).json(), {
        tracks: [],
      });
      assert.equal((await author.get(`/api/videos/${video}/captions/${captions}`)).statusCode, 404);
    });

    it('fails a text file named .mp4 with a reason, without retrying', async () => {
      const id = await upload(Buffer.from('not a video\n'.repeat(100)), 'fake.mp4');
      const asset = await settled(id);
      assert.equal(asset.state, 'failed');
      assert.match(asset.reason ?? '', /not a video|not allowed|could not|refused/i);
    });

    it('kills ffmpeg and removes its work folder when the video is deleted mid-transcode', async () => {
      const clip = await makeClip([
        '-f',
        'lavfi',
        '-i',
        'testsrc2=duration=40:size=640x480:rate=25',
        '-c:v',
        'mpeg4',
        '-q:v',
        '8',
        '.avi',
      ]);
      const id = await upload(clip, 'long.avi');
      const deadline = Date.now() + 60_000;
      let running: { pid: number; cmdline: string }[] = [];
      while (Date.now() < deadline) {
        const asset = (await author.get(`/api/assets/${id}`)).json().asset as AssetView;
        running = ourFfmpegs().filter((p) => p.cmdline.includes('-var_stream_map'));
        if ((asset.progress ?? 0) > 0 && running.length > 0) break;
        await sleep(50);
      }
      assert.equal(running.length, 1, 'the ladder ffmpeg was running');
      const workDir = /(\/[^\s:]*lectern-asset-[^/\s]+)/.exec(running[0]?.cmdline ?? '')?.[1] ?? '';
      assert.ok(workDir, running[0]?.cmdline);
      assert.ok((await readdir(workDir)).length > 0);

      assert.equal((await author.request('DELETE', `/api/assets/${id}`)).statusCode, 204);
      const gone = Date.now() + 5000;
      while (
        Date.now() < gone &&
        (alive(running[0]?.pid ?? 0) || (await readdir(workDir).catch(() => null)) !== null)
      ) {
        await sleep(50);
      }
      assert.equal(alive(running[0]?.pid ?? 0), false, 'ffmpeg still running');
      assert.equal(await readdir(workDir).catch(() => null), null, 'work folder left behind');
      assert.equal((await author.get(`/api/assets/${id}`)).statusCode, 404);
    });
  });
}
