// Authoring on a phone (390 × 844) and zoomed in (320 px wide, WCAG 1.4.10): the author's dashboard
// shows each draft and course as a card with its actions in view, no wizard step scrolls sideways,
// the flowchart is one row under "Step n of 4", the menu closes with Escape, and nothing slides for
// someone who asked for less motion. axe-core on every page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import type { ApiClient } from './support/api.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { seedPeople, TEST_AUTHOR } from './support/people.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { signInPage } from './support/session.ts';

const STEPS = ['basics', 'files', 'test', 'review'] as const;

/** Fails when the page is wider than the viewport (it would scroll sideways). */
async function assertNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${what}: the page is ${scrollWidth} px wide in a ${innerWidth} px window`);
}

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
      const saved = await author.request('PATCH', `/api/drafts/${draftId}`, {
        revision: created.draft.revision,
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
          await assertNoSidewaysScroll(page, 'the dashboard');
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
            await assertNoSidewaysScroll(page, `the ${step} step`);
            await expectAccessible(page, `the ${step} step at ${width} px`);
          }
        } finally {
          await context.close();
        }
      });
    }
  });
}
