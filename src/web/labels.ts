// How roles and statuses are named on screen.
import type { Role } from '../shared/accounts.ts';
import type { JobDriver, JobState } from './jobs-api.ts';

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  author: 'Author',
  learner: 'Learner',
};

/** Column headings of the job counts, in the order they are shown. */
export const JOB_STATE_LABELS: Record<JobState, string> = {
  created: 'Queued',
  retry: 'Retrying',
  active: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const JOB_DRIVER_LABELS: Record<JobDriver, string> = {
  embedded: 'Embedded queue',
  'pg-boss': 'PostgreSQL (pg-boss)',
};
