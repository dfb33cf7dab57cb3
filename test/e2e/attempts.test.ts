// A learner takes a course's test in the browser. (1) Start, answer by keyboard and mouse, reload
// mid-way (same layout and answers), submit and fail; start again and pass; the result and review
// show exactly what the test's review option allows; every response before submission carries no
// correctness, fraction or feedback. (2) Two tabs answer the same question: the later answer wins
// and the other tab shows it. (3) Answers chosen while the server cannot be reached survive a
// reload, show "not saved yet" and are saved when the connection is back; answers sent after
// deadline + grace are refused with the server's message. Axe clean at 1366 and 390 px.
// LECTERN_SCREENSHOTS=dir saves screenshots.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page, Response } from 'playwright-core';
import sharp from 'sharp';
import { createDatabase } from '../../src/server/db/database.ts';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import type { AttemptView } from '../../src/shared/attempts.ts';
import type { QuizSettings, TestSetInput } from '../../src/shared/quiz.ts';
import { type ApiClient, eventually, signIn } from './support/api.ts';
import { expectAccessible, launchBrowser, PHONE_VIEWPORT } from './support/browser.ts';
import { publishCourse } from './support/courses.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { seedPeople } from './support/people.ts';
import { signInPage, TEST_PASSWORD } from './support/session.ts';

const SHOTS = process.env.LECTERN_SCREENSHOTS;
const SECRET = 'SECRET';

async function shot(target: Page | Locator, name: string, page?: Page): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const width = (page ?? (target as Page)).viewportSize?.()?.width;
  await target.screenshot({
    path: path.join(SHOTS, `${name}-${width}.png`),
    ...('goto' in target ? { fullPage: true } : {}),
  });
}

/** Keys that tell correctness, marks or feedback. */
const TELLING_KEYS = new Set([
  'fraction',
  'feedback',
  'generalFeedback',
  'answerFeedback',
  'correctAnswerIds',
  'mark',
  'outcome',
  'allOrNothing',
]);
/** …and, in an attempt or its overview, its grade. */
const GRADE_KEYS = new Set(['score', 'percent', 'passed', 'grade']);

/** The course progress tells how much of each file was played: a fraction that is no answer's. */
const PLAYED_FRACTION = /^\$\.learning\.items\[\d+\]\.fraction$/;

function tellingKeys(value: unknown, attemptLike: boolean, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => tellingKeys(v, attemptLike, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...((TELLING_KEYS.has(k) || (attemptLike && GRADE_KEYS.has(k))) && v !== null && !PLAYED_FRACTION.test(`${at}.${k}`)
      ? [`${at}.${k}`]
      : []),
    // The review *setting* is a word; a review or result object tells.
    ...(attemptLike && (k === 'result' || k === 'review') && v !== null && typeof v === 'object' ? [`${at}.${k}`] : []),
    ...tellingKeys(v, attemptLike, `${at}.${k}`),
  ]);
}

/** Records every response the page receives (bodies read as they arrive), until `stop`. */
function recordResponses(page: Page) {
  const seen: Promise<{ url: string; type: string; body: string | null }>[] = [];
  let on = true;
  const listener = (response: Response) => {
    if (!on) return;
    const type = response.headers()['content-type'] ?? '';
    // The event stream never ends (and the server publishes nothing about attempts on it).
    if (type.includes('text/event-stream')) return;
    const textual = /json|text|javascript|css|svg/.test(type);
    seen.push(
      (textual ? response.text().catch(() => null) : Promise.resolve(null)).then((body) => ({
        url: response.url(),
        type,
        body,
      })),
    );
  };
  page.on('response', listener);
  return {
    async stop() {
      on = false;
      page.off('response', listener);
      return Promise.all(seen);
    },
  };
}

function assertNothingTold(responses: { url: string; type: string; body: string | null }[], what: string): void {
  assert.ok(responses.length > 0, `${what}: responses were recorded`);
  for (const r of responses) {
    if (r.body === null) continue;
    assert.ok(!r.body.includes(SECRET), `${what}: ${r.url} carries feedback`);
    if (!r.type.includes('json')) continue;
    const attemptLike = /\/api\/(attempts|courses\/[^/]+\/(test|attempts))/.test(r.url);
    assert.deepEqual(tellingKeys(JSON.parse(r.body), attemptLike), [], `${what}: ${r.url} tells correctness`);
  }
}

