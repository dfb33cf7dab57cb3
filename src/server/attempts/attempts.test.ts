// Taking a test over HTTP, on both databases: start and resume, answers by sequence number, the
// deadline (refusals after deadline + grace, the job that submits), what a learner's responses
// carry before and after submission, and the author's side.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AttemptView, SaveAnswerResult, TestOverview } from '../../shared/attempts.ts';
import type { Question, QuizSettings } from '../../shared/quiz.ts';
import { category, question, testSet } from '../quizzes/testkit.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { insertPublishedCourse } from '../testing/factories.ts';
import { waitFor } from '../testing/wait.ts';

const SECRET = 'SECRET';

/** Three questions whose feedback texts all contain SECRET, so a leak shows in the raw body. */
function questions(): Question[] {
  const withFeedback = (q: Question): Question => ({
    ...q,
    generalFeedback: `${SECRET} general`,
    answers: q.answers.map((a, i) => ({ ...a, feedback: `${SECRET} answer ${i}` })),
  });
  return [
    withFeedback(question('single', [1, 0, 0])),
    withFeedback(question('multiple', [0.5, 0.5, -1])),
    withFeedback(question('true-false', [1, 0])),
  ];
}

/** Keys that tell correctness, marks or feedback; a learner must not get them before submitting. */
const TELLING_KEYS = new Set([
  'fraction',
  'feedback',
  'generalFeedback',
  'answerFeedback',
  'correctAnswerIds',
  'mark',
  'outcome',
  'allOrNothing',
  'score',
  'percent',
  'passed',
  'grade',
]);

