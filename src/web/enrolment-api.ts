// Enrolment: enrol yourself, leave, your courses for the dashboard; for a course's managers, enrol people
// in bulk, find accounts to enrol, and whether the course is open to self-enrolment.
import type {
  BulkEnrolInput,
  BulkEnrolResult,
  EnrolCandidate,
  MyCourseView,
  SelfEnrolment,
} from '../shared/courses.ts';
import { request } from './api.ts';

const base = (id: string) => `/api/courses/${encodeURIComponent(id)}`;

export const enrolmentApi = {
  enrol: (courseId: string) =>
    request<{ enrolledVersion: number; outcome: 'enrolled' | 'resumed' | 'already' }>(
      'POST',
      `${base(courseId)}/enrolment`,
    ),
  leave: (courseId: string) => request<void>('DELETE', `${base(courseId)}/enrolment`),
  myCourses: () => request<{ courses: MyCourseView[] }>('GET', '/api/me/courses'),
  enrolMany: (courseId: string, input: BulkEnrolInput) =>
    request<BulkEnrolResult>('POST', `${base(courseId)}/learners`, input),
  candidates: (courseId: string, query: string) =>
    request<{ candidates: EnrolCandidate[] }>(
      'GET',
      `${base(courseId)}/enrol-candidates?q=${encodeURIComponent(query)}`,
    ),
  setSelfEnrolment: (courseId: string, selfEnrolment: SelfEnrolment) =>
    request<{ selfEnrolment: SelfEnrolment }>('PUT', `${base(courseId)}/settings`, { selfEnrolment }),
};
