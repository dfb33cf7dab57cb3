// The published courses an author owns, and starting a new version of one.
import type { z } from 'zod';
import type { coursesResponseSchema } from '../shared/courses.ts';
import type { draftResponseSchema } from '../shared/drafts.ts';
import { request } from './api.ts';

const base = (id: string) => `/api/courses/${encodeURIComponent(id)}`;

export const coursesApi = {
  /** The signed-in author's published courses, each with the draft editing it, if any. */
  mine: () => request<z.infer<typeof coursesResponseSchema>>('GET', '/api/courses/mine'),
  /** Starts a draft prefilled from the course's latest version, or returns the one already open. */
  startEdit: (courseId: string) => request<z.infer<typeof draftResponseSchema>>('POST', `${base(courseId)}/drafts`),
};

/** The course's own page. */
export function coursePath(courseId: string): string {
  return `/courses/${encodeURIComponent(courseId)}`;
}
