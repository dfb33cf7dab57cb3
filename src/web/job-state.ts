// Live job events can arrive out of order (several nodes publish them, and a page may also learn
// a state from a reload). A job's view moves forward only: a job that has finished does not go
// back to "running" because a late "active" event arrived.
import type { JobState } from './jobs-api.ts';

const STAGE: Record<JobState, number> = {
  created: 0,
  // A failed attempt waiting for the next; the next attempt's "active" may follow it.
  retry: 1,
  active: 1,
  completed: 2,
  failed: 2,
  cancelled: 2,
};

/** Whether an event saying `incoming` should replace what the page shows (`current`). */
export function movesJobForward(current: JobState, incoming: JobState): boolean {
  return STAGE[incoming] >= STAGE[current] && !(STAGE[current] === 2 && current !== incoming);
}
