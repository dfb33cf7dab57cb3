// Storage quotas in the browser: an author sees what their files take on the account page (Storage),
// and an administrator sees each user's files in the users table. Both pages pass axe, on a phone too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { eventually, signIn } from './support/api.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { setUpAdminInBrowser, signInPage, TEST_PASSWORD } from './support/session.ts';

const AUTHOR = { email: 'sam@example.org', name: 'Sam Author' };

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: storage use and quotas`, () => {
    let server: RunningServer;
    let browser: Browser;
    let admin: Page;
    let dir: string;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-storage-'));
      server = await startServer(dialect, { QUOTA_OPEN_UPLOADS: '7', QUOTA_STORED_GB: '2' });
      browser = await launchBrowser();
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(15_000);
      admin = await context.newPage();
      await setUpAdminInBrowser(admin);
      const created = await admin.request.post('/api/admin/users', {
        headers: { 'x-csrf-token': (await (await admin.request.get('/api/auth/csrf')).json()).token },
        data: { email: AUTHOR.email, displayName: AUTHOR.name, role: 'author', password: TEST_PASSWORD },
      });
      assert.equal(created.status(), 201);
      const notes = path.join(dir, 'notes.txt');
      writeFileSync(notes, 'Lecture notes.\n'.repeat(100_000));
      const author = await signIn(server.url, AUTHOR.email, TEST_PASSWORD);
      const id = await author.upload(notes, 'other');
      await eventually(async () => ((await author.request('GET', `/api/assets/${id}`)).json() as { asset: { state: string } }).asset.state === 'ready', 'notes ready');
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('shows the author their files against their limits on the account page', async () => {
      const context = await browser.newContext({ baseURL: server.url });
      const page = await signInPage(context, AUTHOR.email);
      await page.goto('/account');
      const storage = page.getByRole('table', { name: 'Storage' });
      await storage.waitFor();
      await storage.getByRole('row', { name: /Files stored/ }).getByText('1 file, 1.4 MB').waitFor();
      await storage.getByRole('row', { name: /Storage used/ }).getByText('1.4 MB of 2 GB').waitFor();
      await storage.getByRole('row', { name: /Uploads in progress/ }).getByText('0 of 7 at once').waitFor();
      await expectAccessible(page, 'account page with storage', { alsoOnPhone: true });
      await context.close();
    });

    it('shows each user’s files in the administrators’ users table', async () => {
      await admin.goto('/admin/users');
      const table = admin.getByRole('table', { name: 'All users' });
      await table.getByRole('columnheader', { name: 'Files' }).waitFor();
      await table.getByRole('row', { name: new RegExp(AUTHOR.name) }).getByText('1 file, 1.4 MB').waitFor();
      await table.getByRole('row', { name: /Ada Admin/ }).getByText('No files').waitFor();
      await expectAccessible(admin, 'user administration with files', { alsoOnPhone: true });
    });
  });
}