const answer = (text: string, fraction: number) => ({
  id: crypto.randomUUID(),
  text,
  fraction,
  feedback: `${SECRET}: about ${text}`,
});

function testSet(imageId: string, settings: Partial<QuizSettings>): TestSetInput {
  return {
    settings: { passMarkPercent: 60, attemptsAllowed: 3, timeLimitMinutes: 30, reviewWhen: 'immediately', ...settings },
    categories: [
      {
        id: crypto.randomUUID(),
        name: 'Fire',
        questions: [
          {
            id: crypto.randomUUID(),
            kind: 'single',
            text: 'Which extinguisher for an **electrical** fire?',
            image: { assetId: imageId, alt: 'A red extinguisher on a wall' },
            generalFeedback: `${SECRET}: never water on wires`,
            answers: [answer('CO2', 1), answer('Water', 0), answer('Foam', 0)],
          },
          {
            id: crypto.randomUUID(),
            kind: 'multiple',
            text: 'Which ways out may you use?',
            generalFeedback: `${SECRET}: doors, not lifts`,
            answers: [answer('Door A', 0.5), answer('Door B', 0.5), answer('The lift', -1)],
          },
          {
            id: crypto.randomUUID(),
            kind: 'true-false',
            text: 'You may use the lift in a fire.',
            generalFeedback: `${SECRET}: lifts stop`,
            answers: [answer('True', 0), answer('False', 1)],
          },
        ],
        children: [],
      },
    ],
  };
}

const question = (page: Page, n: number, of = 3) => page.getByRole('region', { name: `Question ${n} of ${of}` });
const isPut = (r: Response) => r.request().method() === 'PUT' && r.url().includes('/answers/');
const nextPut = (page: Page) => page.waitForResponse(isPut);

async function radioOrder(page: Page, n: number): Promise<string[]> {
  return question(page, n).locator('label').allInnerTexts();
}

