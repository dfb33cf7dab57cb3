// The administrators' job endpoints and what they answer. Kept next to the page that uses them
// for now; they may move to src/shared once the server exports the same types.
import { request } from './api.ts';

export const JOB_STATES = ['created', 'retry', 'active', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export type JobDriver = 'embedded' | 'pg-boss';

export interface QueueCounts {
  name: string;
  counts: Record<JobState, number>;
}

export interface FailedJob {
  id: string;
  name: string;
  state: JobState;
  attempt: number;
  error: string | null;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; null while the job has not finished. */
  finishedAt: string | null;
}

export interface JobsOverview {
  driver: JobDriver;
  queues: QueueCounts[];
  failed: FailedJob[];
}

export interface ProbeAnswer {
  jobId: string;
  probeId: string;
}

export const jobsApi = {
  overview: () => request<JobsOverview>('GET', '/api/admin/jobs'),
  /** Fails with ApiError code "not_retryable" (409) when the job is no longer failed. */
  retry: (id: string) => request<{ retried: true }>('POST', `/api/admin/jobs/${encodeURIComponent(id)}/retry`),
  probe: () => request<ProbeAnswer>('POST', '/api/admin/jobs/probe'),
};
