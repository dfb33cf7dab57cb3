// A lecture video through the real UI in Chromium: uploaded with a WebVTT file, attached as captions,
// played as HLS (by the browser's own HLS, and by hls.js where the browser has none): time advances,
// a caption cue shows, the speed changes, and the position is resumed after a reload.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page, Response, Route } from 'playwright-core';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { setUpAdminInBrowser } from './support/session.ts';
import { skipIfOptedOut } from '../../src/server/testing/prerequisites.ts';
import { waitFor } from '../../src/server/testing/wait.ts';

const CUE = 'Welcome to the lecture.';

function makeFiles(dir: string) {
  const video = path.join(dir, 'lecture.mp4');
  execFileSync('ffmpeg', [
    ...[
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=duration=20:size=320x240:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=duration=20',
    ],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '25',
      '-b:v',
      '300k',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      video,
    ],
  ]);
  const vtt = path.join(dir, 'lecture.en.vtt');
  writeFileSync(vtt, `WEBVTT\n\n00:00:00.000 --> 00:00:19.000\n${CUE}\n`);
  return { video, vtt };
}

const state = (page: Page) =>
  page.locator('video').evaluate((v: HTMLVideoElement) => ({
    time: v.currentTime,
    paused: v.paused,
    rate: v.playbackRate,
    src: v.currentSrc,
    cues: [...v.textTracks].flatMap((t) =>
      t.mode === 'showing' ? [...(t.activeCues ?? [])].map((c) => (c as VTTCue).text) : [],
    ),
  }));

async function waitForState(page: Page, test: (s: Awaited<ReturnType<typeof state>>) => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  let last: Awaited<ReturnType<typeof state>> | undefined;
  while (Date.now() < deadline) {
    last = await state(page);
    if (test(last)) return last;
    await page.waitForTimeout(100);
  }
  assert.fail(`${what}: ${JSON.stringify(last)}`);
}

