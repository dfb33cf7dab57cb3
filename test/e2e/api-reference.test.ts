// The API reference page as an administrator uses it: reached from the admin menu, every feature's
// operations listed from /api/openapi.json, an operation opened by keyboard with its access,
// parameters and answer fields, the filter; axe-core clean at desktop and phone widths, and no
// sideways scrolling on a phone (long paths wrap).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { expectAccessible, launchBrowser, PHONE_VIEWPORT } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { setUpAdminInBrowser } from './support/session.ts';

const SHOTS = process.env.SCREENSHOT_DIR;

async function noSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
}

// The page reads only the document, whatever the database: one dialect is enough.
for (const dialect of TEST_DIALECTS.slice(0, 1)) {
  describe(`[${dialect}] browser: API reference`, () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;

    before(async () => {
      server = await startServer(dialect);
      browser = await launchBrowser();
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(20_000);
      page = await context.newPage();
      await setUpAdminInBrowser(page);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('lists every feature’s operations, from the admin menu', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API reference' }).click();
      await page.getByRole('heading', { name: 'API reference', level: 1 }).waitFor();
      for (const feature of ['Accounts', 'Drafts', 'Courses', 'Files', 'Jobs', 'Tests and attempts']) {
        await page.getByRole('heading', { name: feature, level: 2 }).waitFor();
      }
      await page.getByRole('button', { name: /PATCH\s*\/api\/drafts\/\{id\}/ }).waitFor();
      await expectAccessible(page, 'API reference page', { alsoOnPhone: true });
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/api-reference-1366.png`, fullPage: false });
    });

    it('opens an operation by keyboard and shows its access, parameters and answer fields', async () => {
      const control = page.getByRole('button', { name: /PATCH\s*\/api\/admin\/users\/\{id\}/ });
      await control.focus();
      await page.keyboard.press('Enter');
      assert.equal(await control.getAttribute('aria-expanded'), 'true');
      const panel = page.getByRole('region', { name: /PATCH\s*\/api\/admin\/users\/\{id\}/ });
      await panel.getByText('Who may call it: admin').waitFor();
      await panel.getByText('(in the path): string').waitFor();
      await panel
        .getByRole('listitem')
        .filter({ hasText: /^displayName: string \(optional\)$/ })
        .waitFor();
      await panel.getByText('200: object').waitFor();
      // The answer's fields, nested: the user, never its password hash.
      const user = panel.getByRole('listitem').filter({ hasText: /^user: object/ });
      await user.getByText('createdAt', { exact: true }).waitFor();
      assert.equal(await panel.getByText(/password/i).count(), 0);
      await expectAccessible(page, 'API reference with an operation open');
    });

    it('filters operations and stays within a phone’s width', async () => {
      await page.getByRole('textbox', { name: 'Filter operations' }).fill('openapi');
      await page.getByRole('status').getByText('1 operation').waitFor();
      await page.getByRole('textbox', { name: 'Filter operations' }).fill('');
      await page.setViewportSize(PHONE_VIEWPORT);
      const longest = page.getByRole('button', {
        name: /\/api\/courses\/\{id\}\/learners\/\{userId\}\/extra-attempts/,
      });
      await longest.click();
      await page
        .getByRole('region', { name: /extra-attempts/ })
        .getByText('Who may call it: author, admin')
        .waitFor();
      await noSidewaysScroll(page);
      await expectAccessible(page, 'API reference at 390 px with an operation open');
      if (SHOTS) {
        await longest.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${SHOTS}/api-reference-390.png` });
      }
    });
  });
}