function tellingKeys(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => tellingKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(TELLING_KEYS.has(k) && v !== null ? [`${path}.${k}`] : []),
    // The review *setting* (a word) is one of the rules; a review or result object is not.
    ...((k === 'result' || k === 'review') && v !== null && typeof v === 'object' ? [`${path}.${k}`] : []),
    ...tellingKeys(v, `${path}.${k}`),
  ]);
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] taking a test`, () => {
    let app: TestApp;
    let admin: TestClient;
    let author: TestClient;
    let authorId: string;
    let otherAuthor: TestClient;
    let learner: TestClient;
    let learnerId: string;
    let otherLearner: TestClient;

    /** A published course with a three-question test, the learner enrolled. */
    async function course(settings: Partial<QuizSettings> = {}, enrol: TestClient[] = [learner]) {
      const qs = questions();
      const set = testSet([category(qs)], { passMarkPercent: 60, shuffleAnswers: true, ...settings });
      const { id } = await insertPublishedCourse(app.db, { ownerId: authorId, title: 'Fire safety', test: set });
      for (const client of enrol) assert.equal((await client.post(`/api/courses/${id}/enrolment`)).statusCode, 200);
      return { id, qs };
    }

    const start = async (client: TestClient, courseId: string) => {
      const response = await client.post(`/api/courses/${courseId}/attempts`);
      assert.ok([200, 201].includes(response.statusCode), response.body);
      return { status: response.statusCode, attempt: response.json().attempt as AttemptView, body: response.body };
    };
    const save = (client: TestClient, attemptId: string, questionId: string, body: object) =>
      client.request('PUT', `/api/attempts/${attemptId}/answers/${questionId}`, body);
    /** Right answers (by the author's fractions) for question i. */
    const right = (qs: Question[], i: number) => (qs[i] as Question).answers.filter((a) => a.fraction > 0).map((a) => a.id);
    const wrong = (qs: Question[], i: number) => [(qs[i] as Question).answers.find((a) => a.fraction <= 0)?.id as string];

    before(async () => {
      app = await createTestApp(dialect, { ATTEMPT_GRACE_SECONDS: '1' });
      admin = await setUpAdmin(app);
      const a = await createSignedInUser(app, admin, 'author');
      author = a.client;
      authorId = a.id;
      otherAuthor = (await createSignedInUser(app, admin, 'author')).client;
      const l = await createSignedInUser(app, admin, 'learner');
      learner = l.client;
      learnerId = l.id;
      otherLearner = (await createSignedInUser(app, admin, 'learner')).client;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });
    after(() => app.close());

    it('starts an attempt and resumes the same layout and answers; one open attempt per learner', async () => {
      const { id, qs } = await course({ shuffleQuestions: true });
      const first = await start(learner, id);
      assert.equal(first.status, 201);
      assert.equal(first.attempt.state, 'open');
      assert.equal(first.attempt.questions.length, 3);
      const q = first.attempt.questions[1] as AttemptView['questions'][number];
      const chosen = q.kind === 'multiple' ? right(qs, qs.findIndex((x) => x.id === q.id)) : [q.answers[0]?.id as string];
      const saved = await save(learner, first.attempt.id, q.id, { sequence: 1, answerIds: chosen, flagged: true });
      assert.equal(saved.statusCode, 200, saved.body);

      const again = await start(learner, id);
      assert.equal(again.status, 200, 'resumed, not a second attempt');
      assert.equal(again.attempt.id, first.attempt.id);
      assert.deepEqual(again.attempt.questions, first.attempt.questions, 'same questions, same answer order');
      assert.deepEqual(again.attempt.responses[q.id]?.answerIds, chosen);
      assert.equal(again.attempt.responses[q.id]?.flagged, true);
      const fetched = (await learner.get(`/api/attempts/${first.attempt.id}`)).json().attempt as AttemptView;
      assert.deepEqual(fetched.questions, first.attempt.questions);

      // Two starts at once (two tabs) still give one open attempt.
      await learner.post(`/api/attempts/${first.attempt.id}/submit`);
      const [x, y] = await Promise.all([start(learner, id), start(learner, id)]);
      assert.equal(x.attempt.id, y.attempt.id);
      assert.equal(x.attempt.number, 2);
      const overview = (await learner.get(`/api/courses/${id}/test`)).json().test as TestOverview;
      assert.equal(overview.attempts.length, 2);
      assert.equal(overview.openAttemptId, x.attempt.id);
    });

    it('keeps the later answer when two saves of one question arrive out of order', async () => {
      const { id, qs } = await course();
      const { attempt } = await start(learner, id);
      const q = qs[0] as Question;
      const newer = await save(learner, attempt.id, q.id, { sequence: 20, answerIds: [q.answers[1]?.id] });
      assert.equal(newer.statusCode, 200, newer.body);
      assert.equal((newer.json() as SaveAnswerResult).applied, true);
      const older = await save(learner, attempt.id, q.id, { sequence: 10, answerIds: [q.answers[2]?.id] });
      assert.equal(older.statusCode, 200, older.body);
      const result = older.json() as SaveAnswerResult;
      assert.equal(result.applied, false);
      assert.deepEqual(result.response.answerIds, [q.answers[1]?.id], 'the answer the other tab must show');
      assert.equal(result.response.sequence, 20);
      const view = (await learner.get(`/api/attempts/${attempt.id}`)).json().attempt as AttemptView;
      assert.deepEqual(view.responses[q.id]?.answerIds, [q.answers[1]?.id]);
      assert.ok(result.serverNow && 'deadline' in result);

      // Wrong shapes are refused and say why.
      const several = await save(learner, attempt.id, q.id, { sequence: 30, answerIds: right(qs, 1) });
      assert.equal(several.statusCode, 400);
      assert.equal((await save(learner, attempt.id, crypto.randomUUID(), { sequence: 1, answerIds: [] })).statusCode, 404);
      assert.equal((await save(otherLearner, attempt.id, q.id, { sequence: 99, answerIds: [] })).statusCode, 404, 'not their attempt');
    });

    it('refuses a save after deadline + grace with a clear message, accepts it within the grace', async () => {
      const { id, qs } = await course({ timeLimitMinutes: 10 });
      const { attempt } = await start(learner, id);
      assert.ok(attempt.deadline);
      const q = qs[0] as Question;
      await app.db.updateTable('quiz_attempts').set({ deadline_at: Date.now() - 100 }).where('id', '=', attempt.id).execute();
      const inGrace = await save(learner, attempt.id, q.id, { sequence: 1, answerIds: right(qs, 0) });
      assert.equal(inGrace.statusCode, 200, 'within the 1 s grace');
      const deadline = Date.now() - 5_000;
      await app.db.updateTable('quiz_attempts').set({ deadline_at: deadline }).where('id', '=', attempt.id).execute();
      const late = await save(learner, attempt.id, q.id, { sequence: 2, answerIds: wrong(qs, 0) });
      assert.equal(late.statusCode, 409, late.body);
      assert.equal(late.json().error, 'attempt_time_over');
      assert.equal(
        late.json().message,
        `Time ran out at ${new Date(deadline).toISOString().slice(11, 19)} UTC, so your answer to question 1 was not saved.`,
      );
      // Reading it submits it with the acknowledged answer; later saves are refused as submitted.
      const view = (await learner.get(`/api/attempts/${attempt.id}`)).json().attempt as AttemptView;
      assert.equal(view.state, 'submitted');
      assert.equal(view.submittedBy, 'deadline');
      assert.equal(view.result?.score, 1);
      const afterSubmit = await save(learner, attempt.id, q.id, { sequence: 3, answerIds: [] });
      assert.equal(afterSubmit.json().error, 'attempt_submitted');
    });

    it('sends no correctness, mark or feedback to a learner before submission', async () => {
      const { id, qs } = await course({ review: 'everything', timeLimitMinutes: 30 });
      const bodies: string[] = [];
      const record = async (response: Promise<{ body: string }>) => {
        const r = await response;
        bodies.push(r.body);
        return r;
      };
      await record(learner.get(`/api/courses/${id}/test`));
      const started = await record(learner.post(`/api/courses/${id}/attempts`));
      const attempt = JSON.parse(started.body).attempt as AttemptView;
      await record(learner.post(`/api/courses/${id}/attempts`));
      for (const [i, q] of qs.entries()) {
        await record(save(learner, attempt.id, q.id, { sequence: 1, answerIds: right(qs, i) }));
        await record(save(learner, attempt.id, q.id, { sequence: 0, answerIds: wrong(qs, i) }));
      }
      await record(save(learner, attempt.id, (qs[0] as Question).id, { sequence: 5, answerIds: right(qs, 1) }));
      await record(learner.get(`/api/attempts/${attempt.id}`));
      await record(learner.get(`/api/courses/${id}/test`));
      await record(learner.get(`/api/courses/${id}/versions/1`));
      await record(learner.get(`/api/courses/${id}`));
      for (const body of bodies) {
        assert.ok(!body.includes(SECRET), `feedback leaked: ${body.slice(0, 300)}`);
        assert.deepEqual(tellingKeys(JSON.parse(body)), [], body.slice(0, 500));
      }
      // After submission the review may show them (here: everything, immediately).
      const submitted = (await learner.post(`/api/attempts/${attempt.id}/submit`)).json().attempt as AttemptView;
      assert.equal(submitted.result?.percent, 100);
      assert.ok(JSON.stringify(submitted).includes(SECRET));
    });

    it('shapes the review after submission by the test’s review setting', async () => {
      const seen = async (settings: Partial<QuizSettings>) => {
        const { id, qs } = await course(settings);
        const { attempt } = await start(learner, id);
        await save(learner, attempt.id, (qs[0] as Question).id, { sequence: 1, answerIds: right(qs, 0) });
        await save(learner, attempt.id, (qs[1] as Question).id, { sequence: 1, answerIds: wrong(qs, 1) });
        const view = (await learner.post(`/api/attempts/${attempt.id}/submit`)).json().attempt as AttemptView;
        const again = (await learner.get(`/api/attempts/${attempt.id}`)).json().attempt as AttemptView;
        assert.deepEqual(again.result, view.result);
        assert.deepEqual(again.review, view.review);
        return { view, qs, id };
      };

      const nothing = (await seen({ review: 'nothing' })).view;
      assert.equal(nothing.state, 'submitted');
      assert.equal(nothing.result, null);
      assert.deepEqual(nothing.review?.questions, []);

      const score = (await seen({ review: 'score' })).view;
      assert.deepEqual(score.result, { score: 1, maxScore: 3, percent: 33.33, passed: false });
      assert.deepEqual(score.review?.questions, []);

      const wrongOnes = await seen({ review: 'score-and-wrong' });
      const outcomes = Object.fromEntries(wrongOnes.view.review?.questions.map((q) => [q.questionId, q]) ?? []);
      const [q0, q1, q2] = wrongOnes.qs as [Question, Question, Question];
      assert.deepEqual(outcomes[q0.id], { questionId: q0.id, outcome: 'right' });
      assert.deepEqual(outcomes[q1.id], { questionId: q1.id, outcome: 'wrong' });
      assert.deepEqual(outcomes[q2.id], { questionId: q2.id, outcome: 'unanswered' });
      assert.ok(!JSON.stringify(wrongOnes.view).includes(SECRET));

      const correct = await seen({ review: 'score-and-correct-answers' });
      const c1 = correct.view.review?.questions.find((q) => q.questionId === correct.qs[1]?.id);
      assert.deepEqual(c1?.correctAnswerIds?.sort(), right(correct.qs, 1).sort());
      assert.equal(c1?.mark, undefined);
      assert.ok(!JSON.stringify(correct.view).includes(SECRET));

      const everything = await seen({ review: 'everything' });
      const e1 = everything.view.review?.questions.find((q) => q.questionId === everything.qs[1]?.id);
      assert.equal(e1?.mark, 0);
      assert.equal(e1?.generalFeedback, `${SECRET} general`);
      assert.equal(e1?.answerFeedback?.length, 1, 'the feedback of the chosen answer');

      // After the last attempt: nothing until no attempt is left.
      const last = await seen({ review: 'score', reviewWhen: 'after-last-attempt', attemptsAllowed: 2 });
      assert.equal(last.view.result, null);
      assert.equal(last.view.review?.open, false);
      const second = await start(learner, last.id);
      const done = (await learner.post(`/api/attempts/${second.attempt.id}/submit`)).json().attempt as AttemptView;
      assert.equal(done.review?.open, true);
      assert.equal(done.result?.percent, 0);
      const overview = (await learner.get(`/api/courses/${last.id}/test`)).json().test as TestOverview;
      assert.equal(overview.attemptsLeft, 0);
      assert.deepEqual(overview.grade, { percent: 33.33, passed: false }, 'highest counts');
      assert.equal((await learner.post(`/api/courses/${last.id}/attempts`)).json().error, 'no_attempts_left');

      // After the deadline: closed while the attempt's time runs.
      const timed = await seen({ review: 'score', reviewWhen: 'after-deadline', timeLimitMinutes: 30 });
      assert.equal(timed.view.result, null);
      assert.ok(timed.view.review?.opensAt);
    });

    it('the deadline job submits and grades an attempt left open', async () => {
      const { id, qs } = await course({ timeLimitMinutes: 1 });
      const { attempt } = await start(learner, id);
      const q = qs[0] as Question;
      assert.equal((await save(learner, attempt.id, q.id, { sequence: 1, answerIds: right(qs, 0) })).statusCode, 200);
      // Its minute is up: the attempt started 61 s ago. An accommodation change recomputes the
      // deadline from the start and queues the job for deadline + grace, as starting does.
      await app.db.updateTable('quiz_attempts').set({ started_at: Date.now() - 61_000 }).where('id', '=', attempt.id).execute();
      const put = await author.request('PUT', `/api/courses/${id}/learners/${learnerId}/allowance`, {
        timeMultiplier: 1,
        extraMinutes: 0,
        extraAttempts: 0,
      });
      assert.equal(put.statusCode, 200, put.body);
      await waitFor(
        async () => (await app.db.selectFrom('quiz_attempts').select('state').where('id', '=', attempt.id).executeTakeFirst())?.state === 'submitted',
        'the job submitted the attempt',
        30_000,
        200,
      );
      const row = await app.db.selectFrom('quiz_attempts').selectAll().where('id', '=', attempt.id).executeTakeFirstOrThrow();
      assert.equal(row.submitted_by, 'deadline');
      assert.equal(row.score, 1);
      assert.equal(row.percent, 33.33);
    });

    it('authors see attempts of their course, reopen one, grant an extra attempt and extra time', async () => {
      const { id, qs } = await course({ attemptsAllowed: 1, timeLimitMinutes: 20 });
      const { attempt } = await start(learner, id);
      await save(learner, attempt.id, (qs[0] as Question).id, { sequence: 1, answerIds: right(qs, 0) });
      await learner.post(`/api/attempts/${attempt.id}/submit`);
      assert.equal((await learner.post(`/api/courses/${id}/attempts`)).statusCode, 409);

      const list = await author.get(`/api/courses/${id}/attempts`);
      assert.equal(list.statusCode, 200, list.body);
      const [row] = list.json().attempts;
      assert.equal(row.id, attempt.id);
      assert.equal(row.percent, 33.33);
      assert.equal(typeof row.timeTakenSeconds, 'number');
      assert.equal((await otherAuthor.get(`/api/courses/${id}/attempts`)).statusCode, 404);
      assert.equal((await admin.get(`/api/courses/${id}/attempts`)).statusCode, 200);
      const detail = (await author.get(`/api/attempts/${attempt.id}`)).json();
      assert.equal(detail.learner.id, learnerId);
      assert.equal(detail.attempt.review.questions.length, 3, 'authors see everything');
      assert.equal((await otherLearner.get(`/api/attempts/${attempt.id}`)).statusCode, 404);
      assert.equal((await otherAuthor.get(`/api/attempts/${attempt.id}`)).statusCode, 404);

      // Extra time: the open attempt's deadline moves.
      const extra = await author.post(`/api/courses/${id}/learners/${learnerId}/extra-attempts`);
      assert.equal(extra.statusCode, 200, extra.body);
      assert.equal(extra.json().allowance.extraAttempts, 1);
      const second = await start(learner, id);
      assert.equal(second.attempt.number, 2);
      const before = Date.parse(second.attempt.deadline as string);
      await author.request('PUT', `/api/courses/${id}/learners/${learnerId}/allowance`, { timeMultiplier: 1.5, extraMinutes: 0, extraAttempts: 1 });
      const moved = (await learner.get(`/api/attempts/${second.attempt.id}`)).json().attempt as AttemptView;
      assert.equal(Date.parse(moved.deadline as string) - before, 10 * 60_000);
      const overview = (await learner.get(`/api/courses/${id}/test`)).json().test as TestOverview;
      assert.equal(overview.yourTimeLimitMinutes, 30);

      // Reopen: refused while another is open, then the answers are back and can change.
      assert.equal((await author.post(`/api/attempts/${attempt.id}/reopen`)).statusCode, 409);
      await learner.post(`/api/attempts/${second.attempt.id}/submit`);
      const reopened = await author.post(`/api/attempts/${attempt.id}/reopen`);
      assert.equal(reopened.statusCode, 200, reopened.body);
      assert.equal(reopened.json().attempt.state, 'open');
      const resumed = await start(learner, id);
      assert.equal(resumed.attempt.id, attempt.id);
      assert.deepEqual(resumed.attempt.responses[(qs[0] as Question).id]?.answerIds, right(qs, 0));
      assert.equal(resumed.attempt.result, null);
      assert.equal((await learner.post(`/api/attempts/${attempt.id}/reopen`)).statusCode, 403);
    });

    it('refuses learners who are not enrolled and courses without a test', async () => {
      const { id } = await course({}, []);
      const refused = await learner.post(`/api/courses/${id}/attempts`);
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json().error, 'not_enrolled');
      const off = await course({ enabled: false });
      assert.equal((await learner.post(`/api/courses/${off.id}/attempts`)).json().error, 'no_test');
      assert.equal((await learner.post(`/api/courses/${crypto.randomUUID()}/attempts`)).statusCode, 404);
    });
  });
}
