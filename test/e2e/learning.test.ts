// A learner studies a course in the player: enrols, Start opens the first file, a PDF paged to its
// last page is done, a reload resumes at the same file and page, a video played through is done
// while another scrubbed to its end stays in progress, the course is completed (announced), the
// progress persists after a reload, and the author sees the learner's progress. At 1366 px and at
// 390 × 844: no horizontal overflow, axe clean. LECTERN_SCREENSHOTS=dir saves screenshots.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { LearnerProgressView } from '../../src/shared/learning.ts';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { skipIfOptedOut } from '../../src/server/testing/prerequisites.ts';
import { type ApiClient, eventually } from './support/api.ts';
import { expectAccessible, launchBrowser, PHONE_VIEWPORT } from './support/browser.ts';
import { publishCourse } from './support/courses.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { seedPeople } from './support/people.ts';
import { signInPage } from './support/session.ts';

const SHOTS = process.env.LECTERN_SCREENSHOTS;

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}-${page.viewportSize()?.width}.png`), fullPage: true });
}

/** The open file's state line in the player (or anywhere a status says it). */
const fileState = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).first();

async function makePdf(dir: string): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of ['Rule one: walk, do not run.', 'Rule two: close the doors.', 'Rule three: meet outside.']) {
    doc.addPage([420, 595]).drawText(text, { x: 40, y: 520, size: 18, font });
  }
  const file = path.join(dir, 'rules.pdf');
  writeFileSync(file, await doc.save());
  return file;
}

function makeVideo(dir: string, name: string, seconds: number): string {
  const file = path.join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=320x180:rate=25:duration=${seconds}`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
  return file;
}

