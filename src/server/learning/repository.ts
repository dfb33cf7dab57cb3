// All SQL of learning: per-file progress rows, where a learner left a course, and completions.
import type { Kysely, Selectable } from 'kysely';
import { prepared } from '../db/prepared.ts';
import type { CourseCompletionsTable, DB, LearningProgressTable } from '../db/types.ts';

export type ProgressRow = Selectable<LearningProgressTable>;
export type CompletionRow = Selectable<CourseCompletionsTable>;

export interface EnrolmentRow {
  user_id: string;
  course_id: string;
  version: number;
  enrolled_at: number;
  last_asset_id: string | null;
  last_activity_at: number | null;
}

/** A submitted attempt's grade, as completion needs it. */
export interface GradedAttemptRow {
  user_id: string;
  version: number;
  number: number;
  percent: number;
}

/** One learner of a course, for its author. */
export interface LearnerRow extends EnrolmentRow {
  display_name: string;
  email: string;
  completed_at: number | null;
  due_at: number | null;
  /** When they left the course; null for a current learner. */
  left_at: number | null;
}

/** One of a learner's courses, for their dashboard: the enrolment, the version's content and the course. */
export interface MyEnrolmentRow extends EnrolmentRow {
  due_at: number | null;
  content: string;
  published_at: number;
  latest_version: number;
  self_enrolment: 'open' | 'invitation';
  author_name: string;
  completed_at: number | null;
}

