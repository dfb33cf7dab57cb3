// All SQL of test attempts, their answers and learners' allowances.
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseConfig } from '../config.ts';
import { prepared } from '../db/prepared.ts';
import type { DB, QuizAllowancesTable, QuizAttemptAnswersTable, QuizAttemptsTable } from '../db/types.ts';

export type AttemptRow = Selectable<QuizAttemptsTable>;
export type AnswerRow = Selectable<QuizAttemptAnswersTable>;
export type AllowanceRow = Selectable<QuizAllowancesTable>;
/** An attempt without its layout and grade (kilobytes each). */
export type AttemptBrief = Omit<AttemptRow, 'layout' | 'grade'>;

/** An attempt with its learner's name, for authors. */
export interface AttemptListRow extends AttemptRow {
  display_name: string;
  email: string;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function createAttemptsRepository(db: Kysely<DB>, dialect: DatabaseConfig['dialect']) {
  const postgres = dialect === 'postgres';
  // An answer save's queries, compiled once (db/prepared.ts).
  const saveLock = prepared(2, (trx, id: string, userId: string) => {
    const query = trx.selectFrom('quiz_attempts').select(['id', 'state', 'deadline_at']).where('id', '=', id).where('user_id', '=', userId);
    return postgres ? query.forUpdate() : query;
  });
  const answerUpsert = prepared(
    6,
    (
      trx,
      attemptId: string,
      questionId: string,
      answerIds: string,
      sequence: number,
      flaggedAt: number | null,
      savedAt: number,
    ) =>
      trx
        .insertInto('quiz_attempt_answers')
        .values({
          attempt_id: attemptId,
          question_id: questionId,
          answer_ids: answerIds,
          sequence,
          flagged_at: flaggedAt,
          saved_at: savedAt,
        })
        .onConflict((oc) =>
          oc
            .columns(['attempt_id', 'question_id'])
            .doUpdateSet({ answer_ids: answerIds, sequence, flagged_at: flaggedAt, saved_at: savedAt })
            .where('quiz_attempt_answers.sequence', '<', sequence),
        ),
  );
  const oneAnswer = prepared(2, (trx, attemptId: string, questionId: string) =>
    trx
      .selectFrom('quiz_attempt_answers')
      .selectAll()
      .where('attempt_id', '=', attemptId)
      .where('question_id', '=', questionId),
  );
  // Starting and submitting an attempt: its reads by key, compiled once too.
  const versionOfAttempt = prepared(1, (trx, id: string) =>
    trx.selectFrom('quiz_attempts').select(['course_id', 'version']).where('id', '=', id),
  );
  const statesOf = prepared(2, (trx, userId: string, courseId: string) =>
    trx.selectFrom('quiz_attempts').select('state').where('user_id', '=', userId).where('course_id', '=', courseId),
  );
  const answersOf = prepared(1, (trx, attemptId: string) =>
    trx.selectFrom('quiz_attempt_answers').selectAll().where('attempt_id', '=', attemptId),
  );
  const allowanceOf = prepared(2, (trx, userId: string, courseId: string) =>
    trx.selectFrom('quiz_allowances').selectAll().where('user_id', '=', userId).where('course_id', '=', courseId),
  );
  const enrolment = prepared(2, (trx, userId: string, courseId: string) =>
    trx.selectFrom('enrolments').select('version').where('user_id', '=', userId).where('course_id', '=', courseId),
  );
  const briefsOf = prepared(2, (trx, userId: string, courseId: string) =>
    trx
      .selectFrom('quiz_attempts')
      .select([
        'id',
        'user_id',
        'course_id',
        'version',
        'number',
        'state',
        'seed',
        'started_at',
        'deadline_at',
        'submitted_at',
        'submitted_by',
        'score',
        'max_score',
        'percent',
        'passed',
        'updated_at',
      ])
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId)
      .orderBy('number', 'asc'),
  );
  return {
    isUniqueViolation,

    find(id: string, trx: Kysely<DB> = db): Promise<AttemptRow | undefined> {
      return trx.selectFrom('quiz_attempts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The course version an attempt is of, without its layout and grade (kilobytes). */
    async versionOf(id: string): Promise<Pick<AttemptRow, 'course_id' | 'version'> | undefined> {
      return (await versionOfAttempt.execute(db, id)).rows[0];
    },

    /** The state of each of a learner's attempts at a course's test: how many, and whether one is open. */
    async statesOfLearner(userId: string, courseId: string): Promise<Pick<AttemptRow, 'state'>[]> {
      return (await statesOf.execute(db, userId, courseId)).rows;
    },

    /** A learner's attempts at a course's test, first first, without their layouts and grades. */
    async briefsOfLearner(userId: string, courseId: string): Promise<AttemptBrief[]> {
      return (await briefsOf.execute(db, userId, courseId)).rows;
    },

    /** The layouts of these attempts. */
    layoutsOf(ids: readonly string[]): Promise<Pick<AttemptRow, 'id' | 'layout'>[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db.selectFrom('quiz_attempts').select(['id', 'layout']).where('id', 'in', ids).execute();
    },

    /** A learner's attempts at a course's test, first first. */
    ofLearner(userId: string, courseId: string, trx: Kysely<DB> = db): Promise<AttemptRow[]> {
      return trx
        .selectFrom('quiz_attempts')
        .selectAll()
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .orderBy('number', 'asc')
        .execute();
    },

    /** Every attempt at a course's test, newest first, with the learner's name. */
    ofCourse(courseId: string, limit: number): Promise<AttemptListRow[]> {
      return db
        .selectFrom('quiz_attempts')
        .innerJoin('users', 'users.id', 'quiz_attempts.user_id')
        .selectAll('quiz_attempts')
        .select(['users.display_name', 'users.email'])
        .where('quiz_attempts.course_id', '=', courseId)
        .orderBy('quiz_attempts.started_at', 'desc')
        .limit(limit)
        .execute();
    },

    async insert(row: AttemptRow, trx: Kysely<DB>): Promise<void> {
      await trx.insertInto('quiz_attempts').values(row).execute();
    },

    /**
     * Touches an attempt and returns it: on PostgreSQL this locks its row until the transaction ends,
     * so a save and a submission of the same attempt take turns (SQLite runs one write at a time).
     */
    lockOwn(id: string, userId: string, now: number, trx: Kysely<DB>): Promise<AttemptRow | undefined> {
      return trx
        .updateTable('quiz_attempts')
        .set({ updated_at: now })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirst();
    },

    /**
     * What deciding a save needs, the attempt taking turns with a submission as lockOwn does, but
     * without rewriting the attempt's row (its layout is kilobytes): on PostgreSQL the row is locked
     * (FOR UPDATE); SQLite needs no lock, as its one connection runs one transaction at a time.
     */
    async lockForSave(id: string, userId: string, trx: Kysely<DB>): Promise<Pick<AttemptRow, 'id' | 'state' | 'deadline_at'> | undefined> {
      return (await saveLock.execute(trx, id, userId)).rows[0];
    },

    layoutText(id: string, trx: Kysely<DB> = db): Promise<string | undefined> {
      return trx
        .selectFrom('quiz_attempts')
        .select('layout')
        .where('id', '=', id)
        .executeTakeFirst()
        .then((r) => r?.layout);
    },

    lock(id: string, now: number, trx: Kysely<DB>): Promise<AttemptRow | undefined> {
      return trx.updateTable('quiz_attempts').set({ updated_at: now }).where('id', '=', id).returningAll().executeTakeFirst();
    },

    async update(id: string, values: Partial<AttemptRow>, trx: Kysely<DB> = db): Promise<void> {
      await trx.updateTable('quiz_attempts').set(values).where('id', '=', id).execute();
    },

    async answers(attemptId: string, trx: Kysely<DB> = db): Promise<AnswerRow[]> {
      return (await answersOf.execute(trx, attemptId)).rows;
    },

    async answer(attemptId: string, questionId: string, trx: Kysely<DB>): Promise<AnswerRow | undefined> {
      return (await oneAnswer.execute(trx, attemptId, questionId)).rows[0];
    },

    /**
     * Stores an answer unless the stored one has a sequence number at least as high (decideSave's
     * rule, kept by the write itself so a save needs no read first). True when it was stored.
     */
    async putAnswerIfNewer(row: AnswerRow, trx: Kysely<DB>): Promise<boolean> {
      const result = await answerUpsert.execute(
        trx,
        row.attempt_id,
        row.question_id,
        row.answer_ids,
        row.sequence,
        row.flagged_at,
        row.saved_at,
      );
      return Number(result.numAffectedRows ?? 0n) > 0;
    },

    async allowance(userId: string, courseId: string, trx: Kysely<DB> = db): Promise<AllowanceRow | undefined> {
      return (await allowanceOf.execute(trx, userId, courseId)).rows[0];
    },

    allowancesOfCourse(courseId: string): Promise<AllowanceRow[]> {
      return db.selectFrom('quiz_allowances').selectAll().where('course_id', '=', courseId).execute();
    },

    async putAllowance(row: AllowanceRow, trx: Kysely<DB> = db): Promise<void> {
      await trx
        .insertInto('quiz_allowances')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['user_id', 'course_id']).doUpdateSet({
            time_multiplier: row.time_multiplier,
            extra_minutes: row.extra_minutes,
            extra_attempts: row.extra_attempts,
            granted_by: row.granted_by,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },

    async enrolledVersion(userId: string, courseId: string): Promise<number | undefined> {
      return (await enrolment.execute(db, userId, courseId)).rows[0]?.version;
    },

    courseOwner(courseId: string): Promise<string | undefined> {
      return db
        .selectFrom('courses')
        .select('owner_id')
        .where('id', '=', courseId)
        .executeTakeFirst()
        .then((r) => r?.owner_id);
    },

    versionContent(courseId: string, version: number): Promise<string | undefined> {
      return db
        .selectFrom('course_versions')
        .select('content')
        .where('course_id', '=', courseId)
        .where('version', '=', version)
        .executeTakeFirst()
        .then((r) => r?.content);
    },

    user(userId: string): Promise<{ display_name: string; email: string } | undefined> {
      return db.selectFrom('users').select(['display_name', 'email']).where('id', '=', userId).executeTakeFirst();
    },

    userExists(userId: string): Promise<boolean> {
      return db
        .selectFrom('users')
        .select('id')
        .where('id', '=', userId)
        .executeTakeFirst()
        .then((r) => !!r);
    },
  };
}

export type AttemptsRepository = ReturnType<typeof createAttemptsRepository>;
