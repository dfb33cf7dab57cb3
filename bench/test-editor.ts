// Test editor responsiveness: a draft with 100 and with 500 questions opens on the wizard's Test
// step in Chromium, then the author types into one question. Figures: time until the questions are
// on screen, and the browser's own work (script, style, layout, from Chrome's performance metrics)
// per keystroke, which depends far less on other load of the machine than wall-clock time.
// Builds the web app first when it is missing or stale; needs /usr/bin/chromium (or CHROMIUM_PATH).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import type { DraftView } from '../src/shared/drafts.ts';
import type { TestSetInput } from '../src/shared/quiz.ts';
import { launchBrowser } from '../test/e2e/support/browser.ts';
import { startServer } from '../test/e2e/support/server.ts';
import { median, round } from './_stats.ts';

const SIZES = [100, 500];
const QUESTIONS_PER_CATEGORY = 50;
const TYPED = 'the quick brown fox jumps over the lazy dog';
const ROUNDS = 3;

function testSet(questions: number): TestSetInput {
  const answer = (text: string, fraction: number) => ({ id: crypto.randomUUID(), text, fraction });
  return {
    categories: Array.from({ length: Math.ceil(questions / QUESTIONS_PER_CATEGORY) }, (_, c) => ({
      id: crypto.randomUUID(),
      name: `Category ${c + 1}`,
      drawCount: 5,
      questions: Array.from({ length: QUESTIONS_PER_CATEGORY }, (_, q) => ({
        id: crypto.randomUUID(),
        kind: 'multiple' as const,
        text: `Question ${c + 1}.${q + 1}: which of these are **true**?`,
        answers: [answer('One', 0.5), answer('Two', 0.5), answer('Three', 0), answer('Four', -0.5)],
      })),
    })),
  };
}

async function api<T>(page: Page, method: 'POST' | 'PATCH', url: string, data?: unknown): Promise<T> {
  const { token } = (await (await page.request.get('/api/auth/csrf')).json()) as { token: string };
  const response = await page.request.fetch(url, { method, headers: { 'x-csrf-token': token }, data });
  if (!response.ok()) throw new Error(`${method} ${url}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Seconds the renderer spent on script, style and layout so far. */
async function busySeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return value('ScriptDuration') + value('RecalcStyleDuration') + value('LayoutDuration');
}

async function measure(page: Page, questions: number) {
  const { draft } = await api<{ draft: DraftView }>(page, 'POST', '/api/drafts');
  await api(page, 'PATCH', `/api/drafts/${draft.id}`, { revision: draft.revision, test: testSet(questions) });
  const started = performance.now();
  await page.goto(`/drafts/${draft.id}/test`);
  await page
    .getByRole('button', { name: new RegExp(`^Question ${QUESTIONS_PER_CATEGORY}: `) })
    .last()
    .waitFor();
  const loadMs = performance.now() - started;

  await page
    .getByRole('button', { name: /^Question 1: / })
    .first()
    .click();
  await page.getByRole('textbox', { name: 'Question text' }).click();
  await page.keyboard.press('End');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const before = await busySeconds(cdp);
  await page.keyboard.type(TYPED);
  await page.waitForFunction(`document.activeElement.value.endsWith(${JSON.stringify(TYPED)})`);
  const busyMsPerKey = (((await busySeconds(cdp)) - before) * 1000) / TYPED.length;
  await cdp.detach();
  return { loadMs, busyMsPerKey };
}

// The build's own output goes to stderr: stdout ends with the figures.
const build = spawnSync(process.execPath, [path.join(import.meta.dirname, '../scripts/build-web-if-needed.ts')], {
  stdio: ['ignore', 2, 2],
});
if (build.status !== 0) throw new Error('building the web app failed');

const server = await startServer('sqlite');
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ baseURL: server.url });
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  await page.goto('/setup');
  await page.getByLabel('Email').fill('bench@example.org');
  await page.getByLabel('Display name').fill('Bench');
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
  await page.getByLabel('Confirm password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.getByRole('heading', { name: 'Administration' }).waitFor();

  const figures: Record<string, number> = {};
  for (const size of SIZES) {
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await measure(page, size));
    figures[`load_ms_${size}_questions`] = round(median(rounds.map((r) => r.loadMs)), 0);
    figures[`busy_ms_per_keystroke_${size}_questions`] = round(median(rounds.map((r) => r.busyMsPerKey)), 1);
    console.error(`${size} questions:`, rounds);
  }
  console.log(JSON.stringify(figures));
} finally {
  await browser.close();
  await server.stop();
}
