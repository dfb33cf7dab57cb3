// A learner's progress through a course: read it, report what was studied, and for authors the
// course's learners. The rules deciding what is done are the server's (shared/progress.ts).
import type { z } from 'zod';
import type {
  LearnerStatus,
  learnersResponseSchema,
  learningResponseSchema,
  ProgressReportAnswer,
} from '../shared/learning.ts';
import type { ProgressReport } from '../shared/progress.ts';
import { request } from './api.ts';

const base = (id: string) => `/api/courses/${encodeURIComponent(id)}`;

export const learningApi = {
  progress: (courseId: string) => request<z.infer<typeof learningResponseSchema>>('GET', `${base(courseId)}/progress`),
  /** `keepalive` for the last report when the learner leaves the page. */
  report: (courseId: string, report: ProgressReport, keepalive = false) =>
    request<ProgressReportAnswer>('POST', `${base(courseId)}/progress`, report, { keepalive }),
  /** Current learners unless `status` asks for those who left, or all. */
  learners: (courseId: string, status: LearnerStatus = 'current') =>
    request<z.infer<typeof learnersResponseSchema>>(
      'GET',
      `${base(courseId)}/learners${status === 'current' ? '' : `?status=${status}`}`,
    ),
};

/** A file of a course, opened in the course player. */
export function learnPath(courseId: string, assetId: string): string {
  return `/courses/${encodeURIComponent(courseId)}/learn/${encodeURIComponent(assetId)}`;
}