describe('browser: video', { skip: skipIfOptedOut('video') }, () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let files: ReturnType<typeof makeFiles>;
  let viewerUrl = '';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-video-'));
    files = makeFiles(dir);
    server = await startServer('sqlite', { VIDEO_LADDER: '144,240' });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.url });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    await setUpAdminInBrowser(page);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a video and its captions, and attaches them', async () => {
    await page.goto('/files');
    await page.getByLabel('Files to upload').setInputFiles([files.video, files.vtt]);
    for (const name of ['lecture.mp4', 'lecture.en.vtt']) {
      const row = page.getByRole('table', { name: 'Your files' }).getByRole('row').filter({ hasText: name });
      await row
        .getByText(/^Ready$/)
        .first()
        .waitFor({ timeout: 60_000 });
    }
    await page
      .getByRole('table', { name: 'Your files' })
      .getByRole('link', { name: 'lecture.mp4', exact: true })
      .click();
    await page.getByRole('heading', { name: 'lecture.mp4', level: 1 }).waitFor();
    viewerUrl = page.url();
    await page.getByLabel('Captions file').selectOption({ label: 'lecture.en.vtt' });
    assert.equal(await page.getByLabel('Language').inputValue(), 'en');
    await page.getByLabel('Label').fill('English');
    await page.getByRole('button', { name: 'Attach' }).click();
    await page
      .getByRole('table', { name: 'Caption tracks' })
      .getByRole('cell', { name: 'English', exact: true })
      .waitFor();
    await expectAccessible(page, 'video viewer with the captions editor');
  });

  const playsWithCaptions = async (p: Page, expectSource: (src: string) => boolean) => {
    await p.goto(viewerUrl);
    await p.locator('video').waitFor();
    await p.getByLabel('Captions', { exact: true }).selectOption({ label: 'English' });
    await p.locator('video').evaluate((v: HTMLVideoElement) => {
      v.muted = true;
    });
    // Keyboard: the player's own controls take the space bar.
    await p.locator('video').focus();
    await p.keyboard.press('Space');
    const playing = await waitForState(p, (s) => s.time > 1 && !s.paused, 'the video plays');
    assert.ok(expectSource(playing.src), `source ${playing.src}`);
    await waitForState(p, (s) => s.cues.includes(CUE), 'the caption cue shows');
  };

  it('plays HLS in Chromium with a caption cue showing, by the browser’s own HLS where it has it', async () => {
    const native = await page
      .locator('video')
      .evaluate((v: HTMLVideoElement) => v.canPlayType('application/vnd.apple.mpegurl'));
    await playsWithCaptions(page, (src) => (native ? src.endsWith('/derivatives/hls') : src.startsWith('blob:')));
    await expectAccessible(page, 'playing video');
  });

  it('plays HLS through hls.js in a browser without native HLS', async () => {
    const other = await context.newPage();
    await other.addInitScript(() => {
      const original = HTMLMediaElement.prototype.canPlayType;
      HTMLMediaElement.prototype.canPlayType = function (type: string) {
        return /mpegurl/i.test(type) ? '' : original.call(this, type);
      };
    });
    await playsWithCaptions(other, (src) => src.startsWith('blob:'));
    await other.close();
  });

  it('changes speed and resumes where the viewer stopped', async () => {
    await page.goto(viewerUrl);
    await page.locator('video').waitFor();
    await page.getByLabel('Speed').selectOption('1.5');
    await waitForState(page, (s) => s.rate === 1.5, 'the speed changes');
    const saved: number[] = [];
    const onResponse = (response: Response) => {
      const request = response.request();
      if (request.method() === 'PUT' && response.url().endsWith('/position') && response.ok()) {
        saved.push((JSON.parse(request.postData() ?? '{}') as { seconds: number }).seconds);
      }
    };
    page.on('response', onResponse);
    const pausedAt = await page.locator('video').evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      await v.play();
      v.currentTime = 8;
      // Paused once it has played on from there.
      await new Promise<void>((resolve) => {
        const played = () => {
          if (v.currentTime > 8) {
            v.removeEventListener('timeupdate', played);
            resolve();
          }
        };
        v.addEventListener('timeupdate', played);
      });
      v.pause();
      return v.currentTime;
    });
    // The pause saves the position; a new visit starts there.
    await waitFor(() => saved.includes(pausedAt), `the position ${pausedAt} to be saved`, 10_000);
    page.off('response', onResponse);
    await page.reload();
    await page.getByText(/^Resumed at 0:0[89]\.$/).waitFor();
    const resumed = await waitForState(page, (s) => s.time >= 8, 'resumed');
    assert.ok(resumed.time < 10, String(resumed.time));
    await page.getByRole('button', { name: 'Start over' }).click();
    await waitForState(page, (s) => s.time < 1, 'started over');
  });

  it('saves the position when the viewer leaves the page without pausing', async () => {
    const id = /\/files\/([0-9a-f-]{36})/.exec(viewerUrl)?.[1] ?? '';
    // The save on leaving carries the CSRF token the viewer fetches when it opens; a user leaving before
    // that answer arrives loses the save (nothing can be sent once the page is gone).
    const tokenArrived = page.waitForResponse((r) => r.url().endsWith('/api/auth/csrf') && r.ok());
    // The video's bytes are held back until the viewer has seeked: a seek made before the video has
    // loaded must win over the position saved by the test before (about 8 s).
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holdMedia = async (route: Route) => {
      await released;
      await route.continue();
    };
    await page.route(/\/derivatives\/|\/content$/, holdMedia);
    await page.goto(viewerUrl);
    await page.locator('video').waitFor({ state: 'attached' });
    await waitForState(page, (s) => s.src !== '', 'the source is set');
    await tokenArrived;
    // Seeking while paused saves nothing by itself; only leaving does.
    // Wrapped, so that evaluateHandle does not wait for the seek it starts.
    const seeked = await page.locator('video').evaluateHandle((v: HTMLVideoElement) => ({
      done: new Promise<void>((resolve) => {
        v.addEventListener('seeked', () => resolve(), { once: true });
        v.currentTime = 13;
      }),
    }));
    release();
    await seeked.evaluate((s) => s.done);
    await page.unroute(/\/derivatives\/|\/content$/, holdMedia);
    await page.goto('about:blank');
    await waitFor(
      async () => {
        const answer = await context.request.get(`${server.url}/api/videos/${id}/position`);
        return ((await answer.json()) as { seconds: number | null }).seconds === 13;
      },
      'the position saved on leaving',
      15_000,
    );
  });

  it('tells the viewer when the video cannot be played, natively and through hls.js', async () => {
    for (const withHlsJs of [false, true]) {
      const other = await context.newPage();
      if (withHlsJs) {
        await other.addInitScript(() => {
          const original = HTMLMediaElement.prototype.canPlayType;
          HTMLMediaElement.prototype.canPlayType = function (type: string) {
            return /mpegurl/i.test(type) ? '' : original.call(this, type);
          };
        });
      }
      // Every media byte damaged, the playlists intact: what a stream that does not decode looks like.
      await other.route(/\/derivatives\/hls-[^/]*-data$/, (route) =>
        route.fulfill({ status: 200, contentType: 'video/mp4', body: Buffer.alloc(4096, 0x5a) }),
      );
      await other.goto(viewerUrl);
      await other.locator('video').evaluate((v: HTMLVideoElement) => {
        v.muted = true;
        void v.play().catch(() => {});
      });
      await other
        .getByRole('alert')
        .filter({ hasText: /The video cannot be played|cannot play this video/ })
        .waitFor({ timeout: 30_000 });
      await other.close();
    }
  });
});
