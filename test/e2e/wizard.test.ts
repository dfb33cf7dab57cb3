// The course wizard through the real UI: a new course resumes after a reload at the same step with
// its data, files upload and are reordered by keyboard, the review's problems link to their step,
// a stale second tab gets the conflict message instead of overwriting, and cancelling discards the
// draft with its files. Every step is checked with axe-core.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { FIXTURES } from '../../src/server/testing/fixtures.ts';
import { waitFor } from '../../src/server/testing/wait.ts';
import { expectAccessible, launchBrowser, pickUpByKeyboard, sortingAnnounced } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { setUpAdminInBrowser } from './support/session.ts';
import { skipIfOptedOut } from '../../src/server/testing/prerequisites.ts';

const DOCS = [path.join(FIXTURES, 'office/single-paragraph.docx'), path.join(FIXTURES, 'office/tables.docx')];

interface DraftAnswer {
  draft: {
    revision: number;
    step: string;
    content: {
      basics: { title: string; coverAssetId: string | null };
      files: { assetId: string; title: string; description: string }[];
    };
  };
}

async function saved(page: Page): Promise<void> {
  await page
    .getByRole('status')
    .filter({ hasText: /^Saved$/ })
    .waitFor();
}

/** The files' titles in the order the list shows them (from the fieldsets' legends, "1. name"). */
async function fileOrder(page: Page): Promise<string[]> {
  const legends = await page.getByRole('list', { name: 'Course files' }).locator('legend').allTextContents();
  return legends.map((legend) => legend.replace(/^\d+\.\s*/, ''));
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: course wizard`, { skip: skipIfOptedOut('video', 'office') }, () => {
    let server: RunningServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let draftId = '';
    let dir = '';
    const draft = async () => (await (await page.request.get(`/api/drafts/${draftId}`)).json()) as DraftAnswer;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-wizard-'));
      server = await startServer(dialect);
      browser = await launchBrowser();
      context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(15_000);
      page = await context.newPage();
      await setUpAdminInBrowser(page);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts a course and resumes it after a reload at the same step, with its data', async () => {
      await page.getByRole('heading', { name: 'Drafts' }).waitFor();
      await page.getByText('No drafts.').waitFor();
      await expectAccessible(page, 'dashboard');
      // The wizard loads the draft's review (which lists the missing title) as it opens.
      const reviewed = page.waitForResponse((r) => /^\/api\/drafts\/[^/]+\/review$/.test(new URL(r.url()).pathname));
      await page.getByRole('button', { name: 'New course' }).click();
      await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\/basics$/);
      draftId = new URL(page.url()).pathname.split('/')[2] ?? '';
      await page.getByRole('heading', { level: 1, name: 'Basics · Untitled course' }).waitFor();
      const flow = page.getByRole('navigation', { name: 'Course steps' });
      assert.equal(await flow.getByRole('link', { name: /^Basics/ }).getAttribute('aria-current'), 'step');
      // "New course" puts the focus on Title, and a new draft shows no problem before the author acts.
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-path') === 'basics.title');
      await flow.getByRole('link', { name: /^Basics\W+in progress$/ }).waitFor();
      for (const later of ['Files', 'Test', 'Review']) {
        await flow.getByRole('link', { name: new RegExp(`^${later}\\W+not visited yet$`) }).waitFor();
      }
      assert.ok((await reviewed).ok());
      // Two frames: the review's problems are rendered by then.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      assert.equal(await page.locator('main [aria-invalid="true"]').count(), 0, 'no field is marked before the author acts');
      await expectAccessible(page, 'basics step');

      // The title stays empty for now: the review will ask for it.
      await page.getByLabel('Version label').fill('2026 edition');
      await page.getByLabel('Short description').fill('Learn to **stay safe** at work.\n\n<script>alert(1)</script>');
      await page.locator('strong', { hasText: 'stay safe' }).waitFor();
      assert.equal(await page.locator('main script').count(), 0, 'raw HTML is not rendered');
      await page.getByLabel('New topic').fill('Fire exits');
      await page.getByLabel('New topic').press('Enter');
      await page.getByLabel('New topic').fill('First aid');
      await page.getByRole('button', { name: 'Add topic' }).click();
      await page.getByLabel('Language').selectOption('de');
      // An invalid value is marked at once and held back; the server never sees it.
      await page.getByLabel('Topic 2').fill(' ');
      await page.getByText('A topic cannot be empty').waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: /^Not saved — Basics: A topic cannot be empty/ })
        .waitFor();
      await page.getByLabel('Topic 2').fill('First aid');
      await saved(page);

      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Basics · Untitled course' }).waitFor();
      assert.equal(await page.getByLabel('Version label').inputValue(), '2026 edition');
      assert.equal(await page.getByLabel('Topic 1').inputValue(), 'Fire exits');
      assert.equal(await page.getByLabel('Topic 2').inputValue(), 'First aid');
      assert.equal(await page.getByLabel('Language').inputValue(), 'de');

      // Reorder the topics with the move buttons.
      await page.getByRole('button', { name: 'Move topic “First aid” up' }).click();
      assert.equal(await page.getByLabel('Topic 1').inputValue(), 'First aid');
      await saved(page);
      assert.equal((await draft()).draft.step, 'basics');
    });

    it('sets a cover image, then removes it (the image is deleted)', { timeout: 60_000 }, async () => {
      const png = path.join(dir, 'cover.png');
      await sharp({ create: { width: 640, height: 360, channels: 3, background: '#cc3322' } })
        .png()
        .toFile(png);
      await page.getByLabel('Upload a cover image: file to upload').setInputFiles(png);
      await page.getByRole('img', { name: "The course's cover image" }).waitFor({ timeout: 30_000 });
      await saved(page);
      const coverId = (await draft()).draft.content.basics.coverAssetId;
      assert.ok(coverId, 'the draft names its cover');
      await expectAccessible(page, 'basics step with a cover image');
      await page.getByRole('button', { name: 'Remove cover image' }).click();
      await waitFor(
        async () => (await page.request.get(`/api/assets/${coverId}`)).status() === 404,
        'the cover to be deleted',
      );
      assert.equal((await draft()).draft.content.basics.coverAssetId, null);
    });

    it('uploads files, keeps them in the draft from the start, and reorders them by keyboard', {
      timeout: 120_000,
    }, async () => {
      await page
        .getByRole('navigation', { name: 'Course steps' })
        .getByRole('link', { name: /^Files/ })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Files · Untitled course' }).waitFor();
      await expectAccessible(page, 'files step, empty');
      // The first file's upload is held back at the server's door until the second one has joined
      // the course: the files must still be listed in the order they were chosen.
      let releaseFirst = () => {};
      const firstHeld = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      const firstName = `filename ${Buffer.from('single-paragraph.docx').toString('base64')}`;
      await page.route('**/api/uploads', async (route) => {
        const request = route.request();
        if (request.method() === 'POST' && (request.headers()['upload-metadata'] ?? '').includes(firstName)) {
          await firstHeld;
        }
        await route.continue();
      });
      await page.getByLabel('Files to upload').setInputFiles(DOCS);
      const list = page.getByRole('list', { name: 'Course files' });
      await list.getByRole('group', { name: /tables\.docx/ }).waitFor();
      await page.getByRole('heading', { name: 'Course files (1)' }).waitFor();
      // Not yet started on the server, the first file waits in the uploads list, and only there.
      const uploads = page.getByRole('region', { name: /^Uploads: / });
      await uploads.getByText('single-paragraph.docx').waitFor();
      assert.equal(await uploads.getByText('tables.docx').count(), 0, 'a file that joined the course is listed once');
      releaseFirst();
      await page.getByRole('heading', { name: 'Course files (2)' }).waitFor();
      await page.unroute('**/api/uploads');
      await uploads.waitFor({ state: 'detached' });
      for (const name of ['single-paragraph.docx', 'tables.docx']) {
        await list
          .getByRole('group', { name: new RegExp(name.replace('.', '\\.')) })
          .getByText(/^Ready$/)
          .waitFor({ timeout: 60_000 });
      }
      await saved(page);
      const before = await fileOrder(page);
      assert.deepEqual(before, ['single-paragraph.docx', 'tables.docx'], 'the order they were chosen in');
      assert.deepEqual(
        (await draft()).draft.content.files.map((f) => f.title),
        before,
        'the server has both files in the order shown',
      );
      await expectAccessible(page, 'files step with two files');

      // dnd-kit's keyboard path: Space picks the file up, an arrow moves it, Space drops it.
      const first = before[0] ?? '';
      const handle = page.getByRole('button', { name: `Reorder ${first}` });
      await pickUpByKeyboard(page, handle, `${first} is over position 1 of 2.`);
      await page.keyboard.press('ArrowDown');
      await sortingAnnounced(page, `${first} is over position 2 of 2.`);
      await page.keyboard.press('Space');
      await page.waitForFunction(
        (name) =>
          document.querySelector('ol[aria-label="Course files"] li:last-child legend')?.textContent?.includes(name),
        first,
      );
      assert.deepEqual(await fileOrder(page), [...before].reverse());
      await saved(page);
      assert.deepEqual(
        (await draft()).draft.content.files.map((f) => f.title),
        [...before].reverse(),
      );

      // A file's details are saved too.
      const row = list.getByRole('group', { name: /tables\.docx/ });
      await row.getByLabel('Title').fill('Checklist');
      await row.getByLabel('Required for completion').uncheck();
      await saved(page);
      const files = (await draft()).draft.content.files;
      assert.ok(files.some((f) => f.title === 'Checklist'));
    });

    it('previews a video in place, and removing a file deletes it at once', { timeout: 120_000 }, async () => {
      const clip = path.join(dir, 'clip.mp4');
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x240:rate=25:duration=1',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=1',
        '-c:v',
        'libx264',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-shortest',
        clip,
      ]);
      await page.getByLabel('Files to upload').setInputFiles(clip);
      await page.getByRole('heading', { name: 'Course files (3)' }).waitFor();
      const preview = page.getByRole('button', { name: 'Preview clip.mp4' });
      await preview.waitFor({ timeout: 60_000 });
      await preview.click();
      await page.locator('video').waitFor();
      assert.equal(
        await page.getByRole('button', { name: 'Hide the preview of clip.mp4' }).getAttribute('aria-expanded'),
        'true',
      );
      await expectAccessible(page, 'files step with a video preview');

      const assetId = (await draft()).draft.content.files.find((f) => f.title === 'clip.mp4')?.assetId;
      assert.ok(assetId, 'the video is in the draft');
      await page.getByRole('button', { name: 'Remove clip.mp4', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove clip.mp4?' });
      await dialog.getByRole('button', { name: 'Remove file' }).click();
      await page.getByRole('heading', { name: 'Course files (2)' }).waitFor();
      await waitFor(
        async () => (await page.request.get(`/api/assets/${assetId}`)).status() === 404,
        'the video to be deleted',
      );
      assert.equal((await draft()).draft.content.files.length, 2);
    });

    it('says when it is offline and saves once the network is back', async () => {
      await context.setOffline(true);
      await page.getByRole('list', { name: 'Course files' }).getByLabel('Description').first().fill('Read this first.');
      await page
        .getByRole('status')
        .filter({ hasText: /^Offline — retrying$/ })
        .waitFor();
      await context.setOffline(false);
      await saved(page);
      assert.ok((await draft()).draft.content.files.some((f) => f.description === 'Read this first.'));
    });

    it('lists the problems in the review, each linking to its step', async () => {
      await page.getByRole('navigation', { name: 'Course steps' }).getByRole('link', { name: /^Test/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Test · Untitled course' }).waitFor();
      await expectAccessible(page, 'test step');
      await page.getByRole('link', { name: 'Next: Review' }).click();
      await page.getByRole('heading', { level: 1, name: 'Review · Untitled course' }).waitFor();
      await page.getByText('The course needs a title.').waitFor();
      const flow = page.getByRole('navigation', { name: 'Course steps' });
      await flow.getByRole('link', { name: /^Basics\W+needs attention$/ }).waitFor();
      await flow.getByRole('link', { name: /^Test\W+needs attention$/ }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Publish the course' }).isDisabled(), true);
      await page.getByText('Learn to').waitFor();
      await expectAccessible(page, 'review step');

      await page.getByRole('link', { name: 'Fix in Basics' }).click();
      await page.getByRole('heading', { level: 1, name: 'Basics · Untitled course' }).waitFor();
      // The link lands on the field to fix.
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-path') === 'basics.title');
      await page.keyboard.type('Workplace safety');
      await saved(page);
      await flow.getByRole('link', { name: /^Basics\W+complete$/ }).waitFor();
      assert.equal((await draft()).draft.content.basics.title, 'Workplace safety');
      await page.getByRole('heading', { level: 1, name: 'Basics · Workplace safety' }).waitFor();
    });

    it('gives a stale tab a clear conflict message instead of overwriting', async () => {
      const second = await context.newPage();
      await second.goto(`/drafts/${draftId}/basics`);
      await second.getByRole('heading', { level: 1, name: 'Basics · Workplace safety' }).waitFor();
      // The first tab saves; the second still holds the older revision.
      await page.getByLabel('Version label').fill('2026 spring edition');
      await saved(page);
      await second.getByLabel('Title').fill('Overwritten?');
      await second.getByRole('alert').filter({ hasText: 'This draft was changed elsewhere' }).waitFor();
      assert.equal((await draft()).draft.content.basics.title, 'Workplace safety', 'nothing was overwritten');
      await expectAccessible(second, 'conflict message');
      await second.getByRole('button', { name: 'Load the latest version' }).click();
      assert.equal(await second.getByLabel('Title').inputValue(), 'Workplace safety');
      assert.equal(await second.getByLabel('Version label').inputValue(), '2026 spring edition');
      await saved(second);
      await second.close();
    });

    it('cancels with a confirmation: the draft and its files are gone', async () => {
      const { draft: before } = await draft();
      await page.goto(`/drafts/${draftId}/files`);
      await page.getByRole('button', { name: 'Cancel and discard' }).click();
      const dialog = page.getByRole('dialog', { name: 'Discard this draft?' });
      await dialog.waitFor();
      await expectAccessible(page, 'cancel confirmation');
      await dialog.getByRole('button', { name: 'Discard draft' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByText('No drafts.').waitFor();
      assert.equal((await page.request.get(`/api/drafts/${draftId}`)).status(), 404);
      for (const file of before.content.files) {
        assert.equal((await page.request.get(`/api/assets/${file.assetId}`)).status(), 404, 'its uploads are deleted');
      }
    });

    it('discards a draft from the dashboard, after a confirmation', async () => {
      await page.goto('/');
      await page.getByRole('button', { name: 'New course' }).click();
      await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\/basics$/);
      const id = new URL(page.url()).pathname.split('/')[2] ?? '';
      await page.getByLabel('Title').fill('Short-lived');
      await saved(page);
      await page.goto('/');
      const drafts = page.getByRole('table', { name: 'Drafts' });
      const row = drafts.getByRole('row').filter({ hasText: 'Short-lived' });
      await row.getByText('Basics').waitFor();
      await expectAccessible(page, 'dashboard with a draft');
      await row.getByRole('button', { name: 'Discard Short-lived' }).click();
      const dialog = page.getByRole('dialog', { name: 'Discard Short-lived?' });
      await dialog.getByRole('button', { name: 'Keep the draft' }).click();
      await row.waitFor();
      await row.getByRole('button', { name: 'Discard Short-lived' }).click();
      await dialog.getByRole('button', { name: 'Discard draft' }).click();
      await page.getByText('No drafts.').waitFor();
      assert.equal((await page.request.get(`/api/drafts/${id}`)).status(), 404);
    });

    it('publishes from the review, then edits the course as version 2', { timeout: 60_000 }, async () => {
      await page.goto('/');
      await page.getByRole('button', { name: 'New course' }).click();
      await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\/basics$/);
      await page.getByLabel('Title').fill('Fire safety');
      await saved(page);
      await page.getByRole('navigation', { name: 'Course steps' }).getByRole('link', { name: /^Test/ }).click();
      await page.getByLabel('Learners take this test').uncheck();
      await saved(page);
      await page.getByRole('link', { name: 'Next: Review' }).click();
      await page.getByText('The course has no files yet.').waitFor();
      const publish = page.getByRole('button', { name: 'Publish the course' });
      await waitFor(async () => !(await publish.isDisabled()), 'Publish to be enabled (only warnings left)');
      await publish.click();
      await page.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
      const courseId = new URL(page.url()).pathname.split('/')[2] ?? '';
      await page.getByRole('heading', { level: 1, name: /Fire safety/ }).waitFor();

      await page.goto('/');
      const courses = page.getByRole('table', { name: 'Published courses' });
      await courses.getByRole('row').filter({ hasText: 'Fire safety' }).waitFor();
      await expectAccessible(page, 'dashboard with a published course');
      await courses.getByRole('button', { name: 'Edit Fire safety' }).click();
      await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\/basics$/);
      await page.getByText('New version (2) of a published course').waitFor();
      assert.equal(await page.getByLabel('Title').inputValue(), 'Fire safety');
      await page.getByLabel('Version label').fill('Second edition');
      await saved(page);
      await page
        .getByRole('navigation', { name: 'Course steps' })
        .getByRole('link', { name: /^Review/ })
        .click();
      const publishNext = page.getByRole('button', { name: 'Publish version 2' });
      await waitFor(async () => !(await publishNext.isDisabled()), 'Publish version 2 to be enabled');
      await publishNext.click();
      await page.waitForURL((url) => url.pathname === `/courses/${courseId}`);
      const mine = (await (await page.request.get('/api/courses/mine')).json()) as {
        courses: { id: string; latestVersion: number; versionLabel: string; draftId: string | null }[];
      };
      assert.deepEqual(
        mine.courses.map((c) => [c.id, c.latestVersion, c.versionLabel, c.draftId]),
        [[courseId, 2, 'Second edition', null]],
      );
    });
  });
}
