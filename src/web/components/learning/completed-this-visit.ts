// The courses this visit of the app completed (a progress answer said `completedNow`): the player
// announces the completion once, and the announcement must outlive the player itself — it is made
// again whenever its route is (a session check re-rendering the signed-in tree, a file opened from
// the drawer on a phone), and component state would forget it. A reload starts a new visit: from
// then on the completion is the word beside the progress bar.
const completed = new Set<string>();
const listeners = new Set<() => void>();

export function markCompletedThisVisit(courseId: string): void {
  if (completed.has(courseId)) return;
  completed.add(courseId);
  for (const listener of listeners) listener();
}

export function completedThisVisit(courseId: string): boolean {
  return completed.has(courseId);
}

/** For `useSyncExternalStore`: called whenever a course is completed in this visit. */
export function subscribeToCompletions(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
