// The administrators' job endpoints; what they answer is declared in src/shared/jobs.ts.
import type { z } from 'zod';
import type { JobsOverview, jobRetryAnswerSchema, ProbeAnswer } from '../shared/jobs.ts';
import { request } from './api.ts';

export {
  type FailedJob,
  JOB_STATES,
  type JobDriver,
  type JobState,
  type JobsOverview,
  type ProbeAnswer,
  type QueueCounts,
} from '../shared/jobs.ts';

export const jobsApi = {
  overview: () => request<JobsOverview>('GET', '/api/admin/jobs'),
  /** Fails with ApiError code "not_retryable" (409) when the job is no longer failed. */
  retry: (id: string) =>
    request<z.infer<typeof jobRetryAnswerSchema>>('POST', `/api/admin/jobs/${encodeURIComponent(id)}/retry`),
  probe: () => request<ProbeAnswer>('POST', '/api/admin/jobs/probe'),
};
