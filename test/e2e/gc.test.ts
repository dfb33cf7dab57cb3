// The storage clean-up page as an administrator uses it: a dry run that lists a stray object and
// keeps it, a real run that removes it, the details of a run reached by keyboard. axe-core checks
// every state of the page.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { setUpAdminInBrowser } from './support/session.ts';


for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: storage clean-up`, () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let stray: string;

    before(async () => {
      // Zero grace: the stray object below is old enough at once.
      server = await startServer(dialect, { GC_GRACE_HOURS: '0' });
      browser = await launchBrowser();
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(15_000);
      page = await context.newPage();
      await setUpAdminInBrowser(page);
      // An object in the blob store that no blob row knows: what a crash between storing and recording leaves.
      const content = randomBytes(4096);
      const hex = createHash('sha256').update(content).digest('hex');
      const dir = path.join(server.dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4));
      mkdirSync(dir, { recursive: true });
      stray = path.join(dir, hex);
      writeFileSync(stray, content);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('shows the page with no run yet', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Storage clean-up' }).click();
      await page.getByRole('heading', { name: 'Storage clean-up', level: 1 }).waitFor();
      await page.getByText('No run yet.').waitFor();
      await expectAccessible(page, 'storage clean-up page, empty');
    });

    it('runs a dry run that lists the stray object and keeps it', async () => {
      await page.getByRole('button', { name: 'Dry run' }).click();
      const runs = page.getByRole('table', { name: 'Runs' });
      await runs.getByRole('row').filter({ hasText: 'Dry run' }).getByText('Completed').waitFor({ timeout: 30_000 });
      const details = page.getByRole('region', { name: /^Dry run of/ });
      await details
        .getByRole('row', { name: /Stored objects the database does not know/ })
        .getByText('4 KB', { exact: true })
        .waitFor();
      assert.ok(existsSync(stray), 'a dry run deletes nothing');
      await expectAccessible(page, 'storage clean-up page after a dry run', { alsoOnPhone: true });
    });

    it('runs for real, removes the stray object, and opens a run’s details by keyboard', async () => {
      await page.getByRole('button', { name: 'Run now' }).click();
      const runs = page.getByRole('table', { name: 'Runs' });
      await runs
        .getByRole('row')
        .filter({ hasText: /Run · Admin page/ })
        .getByText('Completed')
        .waitFor({ timeout: 30_000 });
      assert.ok(!existsSync(stray), 'the stray object is gone');
      // Keyboard: focus the dry run's Details button and press Enter; its details take the focus.
      const button = runs.getByRole('button', { name: /Details of the dry run/ });
      await button.focus();
      await page.keyboard.press('Enter');
      const heading = page.getByRole('heading', { name: /^Dry run of/, level: 2 });
      await heading.waitFor();
      assert.equal(await heading.evaluate((el) => el === document.activeElement), true);
      await expectAccessible(page, 'storage clean-up page with a run’s details');
    });
  });
}
