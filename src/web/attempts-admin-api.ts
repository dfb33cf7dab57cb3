// A course's test attempts as its author (or an admin) manages them: the list, one attempt in full,
// reopening a submitted attempt, and a learner's allowance (extra attempts, extra time).
import type { z } from 'zod';
import type { AuthorAttemptView, allowanceResponseSchema, CourseAttemptsView } from '../shared/attempts-admin.ts';
import type { allowanceSchema } from '../shared/attempts.ts';
import { request } from './api.ts';

type AllowanceAnswer = z.infer<typeof allowanceResponseSchema>;

const course = (id: string) => `/api/courses/${encodeURIComponent(id)}`;
const learner = (courseId: string, userId: string) => `${course(courseId)}/learners/${encodeURIComponent(userId)}`;

export const attemptsAdminApi = {
  list: (courseId: string) => request<CourseAttemptsView>('GET', `${course(courseId)}/attempts`),
  attempt: (attemptId: string) => request<AuthorAttemptView>('GET', `/api/attempts/${encodeURIComponent(attemptId)}`),
  reopen: (attemptId: string) =>
    request<AuthorAttemptView>('POST', `/api/attempts/${encodeURIComponent(attemptId)}/reopen`),
  grantExtraAttempt: (courseId: string, userId: string) =>
    request<AllowanceAnswer>('POST', `${learner(courseId, userId)}/extra-attempts`),
  setAllowance: (courseId: string, userId: string, allowance: z.input<typeof allowanceSchema>) =>
    request<AllowanceAnswer>('PUT', `${learner(courseId, userId)}/allowance`, allowance),
};

export const courseAttemptsPath = (courseId: string) => `/courses/${encodeURIComponent(courseId)}/attempts`;
export const authorAttemptPath = (courseId: string, attemptId: string) =>
  `${courseAttemptsPath(courseId)}/${encodeURIComponent(attemptId)}`;

/** "12 min 5 s", "1 h 3 min", "40 s". */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}
