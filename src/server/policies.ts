// Who may do what, in one place (as Outline's server/policies): pure functions of the person
// asking and the facts about the thing, which the services look up and pass in. Routes declare
// the coarse access (signed in, a role); these decide per object.
import type { Role } from '../shared/accounts.ts';

export interface Actor {
  id: string;
  role: Role;
}

/** The owner of a file, draft or course, or an administrator: may change, publish or delete it. */
export function mayManage(actor: Actor, thing: { ownerId: string }): boolean {
  return actor.id === thing.ownerId || actor.role === 'admin';
}

/**
 * Questions may be imported into a draft by its author only, not an administrator: the imported
 * images become the author's files and count against their quota.
 */
export function mayImportInto(actor: Actor, draft: { ownerId: string }): boolean {
  return actor.id === draft.ownerId;
}

/** Authors and administrators make courses and upload their files. */
export function mayAuthor(actor: Actor): boolean {
  return actor.role === 'author' || actor.role === 'admin';
}

/**
 * How a reader stands to a course: its author (or an administrator) sees every version and the
 * test set; an enrolled learner their own version; anyone else the outline, to decide whether to enrol.
 */
export type CourseStanding = 'author' | 'learner' | 'visitor';

export function courseStanding(actor: Actor, course: { ownerId: string }, enrolledVersion: number | null): CourseStanding {
  if (mayManage(actor, course)) return 'author';
  return enrolledVersion === null ? 'visitor' : 'learner';
}

/**
 * A file may be read by whoever may manage it, and by a reader of a course that uses it: an
 * enrolled learner of a version with it, or the author of such a course.
 */
export function mayReadFile(actor: Actor, file: { ownerId: string }, usedByACourseOfTheReader: () => Promise<boolean>): Promise<boolean> {
  return mayManage(actor, file) ? Promise.resolve(true) : usedByACourseOfTheReader();
}

/**
 * Whether a reader may enrol themselves: in an open course; in one by invitation only, whoever manages
 * it, and a learner who was enrolled before and left (enrolling again resumes their history).
 */
export function mayEnrolSelf(
  actor: Actor,
  course: { ownerId: string; selfEnrolment: 'open' | 'invitation' },
  enrolledBefore: boolean,
): boolean {
  return course.selfEnrolment === 'open' || enrolledBefore || mayManage(actor, course);
}

/** Enrolling others, their due dates and the course's enrolment setting: whoever manages the course. */
export function mayEnrolOthers(actor: Actor, course: { ownerId: string }): boolean {
  return mayManage(actor, course);
}
