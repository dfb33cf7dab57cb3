// Enrolment: a learner enrols themselves when the course allows it (policies.mayEnrolSelf), leaves with
// their history kept, and comes back where they were; the course's managers enrol people in bulk (picked
// accounts or pasted addresses, each refusal named) with an optional due date, and choose whether the
// course is open to self-enrolment.
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { BulkEnrolResult, bulkEnrolSchema, EnrolCandidate, SelfEnrolment } from '../../shared/courses.ts';
import type { CourseRow, CoursesRepository } from '../courses/repository.ts';
import type { DB } from '../db/types.ts';
import { forbidden, notFound } from '../errors.ts';
import { mayEnrolOthers, mayEnrolSelf } from '../policies.ts';
import type { UserRow } from '../users/repository.ts';
import type { AccountRow, EnrolmentRepository } from './repository.ts';

const CANDIDATES_LIMIT = 50;
// Deliberately loose: the account lookup decides; this only tells a typo from an unknown address.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export type BulkEnrol = z.output<typeof bulkEnrolSchema>;

export function createEnrolmentService(deps: {
  db: Kysely<DB>;
  enrolment: EnrolmentRepository;
  courses: Pick<CoursesRepository, 'findCourse'>;
  now?: () => number;
}) {
  const { db, enrolment, courses } = deps;
  const now = deps.now ?? Date.now;

  async function course(courseId: string): Promise<CourseRow> {
    const row = await courses.findCourse(courseId);
    if (!row) throw notFound('No such course.');
    return row;
  }

  /** The course, if this user manages it; otherwise as if it did not exist for them. */
  async function managed(user: UserRow, courseId: string): Promise<CourseRow> {
    const row = await course(courseId);
    if (!mayEnrolOthers(user, { ownerId: row.owner_id })) throw notFound('No such course.');
    return row;
  }

  return {
    /** Enrols the reader in the latest version, or back in the one they left (resuming where they were). */
    async enrolSelf(
      user: UserRow,
      courseId: string,
    ): Promise<{ enrolledVersion: number; outcome: 'enrolled' | 'resumed' | 'already' }> {
      const row = await course(courseId);
      const [current, past] = [
        await enrolment.findEnrolment(user.id, courseId),
        await enrolment.findPast(user.id, courseId),
      ];
      if (
        !current &&
        !mayEnrolSelf(user, { ownerId: row.owner_id, selfEnrolment: row.self_enrolment }, past !== undefined)
      ) {
        throw forbidden('This course is by invitation only: its author enrols its learners.', 'invitation_only');
      }
      const outcome = await db
        .transaction()
        .execute((trx) =>
          enrolment.enrol({ userId: user.id, courseId, version: row.latest_version, at: now(), enrolledBy: null }, trx),
        );
      const enrolled = await enrolment.findEnrolment(user.id, courseId);
      return { enrolledVersion: enrolled?.version ?? row.latest_version, outcome };
    },

    /** Leaves the course: the enrolment moves to the past (progress and completion stay). */
    async leave(user: UserRow, courseId: string): Promise<void> {
      await course(courseId);
      const left = await db.transaction().execute((trx) => enrolment.leave(user.id, courseId, now(), trx));
      if (!left) throw notFound('You are not enrolled in this course.', 'not_enrolled');
    },

    async setSelfEnrolment(
      user: UserRow,
      courseId: string,
      value: SelfEnrolment,
    ): Promise<{ selfEnrolment: SelfEnrolment }> {
      await managed(user, courseId);
      await enrolment.setSelfEnrolment(courseId, value, now());
      return { selfEnrolment: value };
    },

    /** Accounts the manager may pick: active, not enrolled yet, matching the query. */
    async candidates(user: UserRow, courseId: string, query: string): Promise<EnrolCandidate[]> {
      await managed(user, courseId);
      return (await enrolment.candidates(courseId, query, CANDIDATES_LIMIT)).map((a) => ({
        userId: a.id,
        name: a.display_name,
        email: a.email,
      }));
    },

    /**
     * Enrols picked accounts and pasted addresses in one transaction; an address that is malformed,
     * unknown or of a disabled account is named in `errors` and the rest are enrolled. An account already
     * enrolled gets the due date given (when one is).
     */
    async enrolMany(user: UserRow, courseId: string, input: BulkEnrol): Promise<BulkEnrolResult> {
      const row = await managed(user, courseId);
      const errors: BulkEnrolResult['errors'] = [];
      const wellFormed: string[] = [];
      for (const address of input.emails) {
        if (EMAIL.test(address)) wellFormed.push(address);
        else errors.push({ address, message: 'This is not an email address.' });
      }
      const byEmail = new Map((await enrolment.accountsByEmail(wellFormed)).map((a) => [a.email.toLowerCase(), a]));
      const byId = new Map((await enrolment.accountsById(input.userIds)).map((a) => [a.id, a]));
      const accounts = new Map<string, AccountRow>();
      for (const address of wellFormed) {
        const account = byEmail.get(address.toLowerCase());
        if (!account) errors.push({ address, message: 'No account uses this address.' });
        else if (account.disabled_at !== null) errors.push({ address, message: 'This account is disabled.' });
        else accounts.set(account.id, account);
      }
      for (const id of input.userIds) {
        const account = byId.get(id);
        if (!account) errors.push({ address: id, message: 'No such account.' });
        else if (account.disabled_at !== null)
          errors.push({ address: account.email, message: 'This account is disabled.' });
        else accounts.set(account.id, account);
      }
      const dueAt = input.dueAt === null ? undefined : Date.parse(input.dueAt);
      const at = now();
      const enrolled: BulkEnrolResult['enrolled'] = [];
      await db.transaction().execute(async (trx) => {
        for (const account of accounts.values()) {
          const outcome = await enrolment.enrol(
            { userId: account.id, courseId, version: row.latest_version, at, enrolledBy: user.id, dueAt },
            trx,
          );
          enrolled.push({ userId: account.id, name: account.display_name, email: account.email, outcome });
        }
      });
      return { enrolled, errors };
    },
  };
}

export type EnrolmentService = ReturnType<typeof createEnrolmentService>;
