// A new author's whole journey in the browser: a course with two documents, one video and a test of
// two categories with three questions each (images on a question and on an answer); a reload in the
// middle; back to Basics to change the title; publish; the course is in the catalog at version 1; a
// learner enrols; the author edits and publishes version 2; the learner still sees version 1.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { DraftView } from '../../src/shared/drafts.ts';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { FIXTURES } from '../../src/server/testing/fixtures.ts';
import { waitFor } from '../../src/server/testing/wait.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { seedPeople } from './support/people.ts';
import { signInPage } from './support/session.ts';
import { skipIfOptedOut } from '../../src/server/testing/prerequisites.ts';

const DOCS = [path.join(FIXTURES, 'office/single-paragraph.docx'), path.join(FIXTURES, 'office/tables.docx')];

async function saved(page: Page): Promise<void> {
  await page
    .getByRole('status')
    .filter({ hasText: /^Saved$/ })
    .waitFor();
}

const step = (page: Page, name: string) =>
  page
    .getByRole('navigation', { name: 'Course steps' })
    .getByRole('link', { name: new RegExp(`^${name}`) })
    .click();

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: a new author's course, from the first field to version 2`, { skip: skipIfOptedOut('video', 'office') }, () => {
    let server: RunningServer;
    let browser: Browser;
    let dir: string;
    let clip: string;
    let png: string;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-journey-'));
      clip = path.join(dir, 'welcome.mp4');
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip]);
      png = path.join(dir, 'extinguisher.png');
      await sharp({ create: { width: 400, height: 300, channels: 3, background: '#cc2222' } }).png().toFile(png);
      server = await startServer(dialect);
      browser = await launchBrowser();
      await seedPeople(server.url);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('creates, publishes, versions, and keeps an enrolled learner on version 1', { timeout: 300_000 }, async () => {
      const authorContext = await browser.newContext({ baseURL: server.url });
      authorContext.setDefaultTimeout(30_000);
      const page = await signInPage(authorContext, 'grace@example.org');
      const draft = async (id: string) => ((await (await page.request.get(`/api/drafts/${id}`)).json()) as { draft: DraftView }).draft;

      // Basics.
      await page.getByRole('button', { name: 'New course' }).click();
      await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\/basics$/);
      const draftId = new URL(page.url()).pathname.split('/')[2] ?? '';
      await page.getByLabel('Title').fill('Fire safety');
      await page.getByLabel('Version label').fill('2026');
      await page.getByLabel('Short description').fill('What to do **before** the alarm rings.');
      await page.getByLabel('New topic').fill('Extinguishers');
      await page.getByLabel('New topic').press('Enter');
      await saved(page);

      // Files: two documents and a video, uploaded together.
      await step(page, 'Files');
      await page.getByLabel('Files to upload').setInputFiles([...DOCS, clip]);
      await page.getByRole('heading', { name: 'Course files (3)' }).waitFor();
      await saved(page);

      // A reload in the middle resumes at the same step with everything in it.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Files · Fire safety' }).waitFor();
      await page.getByRole('heading', { name: 'Course files (3)' }).waitFor();
      const list = page.getByRole('list', { name: 'Course files' });
      for (const name of ['single-paragraph.docx', 'tables.docx', 'welcome.mp4']) {
        await list.getByRole('group', { name: new RegExp(name.replace('.', '\\.')) }).waitFor();
      }

      // Test: two categories of three questions; an image on a question and on an answer.
      await step(page, 'Test');
      await page.getByRole('heading', { name: 'Test settings' }).waitFor();
      for (const name of ['Extinguishers', 'Evacuation']) {
        await page.getByRole('button', { name: 'Add a category' }).click();
        await page.keyboard.type(name);
        const section = page.getByRole('region', { name, exact: true });
        await section.waitFor();
        for (const kind of ['Single choice', 'Multiple choice', 'True/false']) {
          await section.getByRole('group', { name: `Add a question to ${name}` }).getByRole('button', { name: kind }).click();
          await page.keyboard.type(`${name}: a ${kind.toLowerCase()} question`);
          if (kind === 'True/false') continue;
          // New answers start empty.
          const item = section.getByRole('listitem').filter({ hasText: `${name}: a ${kind.toLowerCase()} question` });
          for (const n of [1, 2, 3]) {
            await item.getByRole('textbox', { name: `Answer ${n}`, exact: true }).fill(`Answer ${n}`);
          }
        }
      }
      const first = page.getByRole('region', { name: 'Extinguishers', exact: true });
      const questionImage = first.getByRole('group', { name: 'Question image' }).first();
      let chooser = page.waitForEvent('filechooser');
      await questionImage.getByRole('button', { name: 'Add an image to the question' }).click();
      await (await chooser).setFiles(png);
      await questionImage.getByRole('textbox', { name: 'Alt text' }).fill('A red fire extinguisher');
      await questionImage.getByRole('img', { name: 'A red fire extinguisher' }).waitFor({ timeout: 60_000 });
      const answerImage = first.getByRole('group', { name: 'Image for answer 1' }).first();
      chooser = page.waitForEvent('filechooser');
      await answerImage.getByRole('button', { name: 'Add an image to answer 1' }).click();
      await (await chooser).setFiles(png);
      await answerImage.getByRole('textbox', { name: 'Alt text' }).fill('A CO2 extinguisher');
      await answerImage.getByRole('img', { name: 'A CO2 extinguisher' }).waitFor({ timeout: 60_000 });
      await page.getByText('No problems: the test can be published as it is.').waitFor();
      await waitFor(
        async () => {
          const { content } = await draft(draftId);
          const q = content.test.categories[0]?.questions[0];
          return (
            content.test.categories.length === 2 &&
            content.test.categories.every((c) => c.questions.length === 3) &&
            q?.image?.alt === 'A red fire extinguisher' &&
            q.answers[0]?.image?.alt === 'A CO2 extinguisher'
          );
        },
        'the test set to be saved',
        30_000,
        250,
      );

      // Back to Basics: a better title.
      await step(page, 'Basics');
      await page.getByLabel('Title').fill('Fire safety at work');
      await saved(page);

      // Review and publish (the video may still be encoding: that only warns).
      await step(page, 'Review');
      await page.getByRole('heading', { level: 1, name: 'Review · Fire safety at work' }).waitFor();
      await expectAccessible(page, 'review of the whole course');
      const publish = page.getByRole('button', { name: 'Publish the course' });
      await waitFor(async () => !(await publish.isDisabled()), 'Publish to be enabled', 60_000, 250);
      await publish.click();
      await page.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
      const courseId = new URL(page.url()).pathname.split('/')[2] ?? '';
      await page.getByRole('heading', { level: 1, name: 'Fire safety at work' }).waitFor();
      assert.equal((await page.request.get(`/api/drafts/${draftId}`)).status(), 404, 'the draft became the course');

      // A learner finds it in the catalog at version 1 and enrols.
      const learnerContext = await browser.newContext({ baseURL: server.url });
      learnerContext.setDefaultTimeout(30_000);
      const learner = await signInPage(learnerContext, 'lin@example.org');
      await learner.goto('/courses');
      const card = learner.getByRole('article', { name: 'Fire safety at work' });
      await card.getByText('Version 1').waitFor();
      await card.getByRole('link', { name: 'Fire safety at work' }).click();
      await learner.getByRole('button', { name: 'Enrol in this course' }).click();
      await learner.getByText('Enrolled in version 1').waitFor();
      for (const title of ['single-paragraph.docx', 'tables.docx', 'welcome.mp4']) {
        await learner.getByRole('listitem').filter({ hasText: title }).first().waitFor();
      }
      // The test is the last step, with its rules and a Start button.
      const testBlock = learner.getByRole('region', { name: 'Test', exact: true });
      await testBlock.getByText(/^6 questions, /).waitFor();
      await testBlock.getByRole('button', { name: 'Start the test' }).waitFor();

      // The author edits the course and publishes version 2.
      await page.goto('/');
      await page.getByRole('table', { name: 'Published courses' }).getByRole('button', { name: 'Edit Fire safety at work' }).click();
      await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\/basics$/);
      await page.getByText('New version (2) of a published course').waitFor();
      await page.getByLabel('Title').fill('Fire safety at work, second edition');
      await saved(page);
      await step(page, 'Review');
      const publishNext = page.getByRole('button', { name: 'Publish version 2' });
      await waitFor(async () => !(await publishNext.isDisabled()), 'Publish version 2 to be enabled', 60_000, 250);
      await publishNext.click();
      await page.waitForURL((url) => url.pathname === `/courses/${courseId}`);
      await page.getByRole('heading', { level: 1, name: 'Fire safety at work, second edition' }).waitFor();

      // The learner still has version 1; a newcomer would get version 2.
      await learner.reload();
      await learner.getByRole('heading', { level: 1, name: 'Fire safety at work', exact: true }).waitFor();
      await learner.getByText('Enrolled in version 1').waitFor();
      await learner.getByText(/A newer version \(version 2\) has been published/).waitFor();
      await expectAccessible(learner, 'course page of an enrolled learner');
      await learner.goto('/courses');
      await learner.getByRole('article', { name: 'Fire safety at work' }).getByText('Version 1').waitFor();
      await authorContext.close();
      await learnerContext.close();
    });
  });
}
