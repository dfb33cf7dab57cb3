// Enrolment: enrol yourself, leave, your courses for the dashboard; for a course's managers, enrol people
// in bulk, find accounts to enrol, and whether the course is open to self-enrolment.
import type { z } from 'zod';
import type {
  BulkEnrolInput,
  BulkEnrolResult,
  CourseSettings,
  enrolCandidatesResponseSchema,
  enrolmentResultSchema,
  myCoursesResponseSchema,
  SelfEnrolment,
} from '../shared/courses.ts';
import { request } from './api.ts';

const base = (id: string) => `/api/courses/${encodeURIComponent(id)}`;

export const enrolmentApi = {
  enrol: (courseId: string) =>
    request<z.infer<typeof enrolmentResultSchema>>('POST', `${base(courseId)}/enrolment`),
  leave: (courseId: string) => request<void>('DELETE', `${base(courseId)}/enrolment`),
  myCourses: () => request<z.infer<typeof myCoursesResponseSchema>>('GET', '/api/me/courses'),
  enrolMany: (courseId: string, input: BulkEnrolInput) =>
    request<BulkEnrolResult>('POST', `${base(courseId)}/learners`, input),
  candidates: (courseId: string, query: string) =>
    request<z.infer<typeof enrolCandidatesResponseSchema>>(
      'GET',
      `${base(courseId)}/enrol-candidates?q=${encodeURIComponent(query)}`,
    ),
  setSelfEnrolment: (courseId: string, selfEnrolment: SelfEnrolment) =>
    request<CourseSettings>('PUT', `${base(courseId)}/settings`, { selfEnrolment } satisfies CourseSettings),
};
