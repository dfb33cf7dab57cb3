// The job queue interface. Drivers: embedded (a jobs table in SQLite, run in-process) and
// pg-boss (PostgreSQL). Feature code only sees this interface and the typed catalog.
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { JobName, JobPayload } from './catalog.ts';
import type { JobRegistry } from './registry.ts';

import type { JobState } from '../../shared/jobs.ts';

// The states are the admin API's (src/shared/jobs.ts): one list for the queue and its answers.
export { JOB_STATES, type JobState } from '../../shared/jobs.ts';

export interface EnqueueOptions {
  /** Not before this time. */
  runAt?: Date;
  /** Higher runs first. */
  priority?: number;
  /** While a job with this key is queued or running, enqueuing another is a no-op (returns null). */
  singletonKey?: string;
  /** Total attempts, the first included. */
  attempts?: number;
  /** A running attempt is aborted (and retried if attempts remain) after this long; pg-boss rounds up to seconds. */
  timeoutMs?: number;
  /**
   * The caller's open transaction: the job exists if and only if it commits. No 'created' event is
   * announced for it (it could still roll back); workers pick it up at their next poll.
   */
  trx?: Kysely<DB>;
}

export interface JobContext {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the job is cancelled, times out, or the worker shuts down. */
  signal: AbortSignal;
  /** Reports progress (0–100) to live listeners. */
  progress(percent: number): Promise<void>;
}

export interface JobInfo {
  id: string;
  name: string;
  state: JobState;
  attempt: number;
  error: string | null;
  createdAt: Date;
  /** When it finished (completed, failed or cancelled); null otherwise. */
  finishedAt: Date | null;
}

export interface QueueCounts {
  name: string;
  counts: Record<JobState, number>;
}

/** What a job did, announced to live listeners on every change of state or progress. */
export interface JobEvent {
  jobId: string;
  name: string;
  state: JobState;
  progress?: number;
  error?: string;
}

export interface WorkerOptions {
  /** Queue groups this process serves; all when absent. */
  groups?: readonly string[];
  /** Jobs run at once by this process. */
  concurrency: number;
}

export interface JobQueue {
  readonly driver: 'embedded' | 'pg-boss';
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<string | null>;
  /** Cancels a queued or running job; a running handler's signal is aborted. False when already finished. */
  cancel(jobId: string): Promise<boolean>;
  /** Cancels every queued or running job of a name with a singleton key. */
  cancelByKey(name: JobName, singletonKey: string): Promise<number>;
  /** Registers (or replaces) a cron schedule; it fires once per period across all processes. */
  schedule<N extends JobName>(name: N, cron: string, payload: JobPayload<N>): Promise<void>;
  unschedule(name: JobName): Promise<void>;
  getJob(jobId: string): Promise<JobInfo | null>;
  counts(): Promise<QueueCounts[]>;
  listFailed(limit: number): Promise<JobInfo[]>;
  /** Runs a failed or cancelled job again, from its first attempt. False when not retryable. */
  retry(jobId: string): Promise<boolean>;
  /** Starts running jobs from the registry in this process. */
  startWorkers(registry: JobRegistry, options: WorkerOptions): Promise<void>;
  /** Starts firing schedules from this process (safe on several processes at once). */
  startScheduler(): Promise<void>;
  /** Stops fetching, lets running jobs finish for up to `graceMs`, then aborts them. */
  stop(graceMs?: number): Promise<void>;
}

/** A listener for job events, given to a driver by whoever publishes them (the event bus). */
export type JobEventSink = (event: JobEvent) => void;
