// Passing the test counts toward course completion, on both databases: the counting grade (by the
// test's grading method) against the pass mark decides, whoever submits (the learner, the deadline
// job, a reopened attempt resubmitted), and the completion is recorded once with its job.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AttemptView } from '../../shared/attempts.ts';
import { EMPTY_DRAFT_CONTENT } from '../../shared/drafts.ts';
import type { LearnerProgressView, LearningView, ProgressReportAnswer } from '../../shared/learning.ts';
import type { Question, QuizSettings } from '../../shared/quiz.ts';
import { category, question, testSet } from '../quizzes/testkit.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { waitFor } from '../testing/wait.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] passing the test completes the course`, () => {
    let app: TestApp;
    let admin: TestClient;
    let author: TestClient;
    let authorId: string;

    /** A published course with one required file (done once opened) and a three-question test, pass mark 60%. */
    async function course(settings: Partial<QuizSettings> = {}) {
      const qs = [question('single', [1, 0, 0]), question('single', [0, 1]), question('true-false', [1, 0])];
      const fileId = crypto.randomUUID();
      const id = crypto.randomUUID();
      const at = Date.now();
      const content = {
        ...EMPTY_DRAFT_CONTENT,
        basics: { ...EMPTY_DRAFT_CONTENT.basics, title: 'Ladders' },
        files: [{ assetId: fileId, title: 'The rules', description: '', required: true }],
        test: testSet([category(qs)], { passMarkPercent: 60, ...settings }),
      };
      await app.db
        .insertInto('courses')
        .values({ id, owner_id: authorId, latest_version: 1, created_at: at, updated_at: at })
        .execute();
      await app.db
        .insertInto('course_versions')
        .values({
          course_id: id,
          version: 1,
          title: 'Ladders',
          content: JSON.stringify(content),
          source_draft_id: crypto.randomUUID(),
          published_by: authorId,
          published_at: at,
        })
        .execute();
      const { client: learner, id: learnerId } = await createSignedInUser(app, admin, 'learner');
      assert.equal((await learner.post(`/api/courses/${id}/enrolment`)).statusCode, 200);
      return { id, qs, fileId, learner, learnerId };
    }

    /** Starts (or resumes) an attempt and answers the first `rightCount` questions right, the rest wrong. */
    async function answer(
      learner: TestClient,
      courseId: string,
      qs: Question[],
      rightCount: number,
    ): Promise<AttemptView> {
      const started = await learner.post(`/api/courses/${courseId}/attempts`);
      assert.ok([200, 201].includes(started.statusCode), started.body);
      const attempt = started.json().attempt as AttemptView;
      for (const [i, q] of qs.entries()) {
        const chosen = q.answers.find((a) =>
          i < rightCount ? a.fraction > 0 : a.fraction <= 0,
        ) as Question['answers'][number];
        const saved = await learner.request('PUT', `/api/attempts/${attempt.id}/answers/${q.id}`, {
          sequence: Date.now(),
          answerIds: [chosen.id],
        });
        assert.equal(saved.statusCode, 200, saved.body);
      }
      return attempt;
    }
    async function take(
      learner: TestClient,
      courseId: string,
      qs: Question[],
      rightCount: number,
    ): Promise<AttemptView> {
      const attempt = await answer(learner, courseId, qs, rightCount);
      const submitted = await learner.post(`/api/attempts/${attempt.id}/submit`);
      assert.equal(submitted.statusCode, 200, submitted.body);
      return submitted.json().attempt as AttemptView;
    }
    const progress = async (learner: TestClient, courseId: string) =>
      (await learner.get(`/api/courses/${courseId}/progress`)).json().learning as LearningView;
    const openFile = async (learner: TestClient, courseId: string, fileId: string) => {
      const r = await learner.post(`/api/courses/${courseId}/progress`, { assetId: fileId, opened: true });
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as ProgressReportAnswer;
    };
    const completions = async (courseId: string) =>
      (await app.db.selectFrom('course_completions').select('user_id').where('course_id', '=', courseId).execute())
        .length;
    /** Course-completed jobs queued for this course (whatever their state). */
    const completedJobs = async () =>
      (await app.runtime.queue.counts())
        .filter((c) => c.name === 'learning.course-completed')
        .reduce((sum, c) => sum + Object.values(c.counts).reduce((a, b) => a + b, 0), 0);

    before(async () => {
      app = await createTestApp(dialect, { ATTEMPT_GRACE_SECONDS: '1' });
      admin = await setUpAdmin(app);
      const a = await createSignedInUser(app, admin, 'author');
      author = a.client;
      authorId = a.id;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });
    after(() => app.close());

    it('a passed test with the files done completes the course once, whichever comes last', async () => {
      // Test first, then the file.
      const one = await course();
      const jobsBefore = await completedJobs();
      await take(one.learner, one.id, one.qs, 3);
      let view = await progress(one.learner, one.id);
      assert.equal(view.progress.complete, false, 'the file is not done yet');
      assert.equal(view.completedAt, null);
      const opened = await openFile(one.learner, one.id, one.fileId);
      assert.equal(opened.completedNow, true);
      assert.equal(opened.progress.complete, true);

      // The file first, then a failed attempt (not complete), then a passed one (complete).
      const two = await course({ attemptsAllowed: 3 });
      assert.equal(
        (await openFile(two.learner, two.id, two.fileId)).progress.complete,
        false,
        'the test is not passed yet',
      );
      await take(two.learner, two.id, two.qs, 1);
      view = await progress(two.learner, two.id);
      assert.equal(view.progress.complete, false, '33% is under the pass mark');
      assert.equal(view.completedAt, null);
      await take(two.learner, two.id, two.qs, 2);
      view = await progress(two.learner, two.id);
      assert.equal(view.progress.complete, true, '67% passes');
      assert.ok(view.completedAt, 'recorded when the passing attempt was submitted');
      const completedAt = view.completedAt;

      // Passing again changes nothing: recorded once, one job per completion.
      await take(two.learner, two.id, two.qs, 3);
      assert.equal((await progress(two.learner, two.id)).completedAt, completedAt);
      assert.equal(await completions(two.id), 1);
      await waitFor(
        async () => (await completedJobs()) === jobsBefore + 2,
        'one course-completed job per completion',
        30_000,
        100,
      );

      // The author's list shows the counting grade.
      const learners = (await author.get(`/api/courses/${two.id}/learners`)).json().learners as LearnerProgressView[];
      assert.deepEqual(learners[0]?.test, { percent: 100, passed: true });
      assert.ok(learners[0]?.completedAt);
    });

    it('the counting grade decides: with "last", a fail after a pass is not passed; a reopened attempt resubmitted can pass', async () => {
      const c = await course({ gradingMethod: 'last' });
      await take(c.learner, c.id, c.qs, 3);
      const failed = await take(c.learner, c.id, c.qs, 0);
      await openFile(c.learner, c.id, c.fileId);
      const view = await progress(c.learner, c.id);
      assert.equal(view.progress.filesComplete, true);
      assert.equal(view.progress.complete, false, 'the last attempt (0%) counts');
      assert.equal(await completions(c.id), 0);
      let learners = (await author.get(`/api/courses/${c.id}/learners`)).json().learners as LearnerProgressView[];
      assert.deepEqual(learners[0]?.test, { percent: 0, passed: false });

      // The author reopens the last attempt; the learner changes their answers and submits again.
      const reopened = await author.post(`/api/attempts/${failed.id}/reopen`);
      assert.equal(reopened.statusCode, 200, reopened.body);
      const again = await take(c.learner, c.id, c.qs, 3);
      assert.equal(again.id, failed.id, 'the reopened attempt was resumed');
      assert.equal(await completions(c.id), 1);
      assert.ok((await progress(c.learner, c.id)).completedAt);
      learners = (await author.get(`/api/courses/${c.id}/learners`)).json().learners as LearnerProgressView[];
      assert.deepEqual(learners[0]?.test, { percent: 100, passed: true });
    });

    it('with "average", the mean of the attempts must reach the pass mark', async () => {
      const c = await course({ gradingMethod: 'average' });
      await take(c.learner, c.id, c.qs, 3);
      await take(c.learner, c.id, c.qs, 0);
      await openFile(c.learner, c.id, c.fileId);
      assert.equal((await progress(c.learner, c.id)).progress.complete, false, 'average 50% < 60%');
      await take(c.learner, c.id, c.qs, 3);
      assert.equal((await progress(c.learner, c.id)).progress.complete, true, 'average 66.67% ≥ 60%');
    });

    it('an attempt the deadline job submits completes the course when it passes (the browser closed)', async () => {
      const c = await course({ timeLimitMinutes: 1 });
      await openFile(c.learner, c.id, c.fileId);
      const attempt = await answer(c.learner, c.id, c.qs, 3);
      // Its minute is up (it started 61 s ago); an accommodation change requeues the deadline job.
      await app.db
        .updateTable('quiz_attempts')
        .set({ started_at: Date.now() - 61_000 })
        .where('id', '=', attempt.id)
        .execute();
      const put = await author.request('PUT', `/api/courses/${c.id}/learners/${c.learnerId}/allowance`, {
        timeMultiplier: 1,
        extraMinutes: 0,
        extraAttempts: 0,
      });
      assert.equal(put.statusCode, 200, put.body);
      await waitFor(
        async () => (await completions(c.id)) === 1,
        'the job submitted the attempt and recorded completion',
        30_000,
        100,
      );
      const row = await app.db
        .selectFrom('quiz_attempts')
        .selectAll()
        .where('id', '=', attempt.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.submitted_by, 'deadline');
      assert.equal(row.percent, 100);
    });

    it('a course close date caps the deadline and refuses new attempts after it', async () => {
      const closesAt = new Date(Date.now() + 5 * 60_000).toISOString();
      const c = await course({ timeLimitMinutes: 60, closesAt });
      const started = await c.learner.post(`/api/courses/${c.id}/attempts`);
      assert.equal(started.statusCode, 201, started.body);
      assert.equal(
        (started.json().attempt as AttemptView).deadline,
        closesAt,
        'the close date, not start + 60 minutes',
      );
      const overview = (await c.learner.get(`/api/courses/${c.id}/test`)).json().test;
      assert.equal(overview.closesAt, closesAt);

      const closed = await course({ closesAt: new Date(Date.now() - 60_000).toISOString() });
      const refused = await closed.learner.post(`/api/courses/${closed.id}/attempts`);
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json().error, 'test_closed');
      assert.match(refused.json().message, /closed on/);
    });
  });
}
