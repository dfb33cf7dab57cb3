// The administrators' view of the background jobs, as the server answers it (GET /api/admin/jobs).
import { z } from 'zod';

export const JOB_STATES = ['created', 'retry', 'active', 'completed', 'failed', 'cancelled'] as const;
export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;

export const jobDriverSchema = z.enum(['embedded', 'pg-boss']);
export type JobDriver = z.infer<typeof jobDriverSchema>;

export const queueCountsSchema = z.object({
  name: z.string(),
  counts: z.record(jobStateSchema, z.number()),
});
export type QueueCounts = z.infer<typeof queueCountsSchema>;

export const failedJobSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: jobStateSchema,
  attempt: z.number(),
  error: z.string().nullable(),
  /** ISO 8601. */
  createdAt: z.string(),
  /** ISO 8601; null while the job has not finished. */
  finishedAt: z.string().nullable(),
});
export type FailedJob = z.infer<typeof failedJobSchema>;

export const jobsOverviewSchema = z.object({
  driver: jobDriverSchema,
  queues: z.array(queueCountsSchema),
  failed: z.array(failedJobSchema),
});
export type JobsOverview = z.infer<typeof jobsOverviewSchema>;

/** POST /api/admin/jobs/probe: the queued probe job, and the id its worker answers with. */
export const probeAnswerSchema = z.object({ jobId: z.string(), probeId: z.string() });
export type ProbeAnswer = z.infer<typeof probeAnswerSchema>;

/** POST /api/admin/jobs/:id/retry (a job no longer failed is a 409 `not_retryable`). */
export const jobRetryAnswerSchema = z.object({ retried: z.literal(true) });
