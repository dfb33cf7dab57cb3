// Every job Lectern knows: name → payload schema → queue group and defaults. Handlers are
// registered separately (registry.ts); the process refuses to start if one is missing or doubled.
import { z } from 'zod';

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** Workers can be limited to groups, so heavy work (video) can live on its own machines. */
  group: 'default' | 'media' | 'maintenance';
  attempts: number;
  timeoutMs: number;
}

function define<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

export const JOB_CATALOG = {
  /**
   * A worker health check from the admin page ("test the workers"); it records that it ran.
   * `holdMs` keeps it busy, which the scale-out tests use to kill a worker mid-job.
   */
  'system.probe': define({
    schema: z.object({ probeId: z.string().min(1).max(100), holdMs: z.number().int().min(0).max(600_000).default(0) }),
    group: 'default',
    attempts: 3,
    timeoutMs: 15 * 60_000,
  }),
  /** Deletes expired sessions and stale sign-in throttle rows. */
  'auth.purge-expired-sessions': define({
    schema: z.object({}),
    group: 'maintenance',
    attempts: 3,
    timeoutMs: 5 * 60_000,
  }),
  /** The garbage collector's run (hourly by default, or from the admin page; dry or real). */
  'gc.collect': define({
    schema: z.object({ dryRun: z.boolean().default(false), trigger: z.enum(['schedule', 'manual']).default('schedule') }),
    group: 'maintenance',
    attempts: 1,
    timeoutMs: 2 * 60 * 60_000,
  }),
  /** A finished upload: detect its real type, store it as a blob, queue its processing. */
  'assets.ingest': define({
    schema: z.object({ assetId: z.string().min(1).max(64) }),
    group: 'default',
    attempts: 5,
    timeoutMs: 30 * 60_000,
  }),
  /** Derivatives of a document, image, caption or Flash file (thumbnails, PDF, HTML preview). */
  'assets.process': define({
    schema: z.object({ assetId: z.string().min(1).max(64) }),
    group: 'default',
    attempts: 3,
    timeoutMs: 10 * 60_000,
  }),
  /** Audio (and video) work needing ffmpeg: on `media` workers. */
  'assets.process-media': define({
    schema: z.object({ assetId: z.string().min(1).max(64) }),
    group: 'media',
    attempts: 3,
    timeoutMs: 4 * 60 * 60_000,
  }),
  /**
   * A test attempt at its deadline + grace: submitted and graded with every acknowledged answer if
   * still open (queued when the attempt starts, again when its deadline moves).
   */
  'attempts.submit-overdue': define({
    schema: z.object({ attemptId: z.string().min(1).max(64) }),
    group: 'default',
    attempts: 5,
    timeoutMs: 5 * 60_000,
  }),
  /** A learner completed a course version (recorded once): queues its certificate. */
  'learning.course-completed': define({
    schema: z.object({ userId: z.string().min(1).max(64), courseId: z.string().min(1).max(64), version: z.number().int().min(1) }),
    group: 'default',
    attempts: 5,
    timeoutMs: 5 * 60_000,
  }),
  /**
   * Issues the learner's certificate of a completed course version (queued by
   * learning.course-completed): idempotent, one certificate per learner and version (a unique key).
   */
  'certificates.issue': define({
    schema: z.object({ userId: z.string().min(1).max(64), courseId: z.string().min(1).max(64), version: z.number().int().min(1) }),
    group: 'default',
    attempts: 5,
    timeoutMs: 5 * 60_000,
  }),
} as const;

export type JobCatalog = typeof JOB_CATALOG;
export type JobName = keyof JobCatalog;
export type JobPayload<N extends JobName> = z.input<JobCatalog[N]['schema']>;
export type ParsedJobPayload<N extends JobName> = z.output<JobCatalog[N]['schema']>;
export const JOB_NAMES = Object.keys(JOB_CATALOG) as JobName[];
export const JOB_GROUPS = ['default', 'media', 'maintenance'] as const;

/** Validates a payload against its job's schema; throws a readable error naming the job. */
export function parsePayload<N extends JobName>(name: N, payload: unknown): ParsedJobPayload<N> {
  const definition = JOB_CATALOG[name];
  if (!definition) throw new Error(`Unknown job "${String(name)}"`);
  const result = definition.schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid payload for job "${name}": ${issue?.path.join('.') || '(root)'} ${issue?.message}`);
  }
  return result.data as ParsedJobPayload<N>;
}