async function headingFocused(page: Page, name: string): Promise<void> {
  await page.waitForFunction(
    (text) => document.activeElement?.textContent === text && document.activeElement.tagName === 'H2',
    name,
  );
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: a learner takes a course's test`, () => {
    let server: RunningServer;
    let browser: Browser;
    let dir: string;
    let author: ApiClient;
    const courses: Record<'perPage' | 'onePage', string> = { perPage: '', onePage: '' };

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-attempts-'));
      // A short grace, so that the deadline test only moves the deadline into the past.
      server = await startServer(dialect, { ATTEMPT_GRACE_SECONDS: '2' });
      browser = await launchBrowser();
      ({ author } = await seedPeople(server.url, {
        moreLearners: [
          { email: 'kim@example.org', name: 'Kim Learner' },
          { email: 'noor@example.org', name: 'Noor Learner' },
          { email: 'sam@example.org', name: 'Sam Learner' },
        ],
      }));
      const png = path.join(dir, 'extinguisher.png');
      await sharp({ create: { width: 300, height: 200, channels: 3, background: '#cc2222' } })
        .png()
        .toFile(png);
      const publish = async (title: string, settings: Partial<QuizSettings>) => {
        const published = await publishCourse(author, {
          title,
          shortDescription: 'What to do in a fire.',
          files: [{ path: png, kind: 'image', title: 'The extinguisher', required: false }],
          // The file is also the first question's image.
          test: ([imageId]) => testSet(imageId as string, settings),
        });
        return published.courseId;
      };
      courses.perPage = await publish('Fire safety', {
        layout: 'one-per-page',
        shuffleAnswers: true,
        review: 'score-and-wrong',
      });
      courses.onePage = await publish('Fire drill', {
        layout: 'all-on-one-page',
        shuffleAnswers: false,
        review: 'everything',
      });
      for (const email of ['lin@example.org', 'kim@example.org', 'noor@example.org', 'sam@example.org']) {
        const learner = await signIn(server.url, email, TEST_PASSWORD);
        for (const id of Object.values(courses))
          assert.equal((await learner.request('POST', `/api/courses/${id}/enrolment`)).status, 200);
      }
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts, answers by keyboard and mouse, resumes after a reload, fails, then passes; nothing tells before submission', {
      timeout: 300_000,
    }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, 'lin@example.org');
      const recorder = recordResponses(page);

      await page.goto(`/courses/${courses.perPage}`);
      const block = page.getByRole('region', { name: 'Test', exact: true });
      await block.getByRole('button', { name: 'Start the test' }).waitFor();
      for (const rule of [
        '3 questions, one per page.',
        'Time limit: 30 minutes, counted from when you start.',
        '3 of 3 attempts left; your highest attempt counts.',
        'Pass mark: 60%.',
        'Afterwards you see your score and which questions you got wrong, as soon as you submit.',
      ]) {
        await block.getByText(rule, { exact: true }).waitFor();
      }
      await expectAccessible(page, 'course page with the test', { alsoOnPhone: true });
      await shot(block, 'course-test-block', page);

      await block.getByRole('button', { name: 'Start the test' }).click();
      await page.waitForURL(/\/attempts\/[^/]+$/);
      const attemptUrl = page.url();
      await question(page, 1).waitFor();
      await page.getByRole('img', { name: 'A red extinguisher on a wall' }).waitFor();
      await page.getByRole('timer').waitFor();
      const orderBefore = await radioOrder(page, 1);

      // Question 1 by keyboard: the first choice with Space, then arrows to "Water".
      const group1 = page.getByRole('radiogroup', { name: /Question 1 of 3.*electrical/ });
      const first = group1.getByRole('radio').first();
      await first.focus();
      let saved = nextPut(page);
      await page.keyboard.press('Space');
      assert.equal((await saved).status(), 200);
      while (!(await group1.getByRole('radio', { name: 'Water', exact: true }).isChecked())) {
        saved = nextPut(page);
        await page.keyboard.press('ArrowDown');
        assert.equal((await saved).status(), 200);
      }
      await question(page, 1).getByText('Saved', { exact: true }).waitFor();

      // To question 2 by keyboard: focus lands on its heading.
      await page.getByRole('link', { name: 'Next question' }).focus();
      await page.keyboard.press('Enter');
      await headingFocused(page, 'Question 2 of 3');
      // Question 2 by mouse, and flagged for later.
      saved = nextPut(page);
      await page
        .getByRole('group', { name: /Question 2 of 3/ })
        .getByRole('checkbox', { name: 'The lift' })
        .click();
      assert.equal((await saved).status(), 200);
      saved = nextPut(page);
      await page.getByRole('button', { name: 'Flag for later' }).click();
      assert.equal((await saved).status(), 200);
      await page.getByRole('button', { name: 'Question 2, answered, flagged' }).waitFor();

      // A reload mid-way: the same question, layout, answers and flag.
      await page.reload();
      await question(page, 2).waitFor();
      assert.equal(await page.getByRole('checkbox', { name: 'The lift' }).isChecked(), true);
      await page.getByRole('button', { name: 'Flagged: remove the flag' }).waitFor();
      await page.getByRole('button', { name: 'Question 1, answered' }).click();
      await headingFocused(page, 'Question 1 of 3');
      assert.deepEqual(await radioOrder(page, 1), orderBefore);
      assert.equal(await page.getByRole('radio', { name: 'Water', exact: true }).isChecked(), true);

      await expectAccessible(page, 'attempt, one question per page', { alsoOnPhone: true });
      await shot(page, 'attempt');
      await page.setViewportSize(PHONE_VIEWPORT);
      await expectNoSidewaysScroll(page, 'attempt at 390 px');
      const navButton = await page.getByRole('button', { name: /^Question 3,/ }).boundingBox();
      assert.ok(navButton && navButton.height >= 44 && navButton.width >= 44, 'navigator targets are 44 px');
      await shot(page, 'attempt');
      await page.setViewportSize({ width: 1366, height: 900 });

      // Submit: the summary names the unanswered and the flagged question.
      await page.getByRole('button', { name: 'Submit…' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Submit your answers?' });
      await dialog.getByText('You answered 2 of 3 questions.').waitFor();
      await dialog.getByText('Unanswered: question 3.').waitFor();
      await dialog.getByText('Flagged for later: question 2.').waitFor();
      await expectAccessible(page, 'submit dialog', { alsoOnPhone: true });
      await shot(page, 'submit-dialog');

      assertNothingTold(await recorder.stop(), 'before the first submission');
      await dialog.getByRole('button', { name: 'Submit my answers' }).click();
      await page.waitForURL(/\/result$/);
      await page.getByText('Not passed').first().waitFor();
      await page.getByText('Score 0 of 3; the pass mark is 60%.').waitFor();
      // score-and-wrong: each question marked, no correct answers, no feedback.
      const review = page.getByRole('region', { name: 'Review' });
      assert.equal(await review.getByText('Wrong', { exact: true }).count(), 2);
      await review.getByText('Not answered', { exact: true }).waitFor();
      assert.equal(await review.getByText('a correct answer').count(), 0);
      assert.equal(await page.getByText(SECRET).count(), 0);
      await review.getByText('(your choice)').first().waitFor();
      await expectAccessible(page, 'result with which were wrong', { alsoOnPhone: true });
      await shot(page, 'result-wrong');

      // The second attempt, answered right; its own responses tell nothing before submission.
      await page.getByRole('link', { name: 'Back to the course' }).click();
      await block.getByText('2 of 3 attempts left; your highest attempt counts.').waitFor();
      await block
        .getByRole('link', { name: 'Result of attempt 1' })
        .or(block.getByRole('link', { name: 'Review of attempt 1' }))
        .waitFor();
      const recorder2 = recordResponses(page);
      await block.getByRole('button', { name: 'Start a new attempt' }).click();
      await page.waitForURL((url) => /\/attempts\/[^/]+$/.test(url.pathname) && url.href !== attemptUrl);
      const choose = async (n: number, names: string[]) => {
        await question(page, n).waitFor();
        for (const name of names) {
          const put = nextPut(page);
          await question(page, n).getByLabel(name, { exact: true }).check();
          assert.equal((await put).status(), 200);
        }
      };
      await choose(1, ['CO2']);
      await page.getByRole('link', { name: 'Next question' }).click();
      await choose(2, ['Door A', 'Door B']);
      await page.getByRole('link', { name: 'Next question' }).click();
      await choose(3, ['False']);
      await page.getByRole('button', { name: 'Submit…' }).last().click();
      await dialog.getByText('You answered 3 of 3 questions.').waitFor();
      const before2 = (await recorder2.stop()).filter((r) => r.url.includes('/api/attempts/'));
      assertNothingTold(before2, 'the second attempt before its submission');
      await dialog.getByRole('button', { name: 'Submit my answers' }).click();
      await page.waitForURL(/\/result$/);
      await page.getByText('Passed', { exact: true }).waitFor();
      await page.getByText('Score 3 of 3; the pass mark is 60%.').waitFor();
      assert.equal(await page.getByRole('region', { name: 'Review' }).getByText('Right', { exact: true }).count(), 3);

      await page.getByRole('link', { name: 'Back to the course' }).click();
      await block.getByText('Your grade: 100%').waitFor();
      assert.equal(await block.getByRole('table', { name: 'Your attempts' }).getByRole('row').count(), 3);
      await expectAccessible(page, 'course page with attempts', { alsoOnPhone: true });
      await shot(block, 'course-test-history', page);
      await context.close();
    });

    it('two tabs answer the same question: the later answer wins and the other tab shows it', {
      timeout: 240_000,
    }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(30_000);
      const tabA = await signInPage(context, 'kim@example.org');
      await tabA.goto(`/courses/${courses.onePage}`);
      await tabA.getByRole('button', { name: 'Start the test' }).click();
      await tabA.waitForURL(/\/attempts\/[^/]+$/);
      await question(tabA, 3).waitFor();
      const tabB = await context.newPage();
      await tabB.goto(tabA.url());
      await question(tabB, 1).waitFor();

      // Tab A chooses first, but its request reaches the server after tab B's later choice.
      let releaseA = () => {};
      const held = new Promise<void>((resolve) => {
        releaseA = resolve;
      });
      await tabA.route('**/answers/**', async (route) => {
        await held;
        await route.continue();
      });
      const putA = nextPut(tabA);
      await question(tabA, 1).getByLabel('Water', { exact: true }).check();
      const putB = nextPut(tabB);
      await question(tabB, 1).getByLabel('Foam', { exact: true }).check();
      assert.equal((await putB).status(), 200);
      releaseA();
      const answeredA = await putA;
      assert.equal(((await answeredA.json()) as { applied: boolean }).applied, false);
      await tabA.unroute('**/answers/**');
      await eventually(
        async () => question(tabA, 1).getByLabel('Foam', { exact: true }).isChecked(),
        'tab A to show the later answer',
        15_000,
      );
      await question(tabA, 1).getByText('This answer was changed in another tab or on another device').waitFor();

      // Tab B changes it again; tab A shows it when the learner comes back to it.
      const putB2 = nextPut(tabB);
      await question(tabB, 1).getByLabel('CO2', { exact: true }).check();
      assert.equal((await putB2).status(), 200);
      await tabA.bringToFront();
      await tabA.evaluate(() => window.dispatchEvent(new Event('focus')));
      await eventually(
        async () => question(tabA, 1).getByLabel('CO2', { exact: true }).isChecked(),
        'tab A to show the answer from tab B',
        15_000,
      );
      await expectAccessible(tabA, 'attempt, all questions on one page', { alsoOnPhone: true });
      await shot(tabA, 'attempt-one-page');

      // Submitted from tab A: the review shows everything this test allows.
      await tabA.getByRole('button', { name: 'Submit…' }).last().click();
      await tabA.getByRole('dialog').getByRole('button', { name: 'Submit my answers' }).click();
      await tabA.waitForURL(/\/result$/);
      const review = tabA.getByRole('region', { name: 'Review' });
      await review.getByText('(your choice, a correct answer)').waitFor();
      await review.getByText(`Feedback: ${SECRET}: about CO2`).waitFor();
      await review.getByText(`${SECRET}: never water on wires`).waitFor();
      await review.getByText('Mark: 100% of this question.').waitFor();
      await expectAccessible(tabA, 'result with the full review', { alsoOnPhone: true });
      await shot(tabA, 'result-everything');
      await tabA.setViewportSize(PHONE_VIEWPORT);
      await shot(tabA, 'result-everything');
      await expectNoSidewaysScroll(tabA, 'result at 390 px');
      await context.close();
    });

    it('keeps answers while the server cannot be reached, saves them when back, and refuses them after deadline + grace', {
      timeout: 240_000,
    }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, 'noor@example.org');
      await page.goto(`/courses/${courses.onePage}`);
      await page.getByRole('button', { name: 'Start the test' }).click();
      await page.waitForURL(/\/attempts\/[^/]+$/);
      const attemptId = new URL(page.url()).pathname.split('/').pop() as string;
      await question(page, 3).waitFor();

      // Saves fail: the answer is kept in the browser, and a reload still shows it not saved yet.
      await page.route('**/answers/**', (route) => route.abort('internetdisconnected'));
      await question(page, 3).getByLabel('True', { exact: true }).check();
      await question(page, 3).getByText('Not saved yet', { exact: true }).waitFor();
      await page.reload();
      await question(page, 3).getByText('Not saved yet', { exact: true }).waitFor();
      assert.equal(await question(page, 3).getByLabel('True', { exact: true }).isChecked(), true);
      const savedAfterReload = page.waitForResponse((r) => isPut(r) && r.status() === 200, { timeout: 60_000 });
      await page.unroute('**/answers/**');
      await savedAfterReload;
      await question(page, 3).getByText('Saved', { exact: true }).waitFor();

      // The timer follows the deadline every save reports (moved here on the server), and speaks
      // at 10 minutes left, once, through the polite live region.
      const db0 = createDatabase(server.database);
      try {
        await db0
          .updateTable('quiz_attempts')
          .set({ deadline_at: Date.now() + 600_000 + 3_000 })
          .where('id', '=', attemptId)
          .execute();
      } finally {
        await db0.destroy();
      }
      const flagged = nextPut(page);
      await question(page, 1).getByRole('button', { name: 'Flag for later' }).click();
      assert.equal((await flagged).status(), 200);
      await page.getByRole('timer', { name: /^(10 minutes|9 minutes \d+ seconds) left$/ }).waitFor();
      await page.locator('[aria-live="polite"]').getByText('10 minutes left in the test.', { exact: true }).waitFor();

      // Offline: three answers wait, "not saved yet"; back online, all three are saved.
      await context.setOffline(true);
      await question(page, 1).getByLabel('CO2', { exact: true }).check();
      await question(page, 2).getByLabel('Door A', { exact: true }).check();
      await question(page, 3).getByLabel('False', { exact: true }).check();
      for (const n of [1, 2, 3]) await question(page, n).getByText('Not saved yet', { exact: true }).waitFor();
      await page.getByText('3 answers not saved yet: sent when the connection is back.').waitFor();
      await page.getByRole('button', { name: 'Question 2, answered, not saved yet' }).waitFor();
      await expectAccessible(page, 'attempt with answers not saved yet');
      await shot(page, 'attempt-offline');
      const saves: Promise<Response>[] = [];
      const three = new Promise<void>((resolve) => {
        page.on('response', (r) => {
          if (isPut(r) && r.status() === 200) saves.push(Promise.resolve(r));
          if (saves.length === 3) resolve();
        });
      });
      await context.setOffline(false);
      await three;
      for (const n of [1, 2, 3]) await question(page, n).getByText('Saved', { exact: true }).waitFor();
      const learner = await signIn(server.url, 'noor@example.org', TEST_PASSWORD);
      const held = ((await learner.request('GET', `/api/attempts/${attemptId}`)).json() as { attempt: AttemptView })
        .attempt;
      assert.equal(Object.values(held.responses).filter((r) => r.answerIds.length > 0).length, 3);

      // Offline again; meanwhile the deadline passes (moved on the server) and the grace too.
      await context.setOffline(true);
      await question(page, 1).getByLabel('Water', { exact: true }).check();
      await question(page, 2).getByLabel('Door B', { exact: true }).check();
      await question(page, 1).getByText('Not saved yet', { exact: true }).waitFor();
      const db = createDatabase(server.database);
      try {
        await db
          .updateTable('quiz_attempts')
          .set({ deadline_at: Date.now() - 10_000 })
          .where('id', '=', attemptId)
          .execute();
      } finally {
        await db.destroy();
      }
      const refused = page.waitForResponse((r) => isPut(r) && r.status() === 409);
      await context.setOffline(false);
      assert.equal(((await (await refused).json()) as { error: string }).error, 'attempt_time_over');
      for (const n of [1, 2]) {
        await question(page, n)
          .getByRole('alert')
          .getByText(new RegExp(`^Time ran out at .* UTC, so your answer to question ${n} was not saved\\.$`))
          .waitFor();
      }
      await page.getByText('This attempt has been submitted').waitFor();
      await expectAccessible(page, 'attempt with refused answers', { alsoOnPhone: true });
      await shot(page, 'attempt-refused');
      await context.close();
    });

    it('when the time is up, the page locks the answers and submits what the server saved', {
      timeout: 180_000,
    }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, 'sam@example.org');
      await page.goto(`/courses/${courses.perPage}`);
      await page.getByRole('button', { name: 'Start the test' }).click();
      await page.waitForURL(/\/attempts\/[^/]+$/);
      const attemptId = new URL(page.url()).pathname.split('/').pop() as string;
      await question(page, 1).waitFor();
      // The deadline comes close (moved on the server); the next save tells the page.
      const db = createDatabase(server.database);
      try {
        await db
          .updateTable('quiz_attempts')
          .set({ deadline_at: Date.now() + 5_000 })
          .where('id', '=', attemptId)
          .execute();
      } finally {
        await db.destroy();
      }
      const put = nextPut(page);
      await question(page, 1).getByLabel('CO2', { exact: true }).check();
      assert.equal((await put).status(), 200);
      await page.waitForURL(/\/result$/);
      await page
        .getByRole('status')
        .filter({ hasText: 'Your attempt was submitted with the answers the server had saved.' })
        .waitFor();
      await page.getByText('Score 1 of 3; the pass mark is 60%.').waitFor();
      await context.close();
    });
  });
}
