// What learners (and everyone signed in) do with published courses: browse and search, read a version.
// Enrolling is in enrolment-api.ts.
import type { z } from 'zod';
import type { CatalogAnswer, CatalogQuery, courseResponseSchema } from '../shared/courses.ts';
import { request } from './api.ts';

type CourseAnswer = z.infer<typeof courseResponseSchema>;

const base = (id: string) => `/api/courses/${encodeURIComponent(id)}`;

export const catalogApi = {
  /** The catalog, searched: words of the title, topics or description; a topic; a language. */
  list: (query: CatalogQuery = {}) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
    const search = params.toString();
    return request<CatalogAnswer>('GET', `/api/courses${search ? `?${search}` : ''}`);
  },
  /** The reader's version: their enrolled one, the latest for others (authors: the latest). */
  view: (courseId: string) => request<CourseAnswer>('GET', base(courseId)),
  version: (courseId: string, version: number) =>
    request<CourseAnswer>('GET', `${base(courseId)}/versions/${version}`),
};

/** A file of a course, viewed from that course. */
export function courseFilePath(courseId: string, assetId: string): string {
  return `${base(courseId).replace('/api', '')}/files/${encodeURIComponent(assetId)}`;
}
