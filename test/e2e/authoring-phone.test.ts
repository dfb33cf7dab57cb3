// Authoring on a phone (390 × 844) and zoomed in (320 px wide, WCAG 1.4.10): the author's dashboard
// shows each draft and course as a card with its actions in view, no wizard step scrolls sideways,
// the flowchart is one row under "Step n of 4" (also in a window zoomed to 200 %, where each step
// starts on the first screen), a nested question's answers keep most of the
// width, the menu closes with Escape, and nothing slides for someone who asked for less motion.
// axe-core on every page.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { quizSettingsSchema, type TestSet } from '../../src/shared/quiz.ts';
import { newCategory, newQuestion } from '../../src/shared/quiz-editing.ts';
import type { ApiClient } from './support/api.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { seedPeople, TEST_AUTHOR } from './support/people.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { signInPage } from './support/session.ts';

const STEPS = ['basics', 'files', 'test', 'review'] as const;

for (const dialect of TEST_DIALECTS.slice(0, 1)) {
  describe(`[${dialect}] browser: authoring on a phone`, () => {
    let server: RunningServer;
    let browser: Browser;
    let author: ApiClient;
    let draftId: string;

    before(async () => {
      server = await startServer(dialect);
      browser = await launchBrowser();
      ({ author } = await seedPeople(server.url, { learner: false }));
      const created = (await author.request('POST', '/api/drafts')).json() as { draft: { id: string; revision: number } };
      draftId = created.draft.id;
      // A test with a nested category: its question is the most deeply nested field of the wizard.
      const question = (text: string) => ({
        ...newQuestion('single'),
        text,
        answers: newQuestion('single').answers.map((a, i) => ({ ...a, text: `Answer ${i + 1} of ${text}` })),
      });
      const test: TestSet = {
        settings: quizSettingsSchema.parse({}),
        categories: [
          {
            ...newCategory('Safety'),
            questions: [question('Which ladder suits a shelf at 3 m?')],
            children: [{ ...newCategory('Ladders'), questions: [question('How many points of contact?')] }],
          },
        ],
      };
      // A file with a long name: its row's buttons must wrap, not run past the screen's edge.
      const dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-phone-'));
      const png = path.join(dir, 'warehouse-floor-plan-with-ladder-stations.png');
      await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2266aa' } })
        .png()
        .toFile(png);
      const fileId = await author.upload(png, 'image', { draftId });
      rmSync(dir, { recursive: true, force: true });
      const saved = await author.request('PATCH', `/api/drafts/${draftId}`, {
        revision: created.draft.revision,
        files: [{ assetId: fileId, title: 'Floor plan', description: '', required: true }],
        test,
        basics: {
          title: 'Ladder safety for warehouse staff working at height',
          versionLabel: '',
          shortDescription: '',
          topics: [],
          language: 'en',
          coverAssetId: null,
        },
      });
      assert.equal(saved.status, 200, saved.text);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    for (const width of [390, 320]) {
      it(`works at ${width} px wide with reduced motion`, async () => {
        const context = await browser.newContext({
          baseURL: server.url,
          viewport: { width, height: 844 },
          hasTouch: true,
          reducedMotion: 'reduce',
        });
        context.setDefaultTimeout(30_000);
        try {
          const page = await signInPage(context, TEST_AUTHOR.email);
          await page.getByRole('heading', { name: 'Drafts' }).waitFor();

          // The draft's actions are in view, not in a table scrolled sideways.
          const title = 'Ladder safety for warehouse staff working at height';
          const continueButton = page.getByRole('link', { name: `Continue ${title}` });
          const box = await continueButton.boundingBox();
          assert.ok(box && box.x >= 0 && box.x + box.width <= width, `Continue is within the ${width} px screen`);
          await expectNoSidewaysScroll(page, 'the dashboard');
          await expectAccessible(page, `the dashboard at ${width} px`);

          // The menu: no sliding under reduced motion, and Escape closes it, focus back on its button.
          const menuButton = page.getByRole('button', { name: 'Open navigation' });
          await menuButton.click();
          const nav = page.getByRole('navigation', { name: 'Main' });
          await nav.getByRole('link', { name: 'Home' }).waitFor();
          const duration = await nav.evaluate((element) => getComputedStyle(element).transitionDuration);
          assert.ok(/^0s(, 0s)*$/.test(duration), `the menu does not slide (transition ${duration})`);
          await page.keyboard.press('Escape');
          await page.getByRole('button', { name: 'Open navigation' }).waitFor();
          assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Open navigation');

          // Every wizard step fits; the flowchart is one row under its summary.
          for (const [index, step] of STEPS.entries()) {
            await page.goto(`/drafts/${draftId}/${step}`);
            await page.locator('main h1').waitFor();
            await page.getByText(`Step ${index + 1} of 4:`).waitFor();
            const links = page.getByRole('navigation', { name: 'Course steps' }).getByRole('link');
            const tops = await links.evaluateAll((all) => all.map((a) => Math.round(a.getBoundingClientRect().top)));
            assert.equal(new Set(tops).size, 1, `the four steps are in one row on ${step}`);
            await expectNoSidewaysScroll(page, `the ${step} step`);
            await expectAccessible(page, `the ${step} step at ${width} px`);
          }

          // The Test step with the nested category's question open: still no sideways scroll, and
          // its answers keep most of the width (nested cards give up their padding on a phone).
          await page.goto(`/drafts/${draftId}/test`);
          const nested = page.getByRole('region', { name: 'Ladders (subcategory, level 2)' });
          await nested.getByRole('button', { name: /^Question 2: How many points of contact/ }).click();
          const answer = nested.getByRole('textbox', { name: 'Answer 1', exact: true });
          await answer.waitFor();
          await expectNoSidewaysScroll(page, 'the Test step with a nested question open');
          const answerBox = await answer.boundingBox();
          assert.ok(
            answerBox && answerBox.width >= width * 0.65,
            `an answer field is ${answerBox?.width} px wide in a ${width} px window`,
          );
          const deleteCategory = await nested.getByRole('button', { name: 'Delete category Ladders' }).boundingBox();
          assert.ok(deleteCategory && deleteCategory.x + deleteCategory.width <= width, '“Delete category” is in view');
          await expectAccessible(page, `the Test step with a nested question open at ${width} px`);
        } finally {
          await context.close();
        }
      });
    }

    it('starts each step on the first screen of a window zoomed to 200 % (683 × 384)', async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 683, height: 384 } });
      context.setDefaultTimeout(30_000);
      try {
        const page = await signInPage(context, TEST_AUTHOR.email);
        for (const [index, step] of STEPS.entries()) {
          await page.goto(`/drafts/${draftId}/${step}`);
          await page.locator('main h1').waitFor();
          // The four steps do not fit in one row here: the compact flowchart, not two rows of boxes.
          await page.getByText(`Step ${index + 1} of 4:`).waitFor();
          const heading = page.locator('main').getByRole('heading', { level: 2 }).first();
          const box = await heading.boundingBox();
          assert.ok(box && box.y + box.height <= 384, `the ${step} step's heading ends at ${box && box.y + box.height} px`);
          await expectNoSidewaysScroll(page, `the ${step} step at 200 %`);
        }
        await expectAccessible(page, 'the Review step at 200 %');
      } finally {
        await context.close();
      }
    });
  });
}
