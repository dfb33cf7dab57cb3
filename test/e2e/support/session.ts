// Signing in through the real login page, for browser tests.
import type { BrowserContext, Page } from 'playwright-core';

export const TEST_PASSWORD = 'correct horse battery staple';

/** A new page of `context`, signed in as `email` through the login form. */
export async function signInPage(context: BrowserContext, email: string, password = TEST_PASSWORD): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/login');
  // The first page of a fresh browser loads the whole app: give a busy machine time.
  await page.getByLabel('Email').waitFor({ timeout: 60_000 });
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return page;
}

export const TEST_ADMIN = { email: 'ada@example.org', name: 'Ada Admin', password: TEST_PASSWORD };

/** Creates the first administrator through the setup page; `page` stays signed in as them. */
export async function setUpAdminInBrowser(page: Page): Promise<void> {
  await page.goto('/setup');
  await page.getByLabel('Email').fill(TEST_ADMIN.email);
  await page.getByLabel('Display name').fill(TEST_ADMIN.name);
  await page.getByLabel('Password', { exact: true }).fill(TEST_ADMIN.password);
  await page.getByLabel('Confirm password').fill(TEST_ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.getByRole('heading', { name: 'Administration' }).waitFor();
}
