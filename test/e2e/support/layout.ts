/// <reference lib="dom" />
// Layout checks that run in the page (hence the DOM types).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/**
 * Fails when the page is wider than the window (it would scroll sideways), naming what sticks out.
 * After a resize the layout settles over a frame or more (media queries read by script, the
 * navigation's transition): it waits for that state first.
 */
export async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  await page
    .waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, undefined, { timeout: 10_000 })
    .catch(() => {});
  const { scroll, width, wide } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} "${(e.textContent ?? '').slice(0, 40)}"`),
  }));
  assert.ok(scroll <= width, `${what}: the page is ${scroll} px wide in a ${width} px window: ${wide.join('; ')}`);
}
