// As a newcomer would: set up the first administrator, create a learner, sign in as the learner,
// be refused the admin pages, and get locked out after five wrong passwords. Every page is
// checked with axe-core; the learner signs in with the keyboard alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';

const ADMIN = { email: 'ada@example.org', name: 'Ada Admin', password: 'correct horse battery staple' };
const LEARNER = { email: 'lena@example.org', name: 'Lena Learner', password: 'a learner password 42' };

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: first run, accounts and roles`, () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;

    before(async () => {
      server = await startServer(dialect);
      browser = await launchBrowser();
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(10_000);
      page = await context.newPage();
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('leads a fresh install to the setup page and creates the first administrator', async () => {
      await page.goto('/');
      await page.waitForURL('**/setup');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await expectAccessible(page, 'setup page');

      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Display name').fill(ADMIN.name);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByLabel('Confirm password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Create administrator' }).click();

      await page.getByRole('heading', { name: 'Administration' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      await expectAccessible(page, 'admin home');
    });

    it('no longer offers setup once an administrator exists', async () => {
      const response = await page.request.get('/api/setup');
      assert.deepEqual(await response.json(), { needed: false });
    });

    it('lets the administrator create a learner', async () => {
      await page.getByRole('link', { name: 'Users' }).first().click();
      await page.waitForURL('**/admin/users');
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      await expectAccessible(page, 'user administration');

      await page.getByLabel('Email').fill(LEARNER.email);
      await page.getByLabel('Display name').fill(LEARNER.name);
      await page.getByLabel('Role').selectOption({ label: 'Learner' });
      await page.getByLabel('Initial password').fill(LEARNER.password);
      await page.getByRole('button', { name: 'Create user' }).click();

      await page.getByRole('cell', { name: LEARNER.email }).waitFor();
      await expectAccessible(page, 'user administration with a new user');

      // A second account with the same email is refused with a message next to the form.
      await page.getByLabel('Email').fill(LEARNER.email.toUpperCase());
      await page.getByLabel('Display name').fill('Someone else');
      await page.getByLabel('Initial password').fill(LEARNER.password);
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.getByText(/already exists/).waitFor();
    });

    it('shows the account page to the administrator', async () => {
      await page.goto('/account');
      await page.getByRole('button', { name: 'Change password' }).waitFor();
      await expectAccessible(page, 'account page');
    });

    it('shows the background jobs and tests the workers with live updates', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
      await page.getByRole('heading', { name: 'Background jobs', level: 1 }).waitFor();
      await page.getByRole('table', { name: dialect === 'sqlite' ? /Embedded queue/ : /PostgreSQL \(pg-boss\)/ }).waitFor();
      await expectAccessible(page, 'background jobs page');
      await page.getByRole('button', { name: 'Test the workers' }).click();
      // A worker picks the job up at its next poll; allow for a busy machine.
      const check = page.getByRole('status', { name: 'Worker check' });
      await check
        .getByText('Completed — workers are running.')
        .waitFor({ timeout: 30_000 })
        .catch(async (error: unknown) => {
          throw new Error(`The worker check did not complete; it says "${await check.textContent()}"`, { cause: error });
        });
      await expectAccessible(page, 'background jobs page after a probe', { alsoOnPhone: true });
    });

    it('signs the administrator out', async () => {
      await page.getByRole('button', { name: `User menu for ${ADMIN.name}` }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.waitForURL('**/login');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await expectAccessible(page, 'sign-in page');
      const session = await (await page.request.get('/api/auth/session')).json();
      assert.equal(session.user, null);
    });

    it('lets the learner sign in with the keyboard alone and shows the learner home', async () => {
      await page.goto('/login');
      await page.getByLabel('Email').waitFor();
      await page.locator('body').focus();
      // Tab from the top of the page until the email field has focus.
      for (let i = 0; i < 15; i++) {
        await page.keyboard.press('Tab');
        if (await page.getByLabel('Email').evaluate((el) => el === el.ownerDocument.activeElement)) break;
      }
      await page.keyboard.type(LEARNER.email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(LEARNER.password);
      await page.keyboard.press('Enter');

      await page.getByRole('heading', { name: 'My learning' }).waitFor();
      await expectAccessible(page, 'learner home');
      assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0, 'learners see no admin navigation');
    });

    it('refuses the learner the admin pages and APIs', async () => {
      await page.goto('/admin/users');
      await page.getByText(/do not have access/i).first().waitFor();
      await expectAccessible(page, '403 page');
      const api = await page.request.get('/api/admin/users');
      assert.equal(api.status(), 403);
      const csrf = (await (await page.request.get('/api/auth/csrf')).json()).token;
      const create = await page.request.post('/api/admin/users', {
        headers: { 'x-csrf-token': csrf },
        data: { email: 'x@example.org', displayName: 'X', role: 'admin', password: 'correct horse battery staple' },
      });
      assert.equal(create.status(), 403);
    });

    it('shows a 404 page for an unknown address', async () => {
      await page.goto('/no/such/page');
      await page.getByRole('heading', { name: /not found/i }).waitFor();
      await expectAccessible(page, '404 page');
    });

    it('locks the account after five wrong passwords (429) and says when to retry', async () => {
      await page.getByRole('button', { name: `User menu for ${LEARNER.name}` }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.waitForURL('**/login');

      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        await page.getByLabel('Email').fill(LEARNER.email);
        await page.getByLabel('Password').fill(`wrong password number ${i}`);
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
          page.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        statuses.push(response.status());
        if (i < 4) await page.getByText('Email or password is incorrect.').waitFor();
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
      await page.getByText(/Too many failed sign-in attempts\. Try again in 15 minutes/).waitFor();
      await expectAccessible(page, 'sign-in page with the lock message');

      // Even the right password is refused while the lock lasts.
      await page.getByLabel('Password').fill(LEARNER.password);
      const [locked] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      assert.equal(locked.status(), 429);
      assert.ok(Number(locked.headers()['retry-after']) > 0);
    });
  });
}
