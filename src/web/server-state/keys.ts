// The cache keys of server state, in one place so that a page and the events that change its
// answer name the same entry.
import type { LearnerStatus } from '../../shared/learning.ts';

export const queryKeys = {
  jobs: ['admin', 'jobs'] as const,
  storage: ['admin', 'storage'] as const,
  myFiles: ['assets', 'mine'] as const,
  /** One file as the upload manager last saw it (see components/uploads/UploadsProvider.tsx). */
  asset: (id: string) => ['assets', 'one', id] as const,
  myStorage: ['assets', 'usage'] as const,
  usersStorage: ['admin', 'storage-usage'] as const,
  /** The OpenAPI document the API reference page shows. */
  apiReference: ['admin', 'openapi'] as const,
  authorDrafts: ['drafts', 'mine'] as const,
  authorCourses: ['courses', 'mine'] as const,
  catalog: ['courses', 'catalog'] as const,
  /** The catalog searched (under `catalog`, so invalidating the catalog refreshes every search). */
  catalogSearch: (q: string, topic: string, language: string) => ['courses', 'catalog', q, topic, language] as const,
  /** The signed-in learner's courses with progress (the dashboard). */
  myCourses: ['courses', 'my-learning'] as const,
  /** A course as the reader sees it (their version; `version` for an author's older one). */
  course: (courseId: string, version?: number) => ['courses', courseId, version ?? 'current'] as const,
  /** The signed-in learner's progress through a course. */
  learning: (courseId: string) => ['learning', courseId] as const,
  /** A course's learners for its author, by status (under `courseLearnersAny`, which refreshes every status). */
  courseLearners: (courseId: string, status: LearnerStatus = 'current') =>
    ['learning', courseId, 'learners', status] as const,
  courseLearnersAny: (courseId: string) => ['learning', courseId, 'learners'] as const,
  /** A course's test attempts and allowances, for its author. */
  courseAttempts: (courseId: string) => ['attempts-admin', courseId] as const,
  /** One attempt in full, for the course's author. */
  authorAttempt: (attemptId: string) => ['attempts-admin', 'attempt', attemptId] as const,
  /** A course's test as the signed-in learner sees it: the rules and their attempts. */
  testOverview: (courseId: string) => ['attempts', 'course', courseId] as const,
  /** One attempt as its reader may see it. */
  attempt: (attemptId: string) => ['attempts', 'one', attemptId] as const,
  myCertificates: ['certificates', 'mine'] as const,
  adminCertificates: (q: string) => ['admin', 'certificates', q] as const,
  verification: (code: string) => ['verify', code] as const,
  certificateSettings: (courseId: string) => ['courses', courseId, 'certificate-settings'] as const,
};
