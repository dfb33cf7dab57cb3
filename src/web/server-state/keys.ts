// The cache keys of server state, in one place so that a page and the events that change its
// answer name the same entry.
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
  /** A course as the reader sees it (their version; `version` for an author's older one). */
  course: (courseId: string, version?: number) => ['courses', courseId, version ?? 'current'] as const,
  /** The signed-in learner's progress through a course. */
  learning: (courseId: string) => ['learning', courseId] as const,
  courseLearners: (courseId: string) => ['learning', courseId, 'learners'] as const,
};
