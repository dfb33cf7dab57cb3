// What a course's author (or an admin) sees of its test attempts: every attempt with its learner,
// one attempt in full (answers, grade per question), and each learner's allowance. These are the
// routes' response schemas.
import { z } from 'zod';
import { allowanceSchema, attemptViewSchema } from './attempts.ts';

const attemptLearnerSchema = z.object({ id: z.string(), displayName: z.string(), email: z.string() });

export const courseAttemptRowSchema = z.object({
  id: z.string(),
  learner: attemptLearnerSchema,
  number: z.number(),
  state: z.enum(['open', 'submitted']),
  startedAt: z.string(),
  deadline: z.string().nullable(),
  submittedAt: z.string().nullable(),
  submittedBy: z.enum(['learner', 'deadline']).nullable(),
  /** Seconds from start to submission; null while open. */
  timeTakenSeconds: z.number().nullable(),
  percent: z.number().nullable(),
  passed: z.boolean().nullable(),
});
export type CourseAttemptRow = z.infer<typeof courseAttemptRowSchema>;

/** GET /api/courses/:id/attempts */
export const courseAttemptsViewSchema = z.object({
  attempts: z.array(courseAttemptRowSchema),
  /** Learners given extra time or attempts, by user id. */
  allowances: z.record(z.string(), allowanceSchema),
});
export type CourseAttemptsView = z.infer<typeof courseAttemptsViewSchema>;

/** GET /api/attempts/:id for the course's author: the attempt with everything (answers, marks, right answers). */
export const authorAttemptViewSchema = z.object({
  attempt: attemptViewSchema,
  learner: attemptLearnerSchema,
  /** Seconds from start to submission; null while open. */
  timeTakenSeconds: z.number().nullable(),
});
export type AuthorAttemptView = z.infer<typeof authorAttemptViewSchema>;

export const allowanceResponseSchema = z.object({ allowance: allowanceSchema });
