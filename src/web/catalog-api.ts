// What learners (and everyone signed in) do with published courses: browse, read a version, enrol.
import type { z } from 'zod';
import type { courseResponseSchema, coursesResponseSchema, enrolmentResultSchema } from '../shared/courses.ts';
import { request } from './api.ts';

const base = (id: string) => `/api/courses/${encodeURIComponent(id)}`;

export const catalogApi = {
  list: () => request<z.infer<typeof coursesResponseSchema>>('GET', '/api/courses'),
  /** The reader's version: their enrolled one, the latest for others (authors: the latest). */
  view: (courseId: string) => request<z.infer<typeof courseResponseSchema>>('GET', base(courseId)),
  version: (courseId: string, version: number) =>
    request<z.infer<typeof courseResponseSchema>>('GET', `${base(courseId)}/versions/${version}`),
  enrol: (courseId: string) => request<z.infer<typeof enrolmentResultSchema>>('POST', `${base(courseId)}/enrolment`),
};

/** A file of a course, viewed from that course. */
export function courseFilePath(courseId: string, assetId: string): string {
  return `${base(courseId).replace('/api', '')}/files/${encodeURIComponent(assetId)}`;
}
