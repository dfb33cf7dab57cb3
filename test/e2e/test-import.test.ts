// Importing questions as an author: a Moodle XML file with an embedded image (no alt text) and an
// essay question; the preview names the skipped essay and flags the image; confirm adds them; the
// author fills the alt text the import flagged, sees the question as learners will, exports the
// test set as Moodle XML, and publishes; a learner then starts the test and finds the imported question.
// axe-core on the dialog and the step, at 1366 and 390 px; screenshots in /tmp/import/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, FileChooser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { DraftView } from '../../src/shared/drafts.ts';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { waitFor } from '../../src/server/testing/wait.ts';
import { expectAccessible, launchBrowser, PHONE_VIEWPORT } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { setUpAdminInBrowser, signInPage, TEST_PASSWORD } from './support/session.ts';

const SHOTS = '/tmp/import';
const LEARNER = { email: 'lin@example.org', name: 'Lin Learner' };

async function api<T>(page: Page, method: 'GET' | 'POST' | 'PATCH', url: string, data?: unknown): Promise<T> {
  const { token } = (await (await page.request.get('/api/auth/csrf')).json()) as { token: string };
  const response = await page.request.fetch(url, { method, headers: { 'x-csrf-token': token }, data });
  assert.ok(response.ok(), `${method} ${url}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

function moodleFile(png: Buffer): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Fire safety</text></category></question>
  <question type="multichoice">
    <name><text>Extinguisher</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which extinguisher is this? <img src="@@PLUGINFILE@@/extinguisher.png" /></p>]]></text>
      <file name="extinguisher.png" path="/" encoding="base64">${png.toString('base64')}</file></questiontext>
    <generalfeedback format="html"><text>CO2 leaves no residue.</text></generalfeedback>
    <single>true</single><shuffleanswers>1</shuffleanswers>
    <answer fraction="100" format="html"><text>CO2</text><feedback format="html"><text>Right: safe on electrics.</text></feedback></answer>
    <answer fraction="0" format="html"><text>Water</text><feedback format="html"><text>Never on electrics.</text></feedback></answer>
  </question>
  <question type="essay"><name><text>Describe a fire drill</text></name><questiontext format="html"><text>Describe one.</text></questiontext></question>
</quiz>`;
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: importing questions into the Test step`, () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let dir: string;
    let file: string;
    let draftId: string;

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-import-'));
      const png = await sharp({ create: { width: 120, height: 160, channels: 3, background: '#cc2200' } })
        .png()
        .toBuffer();
      file = path.join(dir, 'fire-bank.xml');
      writeFileSync(file, moodleFile(png));
      server = await startServer(dialect);
      browser = await launchBrowser();
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(30_000);
      page = await context.newPage();
      await setUpAdminInBrowser(page);
      draftId = (await api<{ draft: DraftView }>(page, 'POST', '/api/drafts')).draft.id;
      await api(page, 'PATCH', `/api/drafts/${draftId}`, {
        revision: 1,
        basics: {
          title: 'Imported fire safety',
          versionLabel: '1',
          shortDescription: 'From Moodle.',
          topics: [],
          language: 'en',
          coverAssetId: null,
        },
      });
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('imports a Moodle XML file: preview with the skipped essay, confirm, fix the flagged alt text, publish', {
      timeout: 300_000,
    }, async () => {
      await page.goto(`/drafts/${draftId}/test`);
      await page.getByRole('heading', { name: 'Test settings' }).waitFor();
      // Listening from now on: Playwright intercepts the file chooser only once a listener is set.
      const chooser = new Promise<FileChooser>((resolve) => page.once('filechooser', resolve));

      // The dialog, keyboard first: the file button has the focus.
      await page.getByRole('button', { name: 'Import questions' }).click();
      const dialog = page.getByRole('dialog', { name: 'Import questions' });
      await dialog.waitFor();
      await page.waitForFunction(() => document.activeElement?.textContent === 'Choose a file');
      await expectAccessible(page, 'the empty import dialog', { alsoOnPhone: true });

      // By keyboard (the phone-width check above may have moved the focus: back to the button).
      const choose = dialog.getByRole('button', { name: 'Choose a file' });
      await choose.focus();
      await page.keyboard.press('Enter');
      await (await chooser).setFiles(file);
      await dialog.getByText('fire-bank.xml (Moodle XML): 1 question to import, 1 image; 1 not imported.').waitFor();
      // The preview: the category, the question with its answers, grades and feedback, the image flagged, the essay named.
      await dialog.getByText('Category: Fire safety').waitFor();
      await dialog.getByRole('heading', { name: '1. Extinguisher' }).waitFor();
      const answers = dialog.getByRole('list', { name: 'Answers of question 1' });
      await answers.getByText('CO2').waitFor();
      await answers.getByText('(100%)').waitFor();
      await answers.getByText('Feedback: Never on electrics.').waitFor();
      await dialog.getByText('extinguisher.png: no alt text yet (you will be asked to add it)').waitFor();
      await dialog.getByText(/Must fix: The image extinguisher\.png has no alt text/).waitFor();
      const skipped = dialog.getByRole('region', { name: 'Not imported (1)' });
      await skipped.getByText('Describe a fire drill').waitFor();
      await skipped.getByText(/essay.*Lectern has no essay questions/).waitFor();
      await expectAccessible(page, 'the import preview');
      await page.screenshot({ path: path.join(SHOTS, `preview-1366-${dialect}.png`), fullPage: false });
      await page.setViewportSize(PHONE_VIEWPORT);
      await expectAccessible(page, 'the import preview at 390 px');
      const overflow = await dialog.evaluate((d) => d.scrollWidth - d.clientWidth);
      assert.ok(overflow <= 0, `the dialog scrolls sideways by ${overflow} px at 390 px`);
      await page.screenshot({ path: path.join(SHOTS, `preview-390-${dialect}.png`), fullPage: false });
      await page.setViewportSize({ width: 1366, height: 900 });

      // Nothing is stored before confirming.
      assert.equal(
        (await api<{ draft: DraftView }>(page, 'GET', `/api/drafts/${draftId}`)).draft.content.test.categories.length,
        0,
      );

      await dialog.getByRole('textbox', { name: 'Name of the new category' }).fill('From Moodle');
      await dialog.getByRole('button', { name: 'Import 1 question' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByText('Imported 1 question.', { exact: false }).waitFor();
      const saved = await api<{ draft: DraftView }>(page, 'GET', `/api/drafts/${draftId}`);
      const root = saved.draft.content.test.categories[0];
      assert.equal(root?.name, 'From Moodle');
      assert.equal(root?.children[0]?.name, 'Fire safety');
      const imported = root?.children[0]?.questions[0];
      assert.equal(imported?.text, 'Which extinguisher is this?');
      assert.equal(imported?.image?.alt, '');

      // The flagged alt text: the editor shows the problem at the field; the author describes the image.
      const section = page.getByRole('region', { name: 'Fire safety (subcategory, level 2)', exact: true });
      await section.waitFor();
      const toggle = section.getByRole('button', { name: /^Question 1: / });
      if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
      const imageGroup = section.getByRole('group', { name: 'Question image' }).first();
      const alt = imageGroup.getByRole('textbox', { name: 'Alt text' });
      await alt.waitFor();
      assert.equal(await alt.getAttribute('aria-invalid'), 'true');
      await expectAccessible(page, 'the Test step after the import', { alsoOnPhone: true });
      await page.screenshot({ path: path.join(SHOTS, `after-import-1366-${dialect}.png`), fullPage: false });
      await page.setViewportSize(PHONE_VIEWPORT);
      await page.getByRole('button', { name: 'Import questions' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `step-390-${dialect}.png`), fullPage: false });
      await page.setViewportSize({ width: 1366, height: 900 });
      await alt.fill('A red CO2 extinguisher');
      await alt.press('Tab');
      await imageGroup.getByRole('img', { name: 'A red CO2 extinguisher' }).waitFor({ timeout: 60_000 });
      await waitFor(
        async () =>
          (await api<{ draft: DraftView }>(page, 'GET', `/api/drafts/${draftId}`)).draft.content.test.categories[0]
            ?.children[0]?.questions[0]?.image?.alt === 'A red CO2 extinguisher',
        'the alt text to be saved',
        30_000,
        250,
      );

      // As learners will see it.
      await section.getByRole('button', { name: 'Preview question 1' }).click();
      const preview = page.getByRole('dialog', { name: 'Preview: question 1 as learners see it' });
      await preview.getByText('Which extinguisher is this?').waitFor();
      await preview.getByRole('radio', { name: 'CO2' }).waitFor();
      await preview.getByRole('img', { name: 'A red CO2 extinguisher' }).waitFor();
      await page.keyboard.press('Escape');
      await preview.waitFor({ state: 'detached' });

      // Export, by keyboard: the menu opens on Enter; the download is the saved test set.
      await page.getByRole('button', { name: 'Export' }).focus();
      await page.keyboard.press('Enter');
      const item = page.getByRole('menuitem', { name: 'Moodle XML (with images)' });
      await item.waitFor();
      const download = page.waitForEvent('download');
      await item.click();
      const downloaded = await download;
      assert.match(downloaded.suggestedFilename(), /^Imported-fire-safety\.moodle\.xml$/);
      const exported = await new Promise<string>((resolve, reject) => {
        void downloaded.createReadStream().then((stream) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          stream.on('error', reject);
        }, reject);
      });
      assert.match(exported, /alt="A red CO2 extinguisher"/);
      assert.match(exported, /<file name="extinguisher\.png" path="\/" encoding="base64">iVBOR/);

      // Publish.
      await page.goto(`/drafts/${draftId}/review`);
      const publish = page.getByRole('button', { name: 'Publish the course' });
      await waitFor(async () => !(await publish.isDisabled()), 'Publish to be enabled', 60_000, 250);
      await publish.click();
      await page.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { level: 1, name: 'Imported fire safety' }).waitFor();

      // The published version's test, as GIFT: the question is there, the image said to be left out.
      await page.getByRole('button', { name: 'Export the test' }).click();
      const gift = page.waitForEvent('download');
      await page.getByRole('menuitem', { name: 'GIFT (text only, no images)' }).click();
      const giftText = await new Promise<string>((resolve, reject) => {
        void gift
          .then((d) => d.createReadStream())
          .then((stream) => {
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
            stream.on('error', reject);
          }, reject);
      });
      assert.match(giftText, /Which extinguisher is this\?\{/);
      assert.match(giftText, /The image “A red CO2 extinguisher” is not included: GIFT files cannot hold images\./);

      // A learner takes the published test: the imported question, its image and its answers are there.
      const courseUrl = new URL(page.url()).pathname;
      await api(page, 'POST', '/api/admin/users', {
        email: LEARNER.email,
        displayName: LEARNER.name,
        role: 'learner',
        password: TEST_PASSWORD,
      });
      const learnerContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      learnerContext.setDefaultTimeout(30_000);
      try {
        const learner = await signInPage(learnerContext, LEARNER.email);
        await learner.goto(courseUrl);
        await learner.getByRole('button', { name: 'Enrol in this course' }).click();
        const testBlock = learner.getByRole('region', { name: 'Test', exact: true });
        await testBlock.getByRole('button', { name: 'Start the test' }).click();
        await learner.waitForURL(/\/attempts\/[^/]+$/);
        const group = learner.getByRole('radiogroup', { name: /Which extinguisher is this\?/ });
        await group.getByRole('radio', { name: 'CO2', exact: true }).waitFor();
        await group.getByRole('radio', { name: 'Water', exact: true }).waitFor();
        await learner.getByRole('img', { name: 'A red CO2 extinguisher' }).waitFor();
        // Nothing of the imported feedback reaches the learner before submission.
        assert.equal(await learner.getByText('Right: safe on electrics.').count(), 0);
        await expectAccessible(learner, 'the attempt at the imported question');
      } finally {
        await learnerContext.close();
      }
    });
  });
}
