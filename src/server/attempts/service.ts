// Taking a course's test: starting (or resuming) the one open attempt, saving answers one by one
// (each committed before it is acknowledged), submitting and grading, the deadline job, what a
// learner may see, and the author's side (attempts per course, reopen, extra attempts, extra time).
// The rules themselves are the pure functions of src/shared/attempts.ts and quiz-grading.ts.
import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type Allowance,
  type AttemptLayout,
  type AttemptView,
  acceptsUntil,
  allowanceSchema,
  attemptDeadline,
  attemptsLeft,
  decideSave,
  drawLayout,
  NO_ALLOWANCE,
  nextStartAt,
  questionsPerAttempt,
  reviewVisibility,
  type SaveAnswerResult,
  seenCounts,
  type TestOverview,
  testOverviewSchema,
  testResult,
} from '../../shared/attempts.ts';
import type { AuthorAttemptView, CourseAttemptRow, CourseAttemptsView } from '../../shared/attempts-admin.ts';
import { allQuestions, type Question, type TestSet } from '../../shared/quiz.ts';
import { gradeAttempt } from '../../shared/quiz-grading.ts';
import { parseContent } from '../courses/service.ts';
import { createGroupCommit } from '../db/group-commit.ts';
import type { DB } from '../db/types.ts';
import { conflict, DomainError, type DomainErrorKind, notFound } from '../errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { mayManage as mayManageCourse } from '../policies.ts';
import type { UserRow } from '../users/repository.ts';
import { FULL_VISIBILITY, parseLayout, presentAttempt, presentSummary } from './presenter.ts';
import type { AllowanceRow, AnswerRow, AttemptBrief, AttemptRow, AttemptsRepository } from './repository.ts';

const COURSE_LIST_LIMIT = 1000;
/** Published versions never change, so their parsed test sets can be kept. */
const TEST_CACHE_SIZE = 200;
/** Parsed layouts of attempts being answered (about 5 kB each). */
const LAYOUT_CACHE_SIZE = 5_000;

export type { AuthorAttemptView, CourseAttemptRow };

const noSuchAttempt = () => notFound('No such attempt.');
/** The course's close date (epoch ms), or null. */
const closesAtOf = (testSet: TestSet): number | null =>
  testSet.settings.closesAt === null ? null : Date.parse(testSet.settings.closesAt);
/** The kind of error each refusal of a save stands for. */
const SAVE_REFUSAL_KINDS: Record<400 | 404 | 409, DomainErrorKind> = { 400: 'invalid', 404: 'not_found', 409: 'conflict' };

