// All SQL of enrolment: who studies a course (and until when), leaving with the history kept in
// past_enrolments, coming back, the course's self-enrolment setting, and the accounts an author may enrol.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, EnrolmentsTable, PastEnrolmentsTable } from '../db/types.ts';
import { escapeLike, LIKE_ESCAPE } from '../courses/search.ts';

export type EnrolmentRecord = Selectable<EnrolmentsTable>;
export type PastEnrolmentRecord = Selectable<PastEnrolmentsTable>;

export interface AccountRow {
  id: string;
  email: string;
  display_name: string;
  disabled_at: number | null;
}

export function createEnrolmentRepository(db: Kysely<DB>) {
  const findEnrolment = (
    userId: string,
    courseId: string,
    trx: Kysely<DB> = db,
  ): Promise<EnrolmentRecord | undefined> =>
    trx
      .selectFrom('enrolments')
      .selectAll()
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId)
      .executeTakeFirst();
  const findPast = (userId: string, courseId: string, trx: Kysely<DB> = db): Promise<PastEnrolmentRecord | undefined> =>
    trx
      .selectFrom('past_enrolments')
      .selectAll()
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId)
      .executeTakeFirst();

  return {
    findEnrolment,
    findPast,

    /** Enrolments of these users in one course. */
    async enrolledAmong(courseId: string, userIds: readonly string[], trx: Kysely<DB> = db): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const rows = await trx
        .selectFrom('enrolments')
        .select('user_id')
        .where('course_id', '=', courseId)
        .where('user_id', 'in', userIds)
        .execute();
      return new Set(rows.map((r) => r.user_id));
    },

    /**
     * Enrols the learner: back in their past enrolment when they left one (same version, where they
     * were), else in `version`. Already enrolled: only the due date changes when one is given.
     */
    async enrol(
      row: {
        userId: string;
        courseId: string;
        version: number;
        at: number;
        enrolledBy: string | null;
        dueAt?: number | null;
      },
      trx: Kysely<DB>,
    ): Promise<'enrolled' | 'resumed' | 'already'> {
      const current = await trx
        .selectFrom('enrolments')
        .select('user_id')
        .where('user_id', '=', row.userId)
        .where('course_id', '=', row.courseId)
        .executeTakeFirst();
      if (current) {
        if (row.dueAt !== undefined) {
          await trx
            .updateTable('enrolments')
            .set({ due_at: row.dueAt })
            .where('user_id', '=', row.userId)
            .where('course_id', '=', row.courseId)
            .execute();
        }
        return 'already';
      }
      const past = await findPast(row.userId, row.courseId, trx);
      const values: EnrolmentRecord = past
        ? {
            user_id: past.user_id,
            course_id: past.course_id,
            version: past.version,
            enrolled_at: past.enrolled_at,
            enrolled_by: row.enrolledBy ?? past.enrolled_by,
            due_at: row.dueAt !== undefined ? row.dueAt : past.due_at,
            last_asset_id: past.last_asset_id,
            last_activity_at: past.last_activity_at,
          }
        : {
            user_id: row.userId,
            course_id: row.courseId,
            version: row.version,
            enrolled_at: row.at,
            enrolled_by: row.enrolledBy,
            due_at: row.dueAt ?? null,
            last_asset_id: null,
            last_activity_at: null,
          };
      // Two enrolments at once: the second does nothing and reports what is there.
      const inserted = await trx
        .insertInto('enrolments')
        .values(values)
        .onConflict((oc) => oc.columns(['user_id', 'course_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return 'already';
      if (past) {
        await trx
          .deleteFrom('past_enrolments')
          .where('user_id', '=', row.userId)
          .where('course_id', '=', row.courseId)
          .execute();
        return 'resumed';
      }
      return 'enrolled';
    },

    /** Moves the enrolment to past_enrolments (the progress rows stay); false when there was none. */
    async leave(userId: string, courseId: string, at: number, trx: Kysely<DB>): Promise<boolean> {
      const current = await findEnrolment(userId, courseId, trx);
      if (!current) return false;
      const deleted = await trx
        .deleteFrom('enrolments')
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) return false;
      const past: PastEnrolmentRecord = { ...current, left_at: at };
      await trx
        .insertInto('past_enrolments')
        .values(past)
        .onConflict((oc) =>
          oc.columns(['user_id', 'course_id']).doUpdateSet({
            version: past.version,
            enrolled_at: past.enrolled_at,
            enrolled_by: past.enrolled_by,
            due_at: past.due_at,
            last_asset_id: past.last_asset_id,
            last_activity_at: past.last_activity_at,
            left_at: past.left_at,
          }),
        )
        .execute();
      return true;
    },

    async setSelfEnrolment(courseId: string, value: 'open' | 'invitation', at: number): Promise<void> {
      await db
        .updateTable('courses')
        .set({ self_enrolment: value, updated_at: at })
        .where('id', '=', courseId)
        .execute();
    },

    /** Accounts by address, compared lower-cased. */
    accountsByEmail(emails: readonly string[]): Promise<AccountRow[]> {
      if (emails.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('users')
        .select(['id', 'email', 'display_name', 'disabled_at'])
        .where(
          sql<string>`lower(email)`,
          'in',
          emails.map((e) => e.toLowerCase()),
        )
        .execute();
    },

    accountsById(ids: readonly string[]): Promise<AccountRow[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('users')
        .select(['id', 'email', 'display_name', 'disabled_at'])
        .where('id', 'in', ids)
        .execute();
    },

    /** Active accounts not enrolled in the course, matching a name or address, for the author's picker. */
    candidates(courseId: string, query: string, limit: number): Promise<AccountRow[]> {
      let q = db
        .selectFrom('users')
        .select(['id', 'email', 'display_name', 'disabled_at'])
        .where('disabled_at', 'is', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('enrolments')
                .select('user_id')
                .whereRef('enrolments.user_id', '=', 'users.id')
                .where('enrolments.course_id', '=', courseId),
            ),
          ),
        )
        .orderBy('display_name')
        .orderBy('email')
        .limit(limit);
      const text = query.trim().toLowerCase();
      if (text) {
        const pattern = `%${escapeLike(text)}%`;
        q = q.where((eb) =>
          eb.or([
            sql<boolean>`lower(display_name) like ${pattern} escape ${LIKE_ESCAPE}`,
            sql<boolean>`lower(email) like ${pattern} escape ${LIKE_ESCAPE}`,
          ]),
        );
      }
      return q.execute();
    },
  };
}

export type EnrolmentRepository = ReturnType<typeof createEnrolmentRepository>;
