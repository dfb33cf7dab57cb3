// Taking a course's test: the overview with the learner's attempts, start or resume, one request
// per answer change, submit, and an attempt as the server lets its reader see it. Correctness,
// marks and feedback come only from the server's review, never worked out in the browser.
import type { z } from 'zod';
import type {
  attemptResponseSchema,
  SaveAnswerBody,
  SaveAnswerResult,
  testOverviewResponseSchema,
} from '../shared/attempts.ts';
import { request } from './api.ts';

type AttemptAnswer = z.infer<typeof attemptResponseSchema>;

const course = (id: string) => `/api/courses/${encodeURIComponent(id)}`;
const attempt = (id: string) => `/api/attempts/${encodeURIComponent(id)}`;

export const attemptsApi = {
  overview: (courseId: string) =>
    request<z.infer<typeof testOverviewResponseSchema>>('GET', `${course(courseId)}/test`),
  /** Starts an attempt, or resumes the open one (same layout and answers). */
  start: (courseId: string) => request<AttemptAnswer>('POST', `${course(courseId)}/attempts`),
  get: (attemptId: string) => request<AttemptAnswer>('GET', attempt(attemptId)),
  saveAnswer: (attemptId: string, questionId: string, body: SaveAnswerBody) =>
    request<SaveAnswerResult>('PUT', `${attempt(attemptId)}/answers/${encodeURIComponent(questionId)}`, body),
  submit: (attemptId: string) => request<AttemptAnswer>('POST', `${attempt(attemptId)}/submit`),
};

export function attemptPath(attemptId: string, question?: number): string {
  return `/attempts/${encodeURIComponent(attemptId)}${question ? `?q=${question}` : ''}`;
}

export function resultPath(attemptId: string): string {
  return `/attempts/${encodeURIComponent(attemptId)}/result`;
}
