// The cache keys of server state, in one place so that a page and the events that change its
// answer name the same entry.
export const queryKeys = {
  jobs: ['admin', 'jobs'] as const,
  storage: ['admin', 'storage'] as const,
  myFiles: ['assets', 'mine'] as const,
  myStorage: ['assets', 'usage'] as const,
  usersStorage: ['admin', 'storage-usage'] as const,
  authorDrafts: ['drafts', 'mine'] as const,
  authorCourses: ['courses', 'mine'] as const,
  catalog: ['courses', 'catalog'] as const,
};
