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
