// Learning a course: progress reports merged into what each learner did with each file of the version
// they study (rules: shared/progress.ts, the same functions the tests run), where they left the
// course, and completion, recorded once with a job for what hangs on it (certificates, later).
import type { Kysely } from 'kysely';
import type { AssetKind, AssetViewer } from '../../shared/assets.ts';
import type { MyCourseView } from '../../shared/courses.ts';
import type {
  ItemProgressView,
  LearnerProgressView,
  LearnerStatus,
  LearningView,
  ProgressReportAnswer,
} from '../../shared/learning.ts';
import {
  applyReport,
  type CourseProgress,
  completionRule,
  courseProgress,
  type ItemFacts,
  type ItemMeasure,
  itemProgress,
  NO_FACTS,
  type PlayedRange,
  type ProgressReport,
} from '../../shared/progress.ts';
import { type GradedAttempt, testResult } from '../../shared/attempts.ts';
import { allQuestions, type QuizSettings } from '../../shared/quiz.ts';
import { presentAsset } from '../assets/presenter.ts';
import type { AssetsRepository } from '../assets/repository.ts';
import { parseContent } from '../courses/service.ts';
import type { CoursesRepository } from '../courses/repository.ts';
import type { DB } from '../db/types.ts';
import { createGroupCommit } from '../db/group-commit.ts';
import { conflict, DomainError, notFound } from '../errors.ts';
import { mayManage } from '../policies.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { UserRow } from '../users/repository.ts';
import type { EnrolmentRow, GradedAttemptRow, LearningRepository, ProgressRow } from './repository.ts';

/** A course version's files as the rules need them. Versions are immutable; the files' measures may still change. */
interface Curriculum {
  items: { assetId: string; required: boolean; measure: ItemMeasure }[];
  byId: Map<string, ItemMeasure>;
  /** What decides passing the version's test; null without a test. */
  test: Pick<QuizSettings, 'gradingMethod' | 'passMarkPercent'> | null;
  ownerId: string;
}

const CURRICULUM_TTL_MS = 10_000;
const CURRICULUM_CACHE_MAX = 1_000;
const WRITE_ATTEMPTS = 8;
/** A learner's "last activity" is written at most this often per file. */
const ACTIVITY_RESOLUTION_MS = 60_000;
const LEARNERS_LIMIT = 1_000;
const MY_COURSES_LIMIT = 200;