/** Plays the player's video from where it is to its end at double speed (no seeking). */
async function playThrough(page: Page): Promise<void> {
  const video = page.locator('video');
  await video.waitFor();
  await video.evaluate(async (v: HTMLVideoElement) => {
    if (v.readyState < 1) await new Promise((resolve) => v.addEventListener('loadedmetadata', resolve, { once: true }));
    v.muted = true;
    v.currentTime = 0;
    v.playbackRate = 2;
    await v.play();
    await new Promise((resolve) => v.addEventListener('ended', resolve, { once: true }));
  });
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: a learner studies a course to completion`, { skip: skipIfOptedOut('video', 'pdf') }, () => {
    let server: RunningServer;
    let browser: Browser;
    let dir: string;
    let author: ApiClient;
    let courseId: string;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-learning-'));
      server = await startServer(dialect);
      browser = await launchBrowser();
      ({ author } = await seedPeople(server.url));
      const png = path.join(dir, 'map.png');
      await sharp({ create: { width: 600, height: 400, channels: 3, background: '#2255aa' } }).png().toFile(png);
      ({ courseId } = await publishCourse(author, {
        title: 'Fire safety',
        shortDescription: 'What to do **before** the alarm.',
        topics: ['Evacuation'],
        cover: png,
        files: [
          { path: await makePdf(dir), kind: 'pdf', title: 'The house rules', description: 'Three rules, one per page.' },
          { path: makeVideo(dir, 'welcome.mp4', 4), kind: 'video', title: 'Welcome', description: 'A short film about the building.' },
          { path: makeVideo(dir, 'deep-dive.mp4', 6), kind: 'video', title: 'Deep dive', required: false },
          { path: png, kind: 'image', title: 'The floor plan', required: false },
        ],
      }));
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('enrols, studies every kind, resumes after a reload and completes the course', { timeout: 300_000 }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, 'lin@example.org');
      await page.goto('/courses');
      const card = page.getByRole('article', { name: 'Fire safety' });
      await card.waitFor();
      const coverShown = (img: ReturnType<Page['locator']>) =>
        eventually(async () => (await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)) === true, 'the cover to show', 15_000);
      await coverShown(card.locator('img'));
      await card.getByRole('link', { name: 'Fire safety' }).click();
      await page.getByRole('heading', { name: 'Fire safety', level: 1 }).waitFor();
      await coverShown(page.locator('img.course-cover'));
      await page.getByRole('button', { name: 'Enrol in this course' }).click();
      const start = page.getByRole('link', { name: 'Start', exact: true });
      await start.waitFor();
      await page.getByText('0 of 4 files done (0 of 2 required).').waitFor();
      await expectAccessible(page, 'course page, enrolled', { alsoOnPhone: true });
      await shot(page, 'course-start');

      // The PDF: every page on screen, with a reload half-way.
      await start.click();
      await page.getByRole('heading', { name: 'The house rules', level: 1 }).waitFor();
      await page.getByText('Page 1 of 3').waitFor();
      await fileState(page, 'In progress · 1 of 3 pages').waitFor();
      await page.getByRole('button', { name: 'Next page' }).click();
      await fileState(page, 'In progress · 2 of 3 pages').waitFor();
      await expectAccessible(page, 'player with a PDF', { alsoOnPhone: true });
      await shot(page, 'player-pdf');
      await page.reload();
      await page.getByRole('heading', { name: 'The house rules', level: 1 }).waitFor();
      await page.getByText('Page 2 of 3').waitFor();
      await fileState(page, 'In progress · 2 of 3 pages').waitFor();
      await page.getByRole('button', { name: 'Next page' }).click();
      await fileState(page, '✓ Done').waitFor();

      // A video played through.
      await page.getByRole('link', { name: 'Next: Welcome' }).click();
      await page.getByRole('heading', { name: 'Welcome', level: 1 }).waitFor();
      await playThrough(page);
      await page.getByRole('status').filter({ hasText: 'Course completed — well done!' }).waitFor();
      await page.getByText('2 of 4 files done').waitFor();
      await expectAccessible(page, 'player with a video, course completed', { alsoOnPhone: true });
      await shot(page, 'player-video-completed');

      // Another video scrubbed to its end: not watched.
      await page.getByRole('link', { name: 'Next: Deep dive' }).click();
      await page.getByRole('heading', { name: 'Deep dive', level: 1 }).waitFor();
      const deep = page.locator('video');
      await deep.waitFor();
      await deep.evaluate(async (v: HTMLVideoElement) => {
        if (v.readyState < 1) await new Promise((resolve) => v.addEventListener('loadedmetadata', resolve, { once: true }));
        v.muted = true;
        await v.play();
        await new Promise((resolve) => setTimeout(resolve, 300));
        v.currentTime = v.duration - 0.3;
        await new Promise((resolve) => v.addEventListener('ended', resolve, { once: true }));
      });
      await fileState(page, /^In progress · \d+%/).waitFor();

      // An image: opened is enough. The last file offers Finish, back to the course page.
      await page.getByRole('link', { name: 'Next: The floor plan' }).click();
      await page.getByRole('heading', { name: 'The floor plan', level: 1 }).waitFor();
      await page.getByText('3 of 4 files done').waitFor();
      await page.getByRole('link', { name: 'Finish: back to the course' }).click();
      await page.getByRole('heading', { name: 'Fire safety', level: 1 }).waitFor();

      // Everything persists.
      await page.reload();
      await page.getByRole('heading', { name: 'Fire safety', level: 1 }).waitFor();
      await page.getByText('3 of 4 files done (2 of 2 required).').waitFor();
      await page.getByRole('status').filter({ hasText: 'You completed this course' }).waitFor();
      const states = await page.getByRole('list', { name: 'Course material' }).getByRole('listitem').allInnerTexts();
      assert.match(states[0] ?? '', /✓ Done/);
      assert.match(states[1] ?? '', /✓ Done/);
      assert.match(states[2] ?? '', /In progress/);
      assert.match(states[3] ?? '', /✓ Done/);
      await expectAccessible(page, 'course page, completed', { alsoOnPhone: true });
      await shot(page, 'course-completed');

      // The author sees it.
      const learners = (await author.request('GET', `/api/courses/${courseId}/learners`)).json() as { learners: LearnerProgressView[] };
      assert.equal(learners.learners[0]?.name, 'Lin Learner');
      assert.equal(learners.learners[0]?.percent, 75);
      assert.ok(learners.learners[0]?.completedAt);
      await context.close();
      const authorContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      authorContext.setDefaultTimeout(30_000);
      const authorPage = await signInPage(authorContext, 'grace@example.org');
      await authorPage.goto(`/courses/${courseId}`);
      const row = authorPage.getByRole('table', { name: 'Learners' }).getByRole('row', { name: /Lin Learner/ });
      await row.getByText('75% (3 of 4 files)').waitFor();
      await expectAccessible(authorPage, 'course page with its learners, author', { alsoOnPhone: true });
      await shot(authorPage, 'course-author');
      await authorContext.close();
    });

    it('works on a phone: contents in a drawer, Previous / Next in reach, nothing wider than the screen', { timeout: 120_000 }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: PHONE_VIEWPORT, hasTouch: true, isMobile: true });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, 'lin@example.org');
      await page.goto(`/courses/${courseId}`);
      await page.getByRole('heading', { name: 'Fire safety', level: 1 }).waitFor();
      await expectNoSidewaysScroll(page, 'course page');
      await shot(page, 'course-phone');
      await page.getByRole('link', { name: 'The house rules' }).click();
      await page.getByRole('heading', { name: 'The house rules', level: 1 }).waitFor();
      await page.getByText(/Page \d of 3/).waitFor();
      await expectNoSidewaysScroll(page, 'player with a PDF');
      await shot(page, 'player-pdf-phone');
      await page.getByRole('button', { name: 'Contents' }).click();
      const drawer = page.getByRole('dialog', { name: 'Course contents' });
      await drawer.getByRole('link', { name: 'Welcome' }).click();
      await page.getByRole('heading', { name: 'Welcome', level: 1 }).waitFor();
      await expectNoSidewaysScroll(page, 'player with a video');
      await expectAccessible(page, 'player with a video on a phone');
      await shot(page, 'player-video-phone');
      await page.getByRole('link', { name: 'Previous: The house rules' }).click();
      await page.getByRole('heading', { name: 'The house rules', level: 1 }).waitFor();
      await context.close();
    });
  });
}
