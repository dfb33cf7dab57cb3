// Debian's Chromium driven by playwright-core, and an axe-core check for every page.
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A phone's viewport (CSS px), where learners and admins also use the app. */
export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;

/**
 * Fails with a readable list when axe-core finds any violation on the page as it is now; with
 * `alsoOnPhone`, checks it again at a phone's width (then restores the viewport).
 */
export async function expectAccessible(
  page: Page,
  what: string,
  options: { alsoOnPhone?: boolean } = {},
): Promise<void> {
  await expectNoViolations(page, what);
  if (!options.alsoOnPhone) return;
  const viewport = page.viewportSize();
  await page.setViewportSize(PHONE_VIEWPORT);
  try {
    await expectNoViolations(page, `${what} at ${PHONE_VIEWPORT.width} px`);
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

async function expectNoViolations(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const summary = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 5)
        .join('\n    ')}`,
  );
  assert.deepEqual(summary, [], `axe-core violations on ${what}`);
}

/** Waits until dnd-kit's live region announces `text` (every sortable list announces each step). */
export function sortingAnnounced(page: Page, text: string): Promise<void> {
  return page.locator('[id^="DndLiveRegion"]').getByText(text).waitFor({ state: 'attached' });
}

/**
 * Picks up a sortable item by keyboard (Space on its drag handle) so that the next arrow key moves it.
 * dnd-kit's keyboard sensor measures the list after the pick-up (the "… is over position N of M."
 * announcement comes once that is done) and only listens for the arrow keys from a zero-delay timer
 * it starts at the pick-up; Chromium runs input before timers, so an arrow key sent right away can
 * arrive before that listener and is lost. Timers of equal delay run in order: one started here runs
 * after dnd-kit's.
 */
export async function pickUpByKeyboard(page: Page, handle: Locator, overAnnouncement: string): Promise<void> {
  await handle.focus();
  await page.keyboard.press('Space');
  await sortingAnnounced(page, overAnnouncement);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
}
