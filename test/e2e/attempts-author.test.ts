// The author's side of a course's test: the wizard's Test step sets every setting the server honours
// (saved in the draft); on a published course with a learner's submitted attempt (seeded through the
// API), the author finds the attempts from the course page, opens the attempt's answers, reopens it,
// grants an extra attempt and extra time (by keyboard in the dialog). axe clean at 1366 and 390 px.
// LECTERN_SCREENSHOTS=dir saves screenshots.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { SessionInfo } from '../../src/shared/accounts.ts';
import type { AttemptView } from '../../src/shared/attempts.ts';
import type { CourseAttemptsView } from '../../src/shared/attempts-admin.ts';
import type { TestSet } from '../../src/shared/quiz.ts';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { type ApiClient, eventually, signIn } from './support/api.ts';
import { expectAccessible, launchBrowser, PHONE_VIEWPORT } from './support/browser.ts';
import { publishCourse } from './support/courses.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { seedPeople, TEST_AUTHOR, TEST_LEARNER } from './support/people.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { signInPage, TEST_PASSWORD } from './support/session.ts';

const SHOTS = process.env.LECTERN_SCREENSHOTS;

/** Resizes and waits for the layout's transitions (the navigation collapsing or opening) to end. */
async function resize(page: Page, viewport: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(viewport);
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
}

/** At 1366 and 390 px: nothing wider than the window; with LECTERN_SCREENSHOTS, a screenshot of each. */
async function checkWidths(page: Page, name: string): Promise<void> {
  for (const viewport of [{ width: 1366, height: 900 }, PHONE_VIEWPORT]) {
    await resize(page, viewport);
    await expectNoSidewaysScroll(page, `${name} at ${viewport.width} px`);
    if (!SHOTS) continue;
    mkdirSync(SHOTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, `${name}-${viewport.width}.png`), fullPage: true });
  }
  await resize(page, { width: 1366, height: 900 });
}

const uuid = () => crypto.randomUUID();

