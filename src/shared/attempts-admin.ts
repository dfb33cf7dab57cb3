// What a course's author (or an admin) sees of its test attempts: every attempt with its learner,
// one attempt in full (answers, grade per question), and each learner's allowance.
import type { Allowance, AttemptView } from './attempts.ts';

export interface CourseAttemptRow {
  id: string;
  learner: { id: string; displayName: string; email: string };
  number: number;
  state: 'open' | 'submitted';
  startedAt: string;
  deadline: string | null;
  submittedAt: string | null;
  submittedBy: 'learner' | 'deadline' | null;
  /** Seconds from start to submission; null while open. */
  timeTakenSeconds: number | null;
  percent: number | null;
  passed: boolean | null;
}

/** GET /api/courses/:id/attempts */
export interface CourseAttemptsView {
  attempts: CourseAttemptRow[];
  /** Learners given extra time or attempts, by user id. */
  allowances: Record<string, Allowance>;
}

/** GET /api/attempts/:id for the course's author: the attempt with everything (answers, marks, right answers). */
export interface AuthorAttemptView {
  attempt: AttemptView;
  learner: { id: string; displayName: string; email: string };
  /** Seconds from start to submission; null while open. */
  timeTakenSeconds: number | null;
}