export function createAttemptsService(deps: {
  db: Kysely<DB>;
  attempts: AttemptsRepository;
  queue: Pick<JobQueue, 'enqueue'>;
  graceMs: number;
  /** Told after each submission: passing the test may complete the course (learning records it once). */
  completion?: { testSubmitted(attempt: { userId: string; courseId: string; version: number }): Promise<unknown> };
  /** Answer saves arriving together share one transaction and its commit (SQLite: db/group-commit.ts). */
  groupCommit?: boolean;
  now?: () => number;
}) {
  const { db, attempts: repo, graceMs } = deps;
  const now = deps.now ?? Date.now;
  const tests = new Map<string, { testSet: TestSet; byId: Map<string, Question> }>();
  const layouts = new Map<string, AttemptLayout>();
  // A refused save throws before it writes anything, so it may share a group with others.
  const saves = deps.groupCommit ? createGroupCommit(db, (err) => err instanceof DomainError) : undefined;

  async function testOf(courseId: string, version: number) {
    const key = `${courseId}:${version}`;
    const cached = tests.get(key);
    if (cached) return cached;
    const content = await repo.versionContent(courseId, version);
    if (content === undefined) throw notFound('No such course version.');
    const testSet = parseContent(content).test;
    const entry = { testSet, byId: new Map(allQuestions(testSet.categories).map((q) => [q.id, q])) };
    if (tests.size >= TEST_CACHE_SIZE) tests.delete(tests.keys().next().value as string);
    tests.set(key, entry);
    return entry;
  }

  async function allowanceOf(userId: string, courseId: string, trx: Kysely<DB> = db): Promise<Allowance> {
    const row = await repo.allowance(userId, courseId, trx);
    return row
      ? { timeMultiplier: row.time_multiplier, extraMinutes: row.extra_minutes, extraAttempts: row.extra_attempts }
      : NO_ALLOWANCE;
  }

  /** Queues the job that submits the attempt at deadline + grace (one per deadline it had). */
  async function scheduleDeadline(row: Pick<AttemptRow, 'id' | 'deadline_at'>, trx: Kysely<DB>): Promise<void> {
    const due = acceptsUntil(row.deadline_at, graceMs);
    if (due === null) return;
    await deps.queue.enqueue(
      'attempts.submit-overdue',
      { attemptId: row.id },
      { runAt: new Date(due), singletonKey: `${row.id}:${row.deadline_at}`, trx },
    );
  }

  /**
   * An attempt's layout, parsed once: it is fixed when the attempt starts (a reopened attempt keeps
   * it), so each answer save need not read and parse it again.
   */
  async function layoutOf(attemptId: string, trx: Kysely<DB>): Promise<AttemptLayout> {
    const cached = layouts.get(attemptId);
    if (cached) return cached;
    const text = await repo.layoutText(attemptId, trx);
    if (text === undefined) throw noSuchAttempt();
    return remember(attemptId, parseLayout({ layout: text }));
  }

  /** The layout of a row read with it: parsed once per attempt, as layoutOf. */
  function layoutOfRow(row: Pick<AttemptRow, 'id' | 'layout'>): AttemptLayout {
    return layouts.get(row.id) ?? remember(row.id, parseLayout(row));
  }

  function remember(attemptId: string, layout: AttemptLayout): AttemptLayout {
    if (layouts.size >= LAYOUT_CACHE_SIZE) layouts.delete(layouts.keys().next().value as string);
    layouts.set(attemptId, layout);
    return layout;
  }

  const overdue = (row: Pick<AttemptRow, 'state' | 'deadline_at'>, at = now()) => {
    const due = acceptsUntil(row.deadline_at, graceMs);
    return row.state === 'open' && due !== null && at > due;
  };

  /** The course's author or an administrator (policies.mayManage) sees and manages its attempts. */
  async function mayManage(user: UserRow, courseId: string): Promise<boolean> {
    const ownerId = await repo.courseOwner(courseId);
    return ownerId !== undefined && ownerId !== null && mayManageCourse(user, { ownerId });
  }

  async function requireManager(user: UserRow, courseId: string): Promise<void> {
    if (!(await repo.courseOwner(courseId)) || !(await mayManage(user, courseId))) {
      throw notFound('No such course.');
    }
  }

  /**
   * Submits and grades an attempt with every acknowledged answer. Idempotent: a submitted attempt
   * is returned as it is. `by: 'deadline'` does nothing before deadline + grace (the deadline moved).
   */
  async function submitRow(
    id: string,
    by: 'learner' | 'deadline',
    userId?: string,
  ): Promise<{ row: AttemptRow; answers?: AnswerRow[] } | undefined> {
    // Read before the transaction: on SQLite a query outside it would wait for it forever.
    const found = await repo.versionOf(id);
    if (!found) return undefined;
    const { testSet, byId } = await testOf(found.course_id, found.version);
    let submittedNow = false;
    const result = await db.transaction().execute(async (trx) => {
      const at = now();
      const row = userId ? await repo.lockOwn(id, userId, at, trx) : await repo.lock(id, at, trx);
      if (!row || row.state === 'submitted') return row && { row };
      if (by === 'deadline' && !overdue(row, at)) return { row };
      const questions = layoutOfRow(row).flatMap((l) => byId.get(l.questionId) ?? []);
      const answers = await repo.answers(id, trx);
      const responses = new Map(answers.map((a) => [a.question_id, JSON.parse(a.answer_ids) as string[]]));
      const grade = gradeAttempt(questions, responses, testSet.settings.passMarkPercent);
      const values = {
        state: 'submitted' as const,
        submitted_at: at,
        submitted_by: by,
        score: grade.score,
        max_score: grade.maxScore,
        percent: grade.percent,
        passed: grade.passed ? 1 : 0,
        grade: JSON.stringify(grade.questions),
        updated_at: at,
      };
      await repo.update(id, values, trx);
      submittedNow = true;
      // The answers graded are the attempt's answers from now on (a submitted attempt takes none).
      return { row: { ...row, ...values }, answers };
    });
    // After the commit: completion reads the graded attempts. A crash in between is caught up by
    // the deadline job or the learner's next look at their progress (learning.view).
    if (submittedNow && result) await courseMayBeComplete(result.row);
    return result;
  }

  async function courseMayBeComplete(row: Pick<AttemptRow, 'user_id' | 'course_id' | 'version'>): Promise<void> {
    await deps.completion?.testSubmitted({ userId: row.user_id, courseId: row.course_id, version: row.version });
  }

  /** Reads a learner's attempts; any open one past deadline + grace is submitted first, then read again. */
  async function withLateSubmitted<T extends AttemptBrief>(read: () => Promise<T[]>): Promise<T[]> {
    const rows = await read();
    const late = rows.filter((r) => overdue(r));
    if (late.length === 0) return rows;
    for (const r of late) await submitRow(r.id, 'deadline');
    return read();
  }

  /** A learner's attempts, with any open one past deadline + grace submitted first. */
  function learnerAttempts(userId: string, courseId: string): Promise<AttemptRow[]> {
    return withLateSubmitted(() => repo.ofLearner(userId, courseId));
  }

  /**
   * As learnerAttempts, without the attempts' layouts and grades (kilobytes each, and starting an
   * attempt reads every earlier one): what starting an attempt needs, the layouts aside (layoutsOf).
   */
  function learnerBriefs(userId: string, courseId: string): Promise<AttemptBrief[]> {
    return withLateSubmitted(() => repo.briefsOfLearner(userId, courseId));
  }

  /** The layouts of these attempts: from the cache (a layout never changes), the others read at once. */
  async function layoutsOf(rows: readonly Pick<AttemptRow, 'id'>[]): Promise<AttemptLayout[]> {
    const missing = rows.filter((r) => !layouts.has(r.id)).map((r) => r.id);
    const read = new Map((await repo.layoutsOf(missing)).map((r) => [r.id, parseLayout(r)]));
    return rows.map((r) => layouts.get(r.id) ?? read.get(r.id) ?? []);
  }

  async function visibilityFor(
    row: AttemptRow,
    rows: readonly Pick<AttemptRow, 'state'>[],
    testSet: TestSet,
    allowance: Allowance,
  ) {
    const left = attemptsLeft(testSet.settings.attemptsAllowed, allowance.extraAttempts, rows.length);
    return reviewVisibility(testSet.settings, { state: row.state, deadlineAt: row.deadline_at }, {
      now: now(),
      attemptsLeft: left,
      hasOpenAttempt: rows.some((r) => r.state === 'open'),
    });
  }

  /**
   * What the learner sees of their attempt. `known` passes what the caller has just read or written
   * in this request (the learner's allowance, the attempt's answers), so it is not read again.
   */
  async function learnerView(row: AttemptRow, known: { allowance?: Allowance; answers?: readonly AnswerRow[] } = {}): Promise<AttemptView> {
    const test = await testOf(row.course_id, row.version);
    // Only how many attempts there are and whether one is open matter here (visibilityFor).
    const rows = row.state === 'submitted' ? await repo.statesOfLearner(row.user_id, row.course_id) : [row];
    const allowance = known.allowance ?? (await allowanceOf(row.user_id, row.course_id));
    const visibility = await visibilityFor(row, rows, test.testSet, allowance);
    return presentAttempt({
      row,
      answers: known.answers ?? (await repo.answers(row.id)),
      testSet: test.testSet,
      visibility,
      now: now(),
      graceMs,
      layout: layoutOfRow(row),
      byId: test.byId,
    });
  }

  async function enrolledVersion(user: UserRow, courseId: string): Promise<number> {
    const version = await repo.enrolledVersion(user.id, courseId);
    if (version !== undefined) return version;
    if (!(await repo.courseOwner(courseId))) throw notFound('No such course.');
    throw conflict('Enrol in this course to take its test.', 'not_enrolled');
  }

  async function offeredTest(courseId: string, version: number) {
    const test = await testOf(courseId, version);
    if (!test.testSet.settings.enabled || questionsPerAttempt(test.testSet) === 0) {
      throw conflict('This course has no test.', 'no_test');
    }
    return test;
  }

  return {
    /** The "Start the test" page: the rules, attempts left, when the next may start, and the learner's attempts. */
    async overview(user: UserRow, courseId: string): Promise<TestOverview> {
      const version = await enrolledVersion(user, courseId);
      const { testSet } = await testOf(courseId, version);
      const s = testSet.settings;
      const allowance = await allowanceOf(user.id, courseId);
      const rows = await learnerAttempts(user.id, courseId);
      const visibilities = await Promise.all(rows.map((r) => visibilityFor(r, rows, testSet, allowance)));
      const graded = rows.filter((r) => r.state === 'submitted' && r.percent !== null);
      const scoresShown = graded.every((r) => visibilities[rows.indexOf(r)]?.score);
      const result = testResult(
        graded.map((r) => ({ number: r.number, percent: r.percent as number })),
        s,
      );
      const lastSubmitted = Math.max(...rows.map((r) => r.submitted_at ?? 0), 0);
      const next = nextStartAt(lastSubmitted || null, s.minutesBetweenAttempts);
      const yourLimit = attemptDeadline({ startedAt: 0, timeLimitMinutes: s.timeLimitMinutes, allowance });
      return testOverviewSchema.parse({
        courseId,
        version,
        enabled: s.enabled,
        questionCount: questionsPerAttempt(testSet),
        timeLimitMinutes: s.timeLimitMinutes,
        yourTimeLimitMinutes: yourLimit === null ? null : Math.round((yourLimit / 60_000) * 100) / 100,
        attemptsAllowed: s.attemptsAllowed === null ? null : s.attemptsAllowed + allowance.extraAttempts,
        attemptsLeft: attemptsLeft(s.attemptsAllowed, allowance.extraAttempts, rows.length),
        nextStartAt: next !== null && next > now() ? new Date(next).toISOString() : null,
        passMarkPercent: s.passMarkPercent,
        review: s.review,
        reviewWhen: s.reviewWhen,
        gradingMethod: s.gradingMethod,
        layout: s.layout,
        openAttemptId: rows.find((r) => r.state === 'open')?.id ?? null,
        closesAt: s.closesAt,
        grade: result !== null && scoresShown ? result : null,
        attempts: rows.map((r, i) => presentSummary(r, visibilities[i] ?? FULL_VISIBILITY)),
      });
    },

    /**
     * Starts an attempt, or resumes the open one (same layout, same answers). Refused when no
     * attempt is left or the wait between attempts has not passed.
     */
    async start(user: UserRow, courseId: string): Promise<{ attempt: AttemptView; created: boolean }> {
      const version = await enrolledVersion(user, courseId);
      const { testSet } = await offeredTest(courseId, version);
      const rows = await learnerBriefs(user.id, courseId);
      const openBrief = rows.find((r) => r.state === 'open');
      if (openBrief) {
        const open = await repo.find(openBrief.id);
        if (!open) throw noSuchAttempt();
        return { attempt: await learnerView(open), created: false };
      }
      const s = testSet.settings;
      const allowance = await allowanceOf(user.id, courseId);
      if (attemptsLeft(s.attemptsAllowed, allowance.extraAttempts, rows.length) === 0) {
        const allowed = (s.attemptsAllowed ?? 0) + allowance.extraAttempts;
        throw conflict(`You have used all ${allowed} attempt${allowed === 1 ? '' : 's'} at this test.`, 'no_attempts_left');
      }
      const at = now();
      const next = nextStartAt(Math.max(...rows.map((r) => r.submitted_at ?? 0), 0) || null, s.minutesBetweenAttempts);
      if (next !== null && next > at) {
        const seconds = Math.ceil((next - at) / 1000);
        throw conflict(`The next attempt can start at ${new Date(next).toISOString().slice(11, 16)} UTC.`, 'too_soon', {
          retryAfterSeconds: seconds,
        });
      }
      const closesAt = closesAtOf(testSet);
      if (closesAt !== null && at >= closesAt) {
        throw conflict(
          `This test closed on ${new Date(closesAt).toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
          'test_closed',
        );
      }
      const seed = randomInt(0, 2 ** 31);
      const layout = drawLayout(testSet, seed, seenCounts(await layoutsOf(rows)));
      const row: AttemptRow = {
        id: crypto.randomUUID(),
        user_id: user.id,
        course_id: courseId,
        version,
        number: Math.max(0, ...rows.map((r) => r.number)) + 1,
        state: 'open',
        seed,
        layout: JSON.stringify(layout),
        started_at: at,
        deadline_at: attemptDeadline({ startedAt: at, timeLimitMinutes: s.timeLimitMinutes, allowance, closesAt }),
        submitted_at: null,
        submitted_by: null,
        score: null,
        max_score: null,
        percent: null,
        passed: null,
        grade: null,
        updated_at: at,
      };
      try {
        await db.transaction().execute(async (trx) => {
          await repo.insert(row, trx);
          await scheduleDeadline(row, trx);
        });
      } catch (err) {
        if (!repo.isUniqueViolation(err)) throw err;
        // Another request (a second tab) started one at the same moment: resume that one.
        const other = (await repo.ofLearner(user.id, courseId)).find((r) => r.state === 'open');
        if (!other) throw err;
        return { attempt: await learnerView(other), created: false };
      }
      remember(row.id, layout);
      // A new attempt has no answers yet.
      return { attempt: await learnerView(row, { allowance, answers: [] }), created: true };
    },

    /** A learner's attempt as they may see it; the course's author or an admin see everything. */
    async get(user: UserRow, attemptId: string): Promise<AttemptView | AuthorAttemptView> {
      let row = await repo.find(attemptId);
      if (!row) throw noSuchAttempt();
      if (overdue(row)) row = (await submitRow(row.id, 'deadline'))?.row ?? row;
      if (row.user_id === user.id) return learnerView(row);
      if (!(await mayManage(user, row.course_id))) throw noSuchAttempt();
      return authorView(row);
    },

    /**
     * Saves one question's answer: committed before this returns (acknowledged = durable). The
     * latest by sequence number stays; refused after deadline + grace or once submitted.
     */
    async save(
      user: UserRow,
      attemptId: string,
      questionId: string,
      body: { sequence: number; answerIds: string[]; flagged: boolean },
    ): Promise<SaveAnswerResult> {
      // Committed before the answer goes out, alone or with the saves that arrived with it.
      const write = async (trx: Kysely<DB>) => {
        const at = now();
        const row = await repo.lockForSave(attemptId, user.id, trx);
        if (!row) throw noSuchAttempt();
        // Whether this save is accepted (decideSave); whether it is newer than the stored answer is
        // decided by the write itself, the same rule (a higher sequence wins), with no read before it.
        const decision = decideSave({
          state: row.state,
          deadlineAt: row.deadline_at,
          layout: await layoutOf(attemptId, trx),
          stored: undefined,
          save: { questionId, answerIds: body.answerIds, sequence: body.sequence },
          now: at,
          graceMs,
        });
        if (!decision.ok) throw new DomainError(SAVE_REFUSAL_KINDS[decision.status], decision.code, decision.message);
        const answer = {
          attempt_id: attemptId,
          question_id: questionId,
          answer_ids: JSON.stringify([...new Set(body.answerIds)]),
          sequence: body.sequence,
          flagged_at: body.flagged ? at : null,
          saved_at: at,
        };
        if (await repo.putAnswerIfNewer(answer, trx)) return { row, answer, applied: true, at };
        // A newer answer (or this one again) is stored: it stays, and the page is told which.
        const stored = await repo.answer(attemptId, questionId, trx);
        return { row, answer: stored ?? answer, applied: false, at };
      };
      const result = saves ? await saves.run(write) : await db.transaction().execute(write);
      // Checked against its schema once, by the route's serializer (http/contract.ts), as it leaves.
      return {
        questionId,
        applied: result.applied,
        response: {
          answerIds: JSON.parse(result.answer.answer_ids) as string[],
          sequence: result.answer.sequence,
          flagged: result.answer.flagged_at !== null,
          savedAt: new Date(result.answer.saved_at).toISOString(),
        },
        deadline: result.row.deadline_at === null ? null : new Date(result.row.deadline_at).toISOString(),
        serverNow: new Date(result.at).toISOString(),
      };
    },

    /** The learner submits: graded with every acknowledged answer; submitting twice is harmless. */
    async submit(user: UserRow, attemptId: string): Promise<AttemptView> {
      const submitted = await submitRow(attemptId, 'learner', user.id);
      if (!submitted) throw noSuchAttempt();
      return learnerView(submitted.row, { answers: submitted.answers });
    },

    /** The deadline job: submits the attempt if it is still open at deadline + grace. */
    async submitOverdue(attemptId: string): Promise<void> {
      const row = await repo.find(attemptId);
      if (!row) return;
      if (row.state === 'open') await submitRow(attemptId, 'deadline');
      // A retry after a failed completion check (or a learner's own submission) checks it again: it records once.
      else await courseMayBeComplete(row);
    },

    /** Every attempt at a course's test, for its author and admins. */
    async listForCourse(user: UserRow, courseId: string): Promise<CourseAttemptsView> {
      await requireManager(user, courseId);
      const rows = await repo.ofCourse(courseId, COURSE_LIST_LIMIT);
      const allowances = Object.fromEntries(
        (await repo.allowancesOfCourse(courseId)).map((a) => [
          a.user_id,
          { timeMultiplier: a.time_multiplier, extraMinutes: a.extra_minutes, extraAttempts: a.extra_attempts },
        ]),
      );
      const attempts: CourseAttemptRow[] = rows.map((r) => ({
        id: r.id,
        learner: { id: r.user_id, displayName: r.display_name, email: r.email },
        number: r.number,
        state: r.state,
        startedAt: new Date(r.started_at).toISOString(),
        deadline: r.deadline_at === null ? null : new Date(r.deadline_at).toISOString(),
        submittedAt: r.submitted_at === null ? null : new Date(r.submitted_at).toISOString(),
        submittedBy: r.submitted_by,
        timeTakenSeconds: r.submitted_at === null ? null : Math.round((r.submitted_at - r.started_at) / 1000),
        percent: r.percent,
        passed: r.passed === null ? null : r.passed === 1,
      }));
      return { attempts, allowances };
    },

    /**
     * Reopens a submitted attempt: its answers stay, its grade is cleared, and it gets a fresh time
     * limit from now (with the learner's accommodation). Refused while the learner has another open.
     */
    async reopen(user: UserRow, attemptId: string): Promise<AuthorAttemptView> {
      const found = await repo.find(attemptId);
      if (!found || !(await mayManage(user, found.course_id))) throw noSuchAttempt();
      const { testSet } = await testOf(found.course_id, found.version);
      try {
        await db.transaction().execute(async (trx) => {
          const at = now();
          const row = await repo.lock(attemptId, at, trx);
          if (!row) throw noSuchAttempt();
          if (row.state !== 'submitted') throw conflict('This attempt is still open.');
          const closesAt = closesAtOf(testSet);
          if (closesAt !== null && at >= closesAt)
            throw conflict('The course has closed: a reopened attempt would have no time.', 'test_closed');
          const allowance = await allowanceOf(row.user_id, row.course_id, trx);
          const deadline = attemptDeadline({
            startedAt: at,
            timeLimitMinutes: testSet.settings.timeLimitMinutes,
            allowance,
            closesAt,
          });
          await repo.update(
            attemptId,
            {
              state: 'open',
              // The clock restarts: time taken and any later accommodation count from the reopening.
              started_at: at,
              deadline_at: deadline,
              submitted_at: null,
              submitted_by: null,
              score: null,
              max_score: null,
              percent: null,
              passed: null,
              grade: null,
              updated_at: at,
            },
            trx,
          );
          await scheduleDeadline({ id: attemptId, deadline_at: deadline }, trx);
        });
      } catch (err) {
        if (!repo.isUniqueViolation(err)) throw err;
        throw conflict('This learner has another attempt open; it must be submitted first.');
      }
      return authorView((await repo.find(attemptId)) as AttemptRow);
    },

    /** A learner's allowance for a course's test (extra time, extra attempts). */
    async allowance(user: UserRow, courseId: string, learnerId: string): Promise<Allowance> {
      await requireManager(user, courseId);
      return allowanceOf(learnerId, courseId);
    },

    /**
     * Sets a learner's accommodation and extra attempts. An open attempt's deadline moves with it
     * (computed from its start), and its deadline job follows.
     */
    async setAllowance(user: UserRow, courseId: string, learnerId: string, input: Allowance): Promise<Allowance> {
      await requireManager(user, courseId);
      if (!(await repo.userExists(learnerId))) throw notFound('No such learner.');
      const allowance = allowanceSchema.parse(input);
      const openBefore = (await repo.ofLearner(learnerId, courseId)).find((r) => r.state === 'open');
      const test = openBefore ? await testOf(courseId, openBefore.version) : null;
      await db.transaction().execute(async (trx) => {
        const at = now();
        const row: AllowanceRow = {
          user_id: learnerId,
          course_id: courseId,
          time_multiplier: allowance.timeMultiplier,
          extra_minutes: allowance.extraMinutes,
          extra_attempts: allowance.extraAttempts,
          granted_by: user.id,
          updated_at: at,
        };
        await repo.putAllowance(row, trx);
        const open = (await repo.ofLearner(learnerId, courseId, trx)).find((r) => r.state === 'open');
        if (!open || !test || open.version !== openBefore?.version) return;
        const deadline = attemptDeadline({
          startedAt: open.started_at,
          timeLimitMinutes: test.testSet.settings.timeLimitMinutes,
          allowance,
          closesAt: closesAtOf(test.testSet),
        });
        if (deadline === open.deadline_at) return;
        await repo.update(open.id, { deadline_at: deadline, updated_at: at }, trx);
        await scheduleDeadline({ id: open.id, deadline_at: deadline }, trx);
      });
      return allowance;
    },

    /** One more attempt for this learner on top of what they have. */
    async grantExtraAttempt(user: UserRow, courseId: string, learnerId: string): Promise<Allowance> {
      await requireManager(user, courseId);
      const current = await allowanceOf(learnerId, courseId);
      return this.setAllowance(user, courseId, learnerId, { ...current, extraAttempts: current.extraAttempts + 1 });
    },
  };

  async function authorView(row: AttemptRow): Promise<AuthorAttemptView> {
    const { testSet } = await testOf(row.course_id, row.version);
    const attempt = presentAttempt({ row, answers: await repo.answers(row.id), testSet, visibility: FULL_VISIBILITY, now: now(), graceMs });
    const learner = await repo.user(row.user_id);
    return {
      attempt,
      learner: { id: row.user_id, displayName: learner?.display_name ?? '', email: learner?.email ?? '' },
      timeTakenSeconds: row.submitted_at === null ? null : Math.round((row.submitted_at - row.started_at) / 1000),
    };
  }
}

export type AttemptsService = ReturnType<typeof createAttemptsService>;