/** Two single-choice questions: "Which exit?" (right: "The stairs") and "Which alarm?" (right: "The red one"). */
function testSet(): TestSet {
  const q = (text: string, right: string, wrong: string) => ({
    id: uuid(),
    kind: 'single' as const,
    text,
    image: null,
    allOrNothing: false,
    generalFeedback: '',
    answers: [
      { id: uuid(), text: right, image: null, fraction: 1, feedback: '' },
      { id: uuid(), text: wrong, image: null, fraction: 0, feedback: '' },
    ],
  });
  return {
    settings: {
      enabled: true,
      passMarkPercent: 60,
      timeLimitMinutes: 20,
      attemptsAllowed: 1,
      shuffleQuestions: false,
      shuffleAnswers: false,
      review: 'score',
      reviewWhen: 'immediately',
      gradingMethod: 'highest',
      layout: 'one-per-page',
      minutesBetweenAttempts: null,
      closesAt: null,
    },
    categories: [
      {
        id: uuid(),
        name: 'Evacuation',
        drawCount: null,
        questions: [
          q('Which exit do you take?', 'The stairs', 'The lift'),
          q('Which alarm do you press?', 'The red one', 'The blue one'),
        ],
        children: [],
      },
    ],
  };
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: the author's test settings and attempts`, () => {
    let server: RunningServer;
    let browser: Browser;
    let author: ApiClient;
    let learner: ApiClient;
    let learnerId: string;
    let courseId: string;
    let attemptId: string;

    before(async () => {
      server = await startServer(dialect);
      browser = await launchBrowser();
      ({ author } = await seedPeople(server.url));
      learner = await signIn(server.url, TEST_LEARNER.email, TEST_PASSWORD);
      learnerId = ((await learner.request('GET', '/api/auth/session')).json() as SessionInfo).user?.id ?? '';
      assert.ok(learnerId, 'the learner is signed in');

      // A published course whose test the learner took once: one right answer of two (50%, failed).
      ({ courseId } = await publishCourse(author, {
        title: 'Fire safety',
        shortDescription: 'What to do.',
        test: testSet(),
      }));
      assert.equal((await learner.request('POST', `/api/courses/${courseId}/enrolment`)).status, 200);
      const started = await learner.request('POST', `/api/courses/${courseId}/attempts`);
      assert.equal(started.status, 201, started.text);
      const attempt = (started.json() as { attempt: AttemptView }).attempt;
      attemptId = attempt.id;
      const [first, second] = attempt.questions;
      for (const [q, answerIndex] of [
        [first, 0],
        [second, 1],
      ] as const) {
        const put = await learner.request('PUT', `/api/attempts/${attemptId}/answers/${q?.id}`, {
          sequence: 1,
          answerIds: [q?.answers[answerIndex]?.id],
        });
        assert.equal(put.status, 200, put.text);
      }
      assert.equal((await learner.request('POST', `/api/attempts/${attemptId}/submit`)).status, 200);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('sees the attempt, its answers; reopens it, grants an extra attempt and extra time', {
      timeout: 300_000,
    }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, TEST_AUTHOR.email);
      await page.goto(`/courses/${courseId}`);
      await page.getByRole('heading', { name: 'Fire safety', level: 1 }).waitFor();
      await page
        .getByRole('table', { name: 'Learners' })
        .getByRole('row', { name: /Lin Learner/ })
        .getByText('50% · not passed')
        .waitFor();
      await expectAccessible(page, 'the course page with its learners and their test grades', { alsoOnPhone: true });
      await checkWidths(page, 'course-learners');
      await page.getByRole('link', { name: /Test attempts/ }).click();

      await page.getByRole('heading', { name: 'Test attempts: Fire safety', level: 1 }).waitFor();
      const learnerCard = page.getByRole('region', { name: 'Lin Learner' });
      const row = learnerCard.getByRole('row', { name: /Attempt 1/ });
      await row.getByText('50% · failed').waitFor();
      await row.getByText('Submitted', { exact: true }).waitFor();
      await learnerCard.getByText('No extra time or attempts.').waitFor();
      await expectAccessible(page, 'the course’s test attempts', { alsoOnPhone: true });
      await checkWidths(page, 'attempts-list');

      // The attempt's answers: what was chosen, the right answers, each question's grade.
      await row.getByRole('link', { name: 'Attempt 1 of Lin Learner: see the answers' }).click();
      await page.getByRole('heading', { name: 'Attempt 1 of Lin Learner', level: 1 }).waitFor();
      const q1 = page.getByRole('article', { name: 'Question 1' });
      await q1.getByText('Right', { exact: true }).waitFor();
      await q1.getByText('1 of 1 mark').waitFor();
      const q2 = page.getByRole('article', { name: 'Question 2' });
      await q2.getByText('Wrong', { exact: true }).waitFor();
      assert.match((await q2.textContent()) ?? '', /The blue one\s*Chosen/);
      assert.match((await q2.textContent()) ?? '', /The red one\s*Right answer/);
      await page.getByText(/Score: 1 of 2 marks/).waitFor();
      await expectAccessible(page, 'one attempt’s answers', { alsoOnPhone: true });
      await checkWidths(page, 'attempt-answers');
      await page.getByRole('link', { name: 'Back to the test attempts' }).click();

      // Reopen, by keyboard: the attempt is open again and the learner resumes it.
      const reopen = page.getByRole('button', { name: 'Reopen attempt 1 of Lin Learner' });
      await reopen.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Attempt 1 of Lin Learner is open again.' }).waitFor();
      await row.getByText('In progress').waitFor();
      const resumed = (await learner.request('POST', `/api/courses/${courseId}/attempts`)).json() as {
        attempt: AttemptView;
      };
      assert.equal(resumed.attempt.id, attemptId);
      assert.equal(resumed.attempt.state, 'open');
      assert.equal((await learner.request('POST', `/api/attempts/${attemptId}/submit`)).status, 200);

      // An extra attempt.
      await learnerCard.getByRole('button', { name: 'Grant Lin Learner an extra attempt' }).click();
      await page.getByRole('status').filter({ hasText: 'Lin Learner has 1 extra attempt.' }).waitFor();
      await learnerCard.getByText('1 extra attempt').waitFor();

      // Extra time in a dialog, by keyboard.
      await learnerCard.getByRole('button', { name: 'Give Lin Learner extra time' }).click();
      const dialog = page.getByRole('dialog', { name: 'Extra time for Lin Learner' });
      await dialog.waitFor();
      await expectAccessible(page, 'the extra time dialog', { alsoOnPhone: true });
      await checkWidths(page, 'extra-time-dialog');
      const multiplier = dialog.getByRole('textbox', { name: 'Time limit multiplied by' });
      assert.equal(
        await multiplier.evaluate((el) => document.activeElement === el),
        true,
        'the dialog opens on its first field',
      );
      await multiplier.fill('1.5');
      await page.keyboard.press('Tab');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('10');
      assert.equal(await dialog.getByRole('textbox', { name: 'Extra minutes' }).inputValue(), '10');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      await learnerCard.getByText('Extra time: × 1.5 + 10 min · 1 extra attempt').waitFor();
      const allowance = await learner.request('GET', `/api/courses/${courseId}/test`);
      assert.equal((allowance.json() as { test: { yourTimeLimitMinutes: number } }).test.yourTimeLimitMinutes, 40);
      const list = (await author.request('GET', `/api/courses/${courseId}/attempts`)).json() as CourseAttemptsView;
      assert.deepEqual(list.allowances[learnerId], { timeMultiplier: 1.5, extraMinutes: 10, extraAttempts: 1 });
      await expectAccessible(page, 'the attempts after the changes', { alsoOnPhone: true });
      await checkWidths(page, 'attempts-after');
      await context.close();
    });

    it('sets every test setting in the wizard, saved in the draft', { timeout: 300_000 }, async () => {
      const { draft } = (await author.request('POST', '/api/drafts')).json() as { draft: { id: string } };
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, TEST_AUTHOR.email);
      await page.goto(`/drafts/${draft.id}/test`);
      await page.getByRole('heading', { name: 'Test settings' }).waitFor();
      await page.getByRole('radio', { name: 'All questions on one page' }).check();
      await page.getByRole('combobox', { name: 'Which attempt counts' }).selectOption('last');
      await page.getByRole('textbox', { name: 'Wait between attempts (minutes)' }).fill('30');
      await page.getByRole('textbox', { name: 'Attempts allowed' }).fill('3');
      await page.getByRole('radio', { name: 'After their last attempt' }).check();
      await page.getByLabel('Course closes on').fill('2031-06-30T17:00');
      await expectAccessible(page, 'the test settings', { alsoOnPhone: true });
      await checkWidths(page, 'test-settings');
      await eventually(
        async () => {
          const view = (await author.request('GET', `/api/drafts/${draft.id}`)).json() as {
            draft: { content: { test: TestSet } };
          };
          const s = view.draft.content.test.settings;
          return (
            s.layout === 'all-on-one-page' &&
            s.gradingMethod === 'last' &&
            s.minutesBetweenAttempts === 30 &&
            s.attemptsAllowed === 3 &&
            s.reviewWhen === 'after-last-attempt' &&
            s.closesAt !== null &&
            new Date(s.closesAt).getFullYear() === 2031
          );
        },
        'the settings to be saved in the draft',
        30_000,
      );
      await context.close();
    });
  });
}