export function createLearningRepository(db: Kysely<DB>) {
  // A progress report's queries, compiled once (db/prepared.ts).
  const enrolmentOf = prepared(2, (trx, userId: string, courseId: string) =>
    trx
      .selectFrom('enrolments')
      .select(['user_id', 'course_id', 'version', 'enrolled_at', 'last_asset_id', 'last_activity_at'])
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId),
  );
  const progressOfFile = prepared(4, (trx, userId: string, courseId: string, version: number, assetId: string) =>
    trx
      .selectFrom('learning_progress')
      .selectAll()
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId)
      .where('version', '=', version)
      .where('asset_id', '=', assetId),
  );
  const doneOfVersion = prepared(3, (trx, userId: string, courseId: string, version: number) =>
    trx
      .selectFrom('learning_progress')
      .select('asset_id')
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId)
      .where('version', '=', version)
      .where('done_at', 'is not', null),
  );
  const completedAt = prepared(3, (trx, userId: string, courseId: string, version: number) =>
    trx
      .selectFrom('course_completions')
      .select('completed_at')
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId)
      .where('version', '=', version),
  );
  const progressInsert = prepared(12, (trx, ...v: [string, string, number, string, string, string, number | null, number | null, number | null, number | null, number, number]) =>
    trx
      .insertInto('learning_progress')
      .values({
        user_id: v[0],
        course_id: v[1],
        version: v[2],
        asset_id: v[3],
        played: v[4],
        pages_seen: v[5],
        opened_at: v[6],
        marked_done_at: v[7],
        position: v[8],
        done_at: v[9],
        revision: v[10],
        updated_at: v[11],
      })
      .onConflict((oc) => oc.columns(['user_id', 'course_id', 'version', 'asset_id']).doNothing()),
  );
  // Key and expected revision first, then the new values.
  const progressUpdate = prepared(13, (trx, ...v: [string, string, number, string, number, string, string, number | null, number | null, number | null, number | null, number, number]) =>
    trx
      .updateTable('learning_progress')
      .set({
        played: v[5],
        pages_seen: v[6],
        opened_at: v[7],
        marked_done_at: v[8],
        position: v[9],
        done_at: v[10],
        revision: v[11],
        updated_at: v[12],
      })
      .where('user_id', '=', v[0])
      .where('course_id', '=', v[1])
      .where('version', '=', v[2])
      .where('asset_id', '=', v[3])
      .where('revision', '=', v[4]),
  );
  const enrolmentTouch = prepared(4, (trx, userId: string, courseId: string, assetId: string, now: number) =>
    trx
      .updateTable('enrolments')
      .set({ last_asset_id: assetId, last_activity_at: now })
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId),
  );
  const graded = prepared(3, (trx, userId: string, courseId: string, version: number) =>
    trx
      .selectFrom('quiz_attempts')
      .select(['user_id', 'version', 'number', 'percent'])
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId)
      .where('version', '=', version)
      .where('state', '=', 'submitted')
      .where('percent', 'is not', null),
  );

  return {
    findEnrolment(userId: string, courseId: string, trx: Kysely<DB> = db): Promise<EnrolmentRow | undefined> {
      return trx
        .selectFrom('enrolments')
        .select(['user_id', 'course_id', 'version', 'enrolled_at', 'last_asset_id', 'last_activity_at'])
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .executeTakeFirst();
    },

    async touchEnrolment(userId: string, courseId: string, assetId: string, now: number, trx: Kysely<DB> = db): Promise<void> {
      await enrolmentTouch.execute(trx, userId, courseId, assetId, now);
    },

    findProgress(userId: string, courseId: string, version: number, assetId: string, trx: Kysely<DB> = db): Promise<ProgressRow | undefined> {
      return trx
        .selectFrom('learning_progress')
        .selectAll()
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('version', '=', version)
        .where('asset_id', '=', assetId)
        .executeTakeFirst();
    },

    progressOf(userId: string, courseId: string, version: number, trx: Kysely<DB> = db): Promise<ProgressRow[]> {
      return trx
        .selectFrom('learning_progress')
        .selectAll()
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('version', '=', version)
        .execute();
    },

    /** Done files of one learner: enough to decide completion. */
    async doneAssets(userId: string, courseId: string, version: number, trx: Kysely<DB> = db): Promise<Set<string>> {
      const rows = await trx
        .selectFrom('learning_progress')
        .select('asset_id')
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('version', '=', version)
        .where('done_at', 'is not', null)
        .execute();
      return new Set(rows.map((r) => r.asset_id));
    },

    /**
     * Everything a progress report needs, in one query: the enrolment, the reported file's progress row,
     * which files of the enrolled version are done, and the completion if recorded. Undefined when not
     * enrolled. Only the reported file's row carries its (possibly long) played ranges and pages.
     */
    async reportSnapshot(
      userId: string,
      courseId: string,
      assetId: string,
    ): Promise<{ enrolment: EnrolmentRow; row: ProgressRow | undefined; done: Set<string>; completedAt: number | null } | undefined> {
      // Four small reads by key: one query joining them cost SQLite two to three times as much.
      // They are not one snapshot: the report's write checks the row's revision, and the service
      // reads again whenever what is done or completed may have moved (learning/service.ts).
      const found = (await enrolmentOf.execute(db, userId, courseId)).rows[0];
      if (!found) return undefined;
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      const enrolment: EnrolmentRow = {
        user_id: found.user_id,
        course_id: found.course_id,
        version: found.version,
        enrolled_at: Number(found.enrolled_at),
        last_asset_id: found.last_asset_id,
        last_activity_at: num(found.last_activity_at),
      };
      const { version } = enrolment;
      const row = (await progressOfFile.execute(db, userId, courseId, version, assetId)).rows[0];
      const done = new Set((await doneOfVersion.execute(db, userId, courseId, version)).rows.map((r) => r.asset_id));
      const completion = (await completedAt.execute(db, userId, courseId, version)).rows[0];
      return { enrolment, row, done, completedAt: num(completion?.completed_at) };
    },

    /** Inserts the first row of a file; false when another report inserted it first. */
    async insertProgress(row: ProgressRow, trx: Kysely<DB> = db): Promise<boolean> {
      const r = await progressInsert.execute(
        trx,
        row.user_id,
        row.course_id,
        row.version,
        row.asset_id,
        row.played,
        row.pages_seen,
        row.opened_at,
        row.marked_done_at,
        row.position,
        row.done_at,
        row.revision,
        row.updated_at,
      );
      return Number(r.numAffectedRows ?? 0n) > 0;
    },

    /** Replaces a row if it is still at `revision`; false when another report changed it in between. */
    async updateProgress(row: ProgressRow, revision: number, trx: Kysely<DB> = db): Promise<boolean> {
      const r = await progressUpdate.execute(
        trx,
        row.user_id,
        row.course_id,
        row.version,
        row.asset_id,
        revision,
        row.played,
        row.pages_seen,
        row.opened_at,
        row.marked_done_at,
        row.position,
        row.done_at,
        row.revision,
        row.updated_at,
      );
      return Number(r.numAffectedRows ?? 0n) > 0;
    },

    findCompletion(userId: string, courseId: string, version: number, trx: Kysely<DB> = db): Promise<CompletionRow | undefined> {
      return trx
        .selectFrom('course_completions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('version', '=', version)
        .executeTakeFirst();
    },

    /** Records completion once; true only for the call that recorded it. */
    async insertCompletion(row: CompletionRow, trx: Kysely<DB>): Promise<boolean> {
      const r = await trx
        .insertInto('course_completions')
        .values(row)
        .onConflict((oc) => oc.columns(['user_id', 'course_id', 'version']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    /** Everyone enrolled in a course, with completion, latest enrolled first. */
    learners(courseId: string, limit: number): Promise<LearnerRow[]> {
      return db
        .selectFrom('enrolments')
        .innerJoin('users', 'users.id', 'enrolments.user_id')
        .leftJoin('course_completions', (join) =>
          join
            .onRef('course_completions.user_id', '=', 'enrolments.user_id')
            .onRef('course_completions.course_id', '=', 'enrolments.course_id')
            .onRef('course_completions.version', '=', 'enrolments.version'),
        )
        .select([
          'enrolments.user_id',
          'enrolments.course_id',
          'enrolments.version',
          'enrolments.enrolled_at',
          'enrolments.last_asset_id',
          'enrolments.last_activity_at',
          'enrolments.due_at',
          'users.display_name',
          'users.email',
          'course_completions.completed_at',
        ])
        .where('enrolments.course_id', '=', courseId)
        .orderBy('enrolments.enrolled_at', 'desc')
        .limit(limit)
        .execute()
        .then((rows) => rows.map((r) => ({ ...r, left_at: null })));
    },

    /** Everyone who left a course (their enrolment as it was then), with completion, latest to leave first. */
    pastLearners(courseId: string, limit: number): Promise<LearnerRow[]> {
      return db
        .selectFrom('past_enrolments')
        .innerJoin('users', 'users.id', 'past_enrolments.user_id')
        .leftJoin('course_completions', (join) =>
          join
            .onRef('course_completions.user_id', '=', 'past_enrolments.user_id')
            .onRef('course_completions.course_id', '=', 'past_enrolments.course_id')
            .onRef('course_completions.version', '=', 'past_enrolments.version'),
        )
        .select([
          'past_enrolments.user_id',
          'past_enrolments.course_id',
          'past_enrolments.version',
          'past_enrolments.enrolled_at',
          'past_enrolments.last_asset_id',
          'past_enrolments.last_activity_at',
          'past_enrolments.due_at',
          'users.display_name',
          'users.email',
          'course_completions.completed_at',
          'past_enrolments.left_at',
        ])
        .where('past_enrolments.course_id', '=', courseId)
        .orderBy('past_enrolments.left_at', 'desc')
        .limit(limit)
        .execute();
    },

    /** How many study a course and how many left it. */
    async learnerCounts(courseId: string): Promise<{ current: number; left: number }> {
      const count = (table: 'enrolments' | 'past_enrolments') =>
        db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .where('course_id', '=', courseId)
          .executeTakeFirstOrThrow();
      const [current, left] = [await count('enrolments'), await count('past_enrolments')];
      return { current: Number(current.n), left: Number(left.n) };
    },

    /** A learner's enrolments with their version's content, for the dashboard; most recently active first. */
    myEnrolments(userId: string, limit: number): Promise<MyEnrolmentRow[]> {
      return db
        .selectFrom('enrolments')
        .innerJoin('course_versions', (join) =>
          join.onRef('course_versions.course_id', '=', 'enrolments.course_id').onRef('course_versions.version', '=', 'enrolments.version'),
        )
        .innerJoin('courses', 'courses.id', 'enrolments.course_id')
        .innerJoin('users', 'users.id', 'courses.owner_id')
        .leftJoin('course_completions', (join) =>
          join
            .onRef('course_completions.user_id', '=', 'enrolments.user_id')
            .onRef('course_completions.course_id', '=', 'enrolments.course_id')
            .onRef('course_completions.version', '=', 'enrolments.version'),
        )
        .select([
          'enrolments.user_id',
          'enrolments.course_id',
          'enrolments.version',
          'enrolments.enrolled_at',
          'enrolments.last_asset_id',
          'enrolments.last_activity_at',
          'enrolments.due_at',
          'course_versions.content',
          'course_versions.published_at',
          'courses.latest_version',
          'courses.self_enrolment',
          'users.display_name as author_name',
          'course_completions.completed_at',
        ])
        .where('enrolments.user_id', '=', userId)
        .orderBy('enrolments.enrolled_at', 'desc')
        .limit(limit)
        .execute();
    },

    /** Files a learner has done, in every course: (course, version, asset). */
    doneOfUser(userId: string): Promise<{ course_id: string; version: number; asset_id: string }[]> {
      return db
        .selectFrom('learning_progress')
        .select(['course_id', 'version', 'asset_id'])
        .where('user_id', '=', userId)
        .where('done_at', 'is not', null)
        .execute();
    },

    /** A learner's graded attempts at the test of one version (what decides whether they passed it). */
    async gradedAttempts(userId: string, courseId: string, version: number): Promise<GradedAttemptRow[]> {
      return (await graded.execute(db, userId, courseId, version)).rows as GradedAttemptRow[];
    },

    /** The graded attempts of the given learners of a course (for the author's list). */
    async gradedAttemptsOfLearners(courseId: string, userIds: readonly string[]): Promise<GradedAttemptRow[]> {
      if (userIds.length === 0) return [];
      return db
        .selectFrom('quiz_attempts')
        .select(['user_id', 'version', 'number', 'percent'])
        .where('course_id', '=', courseId)
        .where('user_id', 'in', userIds)
        .where('state', '=', 'submitted')
        .where('percent', 'is not', null)
        .execute() as Promise<GradedAttemptRow[]>;
    },

    /** Progress rows of the given learners of a course (for the author's list). */
    async progressOfLearners(courseId: string, userIds: readonly string[]): Promise<ProgressRow[]> {
      if (userIds.length === 0) return [];
      return db.selectFrom('learning_progress').selectAll().where('course_id', '=', courseId).where('user_id', 'in', userIds).execute();
    },
  };
}

export type LearningRepository = ReturnType<typeof createLearningRepository>;