function numberOr(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function factsOf(row: ProgressRow | undefined): ItemFacts {
  if (!row) return NO_FACTS;
  return {
    played: JSON.parse(row.played) as PlayedRange[],
    pagesSeen: JSON.parse(row.pages_seen) as number[],
    opened: row.opened_at !== null,
    markedDone: row.marked_done_at !== null,
    position: row.position,
  };
}

function sameFacts(a: ItemFacts, b: ItemFacts): boolean {
  return (
    a.opened === b.opened &&
    a.markedDone === b.markedDone &&
    a.position === b.position &&
    JSON.stringify(a.played) === JSON.stringify(b.played) &&
    JSON.stringify(a.pagesSeen) === JSON.stringify(b.pagesSeen)
  );
}

function present(assetId: string, measure: ItemMeasure, facts: ItemFacts): ItemProgressView {
  const p = itemProgress(facts, measure);
  return {
    assetId,
    rule: measure.rule,
    state: p.state,
    fraction: p.fraction,
    position: facts.position,
    pagesSeen: facts.pagesSeen.length,
    pageCount: measure.pageCount,
    durationSeconds: measure.durationSeconds,
    markedDone: facts.markedDone,
  };
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function createLearningService(deps: {
  db: Kysely<DB>;
  learning: LearningRepository;
  courses: Pick<CoursesRepository, 'findCourse' | 'findVersion'>;
  assetRows: Pick<AssetsRepository, 'findMany' | 'derivativesOf'>;
  queue: Pick<JobQueue, 'enqueue'>;
  now?: () => number;
  /** Progress writes arriving together share one transaction and its commit (SQLite: db/group-commit.ts). */
  groupCommit?: boolean;
}) {
  const { db, learning, courses, queue } = deps;
  const now = deps.now ?? Date.now;
  // A progress write throws no refusal (a lost revision race is a `false`, read again outside), so
  // any error is the database's and fails the group it was in; the player sends its report again.
  const writes = deps.groupCommit ? createGroupCommit(db, (err) => err instanceof DomainError) : undefined;
  /** A report's write: in the group's transaction on SQLite, else on its own. Uses only `trx`. */
  const write = <T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<T> => (writes ? writes.run(work) : work(db));
  const cache = new Map<string, { at: number; curriculum: Curriculum }>();

  async function loadCurriculum(courseId: string, version: number): Promise<Curriculum> {
    const [course, row] = [await courses.findCourse(courseId), await courses.findVersion(courseId, version)];
    if (!course || !row) throw notFound('No such course version.');
    const content = parseContent(row.content);
    const ids = content.files.map((f) => f.assetId);
    const [assets, derivatives] = [await deps.assetRows.findMany(ids), await deps.assetRows.derivativesOf(ids)];
    const views = new Map(assets.map((a) => [a.id, presentAsset(a, derivatives)]));
    const items = content.files.map((file) => {
      const asset = views.get(file.assetId);
      const kind: AssetKind = asset?.kind ?? 'other';
      const viewer: AssetViewer = asset?.viewer ?? 'download';
      const measure: ItemMeasure = {
        rule: completionRule(kind, viewer, file.learnerMarksDone === true),
        durationSeconds: numberOr(asset?.metadata.durationSeconds),
        pageCount: numberOr(asset?.metadata.pages),
      };
      return { assetId: file.assetId, required: file.required, measure };
    });
    const settings = content.test.settings;
    return {
      items,
      byId: new Map(items.map((i) => [i.assetId, i.measure])),
      test:
        settings.enabled && allQuestions(content.test.categories).length > 0
          ? { gradingMethod: settings.gradingMethod, passMarkPercent: settings.passMarkPercent }
          : null,
      ownerId: course.owner_id,
    };
  }

  async function curriculum(courseId: string, version: number): Promise<Curriculum> {
    const key = `${courseId}:${version}`;
    const hit = cache.get(key);
    if (hit && now() - hit.at < CURRICULUM_TTL_MS) return hit.curriculum;
    const loaded = await loadCurriculum(courseId, version);
    if (cache.size >= CURRICULUM_CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, { at: now(), curriculum: loaded });
    return loaded;
  }

  /** The learner's result for the version's test (testResult: the same rule the attempts use); null without one. */
  function testOutcome(c: Curriculum, graded: readonly GradedAttempt[]): { percent: number; passed: boolean } | null {
    return c.test ? testResult(graded, c.test) : null;
  }

  /** Whether the test counts as passed for completion (true when there is no test: it then does not count). */
  async function passedTest(userId: string, courseId: string, version: number, c: Curriculum): Promise<boolean> {
    if (!c.test) return true;
    return testOutcome(c, await learning.gradedAttempts(userId, courseId, version))?.passed ?? false;
  }

  function summarize(c: Curriculum, done: (assetId: string) => boolean, passed: boolean): CourseProgress {
    return courseProgress(
      c.items.map((i) => ({ assetId: i.assetId, required: i.required, state: done(i.assetId) ? 'done' : 'not_started' })),
      // A course with a test is complete once its required files are done and the test is passed.
      c.test ? { passed } : null,
    );
  }

  async function enrolled(user: UserRow, courseId: string): Promise<EnrolmentRow> {
    const enrolment = await learning.findEnrolment(user.id, courseId);
    // 404, as elsewhere when a resource is not the caller's: signed-in routes answer 403 only for a role.
    // An enrolled learner studies the course (policies: the enrolment is their standing).
    if (enrolment === undefined) {
      throw notFound('You are not enrolled in this course. Enrol to study it and record your progress.', 'not_enrolled');
    }
    return enrolment;
  }

  /** Records completion once (with its job) when every file that counts is done. */
  async function completeIfDone(userId: string, courseId: string, version: number, c: Curriculum): Promise<{ progress: CourseProgress; completedAt: number | null; completedNow: boolean }> {
    const done = await learning.doneAssets(userId, courseId, version);
    const progress = summarize(c, (id) => done.has(id), await passedTest(userId, courseId, version, c));
    const existing = await learning.findCompletion(userId, courseId, version);
    if (existing || !progress.complete) return { progress, completedAt: existing?.completed_at ?? null, completedNow: false };
    const at = now();
    const recorded = await db.transaction().execute(async (trx) => {
      const inserted = await learning.insertCompletion({ user_id: userId, course_id: courseId, version, completed_at: at }, trx);
      if (inserted) {
        await queue.enqueue('learning.course-completed', { userId, courseId, version }, { trx, singletonKey: `${userId}:${courseId}:${version}` });
      }
      return inserted;
    });
    if (recorded) return { progress, completedAt: at, completedNow: true };
    const other = await learning.findCompletion(userId, courseId, version);
    return { progress, completedAt: other?.completed_at ?? at, completedNow: false };
  }

  return {
    /**
     * A test attempt was submitted (by the learner, the deadline job, or after a reopening): if the
     * test is now passed and the required files are done, the course is complete (recorded once).
     */
    async testSubmitted({ userId, courseId, version }: { userId: string; courseId: string; version: number }) {
      const c = await curriculum(courseId, version);
      return completeIfDone(userId, courseId, version, c);
    },

    /** The course-completed job: the completion it announces must exist (certificates will rely on it). */
    async confirmCompletion({ userId, courseId, version }: { userId: string; courseId: string; version: number }): Promise<void> {
      const completion = await learning.findCompletion(userId, courseId, version);
      if (!completion) throw new Error(`No completion is recorded for user ${userId} in course ${courseId} version ${version}`);
    },

    async view(user: UserRow, courseId: string): Promise<LearningView> {
      const enrolment = await enrolled(user, courseId);
      const c = await curriculum(courseId, enrolment.version);
      const rows = new Map((await learning.progressOf(user.id, courseId, enrolment.version)).map((r) => [r.asset_id, r]));
      const items = c.items.map((i) => present(i.assetId, i.measure, factsOf(rows.get(i.assetId))));
      let completion = await learning.findCompletion(user.id, courseId, enrolment.version);
      const passed = completion !== undefined || (await passedTest(user.id, courseId, enrolment.version, c));
      const progress = courseProgress(
        items.map((i, n) => ({ assetId: i.assetId, required: c.items[n]?.required ?? false, state: i.state })),
        c.test ? { passed } : null,
      );
      if (progress.complete && !completion) {
        // Complete but not recorded: a submission whose completion check did not run (a crash after its commit).
        await completeIfDone(user.id, courseId, enrolment.version, c);
        completion = await learning.findCompletion(user.id, courseId, enrolment.version);
      }
      const last = enrolment.last_asset_id && c.byId.has(enrolment.last_asset_id) ? enrolment.last_asset_id : null;
      // Continue where the learner was, unless that file is done: then the next one to do.
      const lastItem = last ? items.find((i) => i.assetId === last) : undefined;
      const resumeAssetId = lastItem && lastItem.state !== 'done' ? lastItem.assetId : (progress.nextAssetId ?? last ?? c.items[0]?.assetId ?? null);
      return {
        courseId,
        version: enrolment.version,
        items,
        progress,
        resumeAssetId,
        completedAt: iso(completion?.completed_at),
        hasTest: c.test !== null,
      };
    },

    /**
     * Merges one report into the learner's progress on one file. Idempotent: the same report again
     * changes nothing (and writes nothing). Concurrent reports on the same file both land (revisions).
     */
    async report(user: UserRow, courseId: string, report: ProgressReport): Promise<ProgressReportAnswer> {
      // One read for the common case (enrolment, this file's row, the done files, completion), then one write.
      const snapshot = await learning.reportSnapshot(user.id, courseId, report.assetId);
      if (!snapshot) {
        await enrolled(user, courseId); // says "not enrolled"
        throw conflict('Your enrolment changed while this was saved. Try again.');
      }
      const { enrolment } = snapshot;
      const { version } = enrolment;
      const c = await curriculum(courseId, version);
      const measure = c.byId.get(report.assetId);
      if (!measure) throw notFound('This file is not part of your version of the course.');
      const at = now();
      const touchEnrolment =
        enrolment.last_asset_id !== report.assetId || (enrolment.last_activity_at ?? 0) < at - ACTIVITY_RESOLUTION_MS;
      let touched = false;
      let facts = NO_FACTS;
      let doneChanged = false;
      let raced = false;
      let isDone = snapshot.done.has(report.assetId);
      for (let attempt = 1; ; attempt++) {
        // After a lost race, read the row again.
        raced = attempt > 1;
        const row = attempt === 1 ? snapshot.row : await learning.findProgress(user.id, courseId, version, report.assetId);
        const before = factsOf(row);
        facts = applyReport(before, report, measure);
        const done = itemProgress(facts, measure).state === 'done';
        const wasDone = row?.done_at !== null && row?.done_at !== undefined;
        isDone = wasDone;
        if (row && sameFacts(before, facts)) break;
        const next: ProgressRow = {
          user_id: user.id,
          course_id: courseId,
          version,
          asset_id: report.assetId,
          played: JSON.stringify(facts.played),
          pages_seen: JSON.stringify(facts.pagesSeen),
          opened_at: row?.opened_at ?? at,
          marked_done_at: facts.markedDone ? (row?.marked_done_at ?? at) : null,
          position: facts.position,
          done_at: done ? (row?.done_at ?? at) : null,
          revision: (row?.revision ?? 0) + 1,
          updated_at: at,
        };
        const written = await write(async (trx) => {
          const ok = row ? await learning.updateProgress(next, row.revision, trx) : await learning.insertProgress(next, trx);
          // The enrolment's last file and activity go in the same commit as the row.
          if (ok && touchEnrolment) {
            await learning.touchEnrolment(user.id, courseId, report.assetId, at, trx);
            touched = true;
          }
          return ok;
        });
        if (written) {
          doneChanged = done !== wasDone;
          isDone = done;
          break;
        }
        if (attempt >= WRITE_ATTEMPTS) throw conflict('Too many progress reports at once for this file. Try again.');
      }
      if (touchEnrolment && !touched) await write((trx) => learning.touchEnrolment(user.id, courseId, report.assetId, at, trx));
      const item = present(report.assetId, measure, facts);
      // The done files as read, with this one as it now stands.
      const done = new Set(snapshot.done);
      if (isDone) done.add(report.assetId);
      else done.delete(report.assetId);
      // A recorded completion of a version with a test means it was passed: no need to read the attempts.
      const passed = snapshot.completedAt !== null || (await passedTest(user.id, courseId, version, c));
      const progress = summarize(c, (id) => done.has(id), passed);
      // Read again when the snapshot may be behind: this report changed what is done, or another report on
      // the same file (the player's pause and end arrive together) may be recording the completion now.
      if (doneChanged || raced || (progress.complete && snapshot.completedAt === null)) {
        const result = await completeIfDone(user.id, courseId, version, c);
        return { item, progress: result.progress, completedAt: iso(result.completedAt), completedNow: result.completedNow };
      }
      return { item, progress, completedAt: iso(snapshot.completedAt), completedNow: false };
    },

    /**
     * A course's learners with their progress, for its author and administrators: those studying it,
     * those who left (with the progress kept from then), or both, current ones first.
     */
    async learners(
      user: UserRow,
      courseId: string,
      status: LearnerStatus = 'current',
    ): Promise<{ learners: LearnerProgressView[]; counts: { current: number; left: number } }> {
      const course = await courses.findCourse(courseId);
      if (!course || !mayManage(user, { ownerId: course.owner_id })) throw notFound('No such course.');
      const current = status === 'left' ? [] : await learning.learners(courseId, LEARNERS_LIMIT);
      const left = status === 'current' ? [] : await learning.pastLearners(courseId, LEARNERS_LIMIT);
      const rows = [...current, ...left];
      const userIds = rows.map((r) => r.user_id);
      const progress = await learning.progressOfLearners(courseId, userIds);
      const gradedBy = new Map<string, GradedAttemptRow[]>();
      for (const g of await learning.gradedAttemptsOfLearners(courseId, userIds)) {
        const key = `${g.user_id}:${g.version}`;
        gradedBy.set(key, [...(gradedBy.get(key) ?? []), g]);
      }
      const doneBy = new Map<string, Set<string>>();
      for (const p of progress) {
        if (p.done_at === null) continue;
        const key = `${p.user_id}:${p.version}`;
        const set = doneBy.get(key) ?? new Set<string>();
        set.add(p.asset_id);
        doneBy.set(key, set);
      }
      const out: LearnerProgressView[] = [];
      for (const r of rows) {
        const c = await curriculum(courseId, r.version);
        const done = doneBy.get(`${r.user_id}:${r.version}`) ?? new Set<string>();
        const test = testOutcome(c, gradedBy.get(`${r.user_id}:${r.version}`) ?? []);
        const summary = summarize(c, (id) => done.has(id), test?.passed ?? false);
        out.push({
          userId: r.user_id,
          name: r.display_name,
          email: r.email,
          version: r.version,
          enrolledAt: new Date(r.enrolled_at).toISOString(),
          lastActivityAt: iso(r.last_activity_at),
          doneCount: summary.doneCount,
          total: summary.total,
          percent: summary.percent,
          completedAt: iso(r.completed_at),
          dueAt: iso(r.due_at),
          test,
          leftAt: iso(r.left_at),
        });
      }
      return { learners: out, counts: await learning.learnerCounts(courseId) };
    },

    /** The learner's courses for their dashboard: progress, where to continue, due dates, completion. */
    async myCourses(user: UserRow): Promise<MyCourseView[]> {
      const rows = await learning.myEnrolments(user.id, MY_COURSES_LIMIT);
      const doneBy = new Map<string, Set<string>>();
      for (const d of await learning.doneOfUser(user.id)) {
        const key = `${d.course_id}:${d.version}`;
        doneBy.set(key, (doneBy.get(key) ?? new Set()).add(d.asset_id));
      }
      const out: MyCourseView[] = [];
      for (const r of rows) {
        const c = await curriculum(r.course_id, r.version);
        const done = doneBy.get(`${r.course_id}:${r.version}`) ?? new Set<string>();
        // A recorded completion means the test (if any) was passed; the dashboard reads no attempts.
        const summary = summarize(c, (id) => done.has(id), r.completed_at !== null);
        const last = r.last_asset_id && c.byId.has(r.last_asset_id) ? r.last_asset_id : null;
        const { basics } = parseContent(r.content);
        out.push({
          course: {
            id: r.course_id,
            latestVersion: r.latest_version,
            title: basics.title,
            versionLabel: basics.versionLabel,
            shortDescription: basics.shortDescription,
            topics: basics.topics,
            language: basics.language,
            coverAssetId: basics.coverAssetId,
            authorName: r.author_name,
            publishedAt: new Date(r.published_at).toISOString(),
            enrolledVersion: r.version,
            draftId: null,
            selfEnrolment: r.self_enrolment,
            dueAt: iso(r.due_at),
          },
          percent: summary.percent,
          doneCount: summary.doneCount,
          total: summary.total,
          // As on the course page: where the learner was unless that is done, then the next file to do.
          resumeAssetId: (last && !done.has(last) ? last : null) ?? summary.nextAssetId ?? last ?? c.items[0]?.assetId ?? null,
          completedAt: iso(r.completed_at),
          lastActivityAt: iso(r.last_activity_at),
        });
      }
      return out;
    },

  };
}

export type LearningService = ReturnType<typeof createLearningService>;
