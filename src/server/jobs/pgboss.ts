// The pg-boss job queue: jobs live in pg-boss's own schema (`pgboss` by default) in the application's
// PostgreSQL database, one pg-boss queue per catalog job name. Any number of processes enqueue, work
// and schedule; pg-boss claims jobs with SKIP LOCKED and, in its supervise pass, expires a job whose
// worker died once its expiration (the job's timeout) has passed, so it runs again elsewhere.
import { CronExpressionParser } from 'cron-parser';
import type { Kysely } from 'kysely';
import { fromKysely, PgBoss, type SendOptions } from 'pg-boss';
import type { DB } from '../db/types.ts';
import { JOB_CATALOG, JOB_NAMES, type JobName, parsePayload } from './catalog.ts';
import { type ScheduleTicker, startScheduleTicker } from './pgboss-scheduler.ts';
import { createJobSql, isJobId } from './pgboss-sql.ts';
import { startWorkerPool, type WorkerPool } from './pgboss-worker.ts';
import {
  type EnqueueOptions,
  JOB_STATES,
  type JobEventSink,
  type JobQueue,
  type JobState,
  type QueueCounts,
} from './queue.ts';

export interface PgBossQueueOptions {
  connectionString: string;
  db: Kysely<DB>;
  onEvent?: JobEventSink;
  /** How often idle workers look for jobs. */
  pollIntervalSeconds?: number;
  /** Delay before the first retry (whole seconds in pg-boss, at least 1); it doubles with each attempt. */
  retryBaseDelayMs?: number;
  /** pg-boss's schema; `pgboss` by default. */
  schema?: string;
  /**
   * How often pg-boss's supervise pass runs (claimed by one process at a time): it expires jobs whose
   * worker died, so such a job is queued for a retry at most this long after its timeout.
   */
  superviseIntervalSeconds?: number;
  /** Problems of background work (pg-boss errors, failed polls); they never throw. */
  onError?: (err: unknown) => void;
}

const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export async function createPgBossJobQueue(options: PgBossQueueOptions): Promise<JobQueue> {
  const { db } = options;
  const schema = options.schema ?? 'pgboss';
  const emit: JobEventSink = options.onEvent ?? (() => {});
  const onError = options.onError ?? (() => {});
  const pollMs = Math.round((options.pollIntervalSeconds ?? 2) * 1000);
  // pg-boss's backoff waits between 1 and 2 times this before the first retry, doubling after.
  const retryDelay = Math.max(1, Math.round((options.retryBaseDelayMs ?? 5_000) / 1000));
  const superviseSeconds = options.superviseIntervalSeconds ?? 15;

  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema,
    migrate: true,
    // Schedules are fired by pgboss-scheduler.ts: pg-boss's cron sends at most one job a minute.
    schedule: false,
    superviseIntervalSeconds: superviseSeconds,
    monitorIntervalSeconds: superviseSeconds,
  });
  // An 'error' event without a listener would be thrown by the emitter and end the process.
  boss.on('error', onError);
  try {
    await boss.start();
    for (const name of JOB_NAMES) {
      // 'standard', which ignores singleton keys: 'exclusive' (one job queued or active per key) also
      // counts a job without a key as holding the empty key, so one unkeyed job per name at a time.
      // Keys are enforced by a check serialised on the key instead (send below, JobSql.keyBusy).
      await boss.createQueue(name, { policy: 'standard' });
    }
  } catch (err) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw err;
  }

  const jobs = createJobSql(db, schema);
  let workers: WorkerPool | null = null;
  let scheduler: ScheduleTicker | null = null;
  let stopping: Promise<void> | null = null;

  async function send(name: JobName, payload: unknown, opts: EnqueueOptions, id?: string): Promise<string | null> {
    parsePayload(name, payload);
    const definition = JOB_CATALOG[name];
    const attempts = opts.attempts ?? definition.attempts;
    if (!Number.isInteger(attempts) || attempts < 1) throw new Error('attempts must be a whole number of at least 1');
    // pg-boss rejects an option present but undefined, hence the conditional spreads.
    const sendOptions: SendOptions = {
      retryLimit: attempts - 1,
      retryDelay,
      retryBackoff: true,
      expireInSeconds: toSeconds(opts.timeoutMs ?? definition.timeoutMs),
      ...(id !== undefined && { id }),
      ...(opts.runAt !== undefined && { startAfter: opts.runAt }),
      ...(opts.priority !== undefined && { priority: opts.priority }),
      ...(opts.singletonKey !== undefined && { singletonKey: opts.singletonKey }),
    };
    const data = payload as object;
    const key = opts.singletonKey;
    let jobId: string | null;
    if (key === undefined) {
      jobId = await boss.send(name, data, opts.trx ? { ...sendOptions, db: fromKysely(opts.trx) } : sendOptions);
    } else {
      // The check and the insert share a transaction (the caller's, or one of ours) holding the key's lock.
      const insert = async (trx: Kysely<DB>) =>
        (await jobs.keyBusy(trx, name, key)) ? null : boss.send(name, data, { ...sendOptions, db: fromKysely(trx) });
      jobId = await (opts.trx ? insert(opts.trx) : db.transaction().execute(insert));
    }
    if (jobId === null) return null;
    // Inside a caller's transaction the job may still be rolled back: announce only what exists.
    if (!opts.trx) {
      emit({ jobId, name, state: 'created' });
      workers?.wake();
    }
    return jobId;
  }

  return {
    driver: 'pg-boss',

    enqueue: (name, payload, opts = {}) => send(name, payload, opts),

    async cancel(jobId) {
      const name = isJobId(jobId) ? await jobs.cancel(jobId) : null;
      if (name === null) return false;
      // Here at once; a worker in another process notices within its claim check.
      workers?.cancelled(jobId);
      emit({ jobId, name, state: 'cancelled' });
      return true;
    },

    async cancelByKey(name, singletonKey) {
      const ids = await jobs.cancelByKey(name, singletonKey);
      for (const jobId of ids) {
        workers?.cancelled(jobId);
        emit({ jobId, name, state: 'cancelled' });
      }
      return ids.length;
    },

    async schedule(name, cron, payload) {
      parsePayload(name, payload);
      // Read as the scheduler will read it; pg-boss alone would also accept an RFC 5545 rule.
      CronExpressionParser.parse(cron, { tz: 'UTC' });
      await boss.schedule(name, cron, payload as object, { tz: 'UTC' });
    },

    async unschedule(name) {
      await boss.unschedule(name);
    },

    getJob: (jobId) => (isJobId(jobId) ? jobs.getJob(jobId) : Promise.resolve(null)),

    async counts(): Promise<QueueCounts[]> {
      const rows = await jobs.counts();
      return JOB_NAMES.map((name) => {
        const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
        for (const r of rows) if (r.name === name) counts[r.state] = r.count;
        return { name, counts };
      });
    },

    listFailed: (limit) => jobs.listFailed(limit),

    async retry(jobId) {
      const name = isJobId(jobId) ? await jobs.retry(jobId) : null;
      if (name === null) return false;
      emit({ jobId, name, state: 'created' });
      workers?.wake();
      return true;
    },

    async startWorkers(registry, { groups, concurrency }) {
      if (workers) throw new Error('Workers are already running in this process');
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new Error('concurrency must be a whole number of at least 1');
      const names = JOB_NAMES.filter((name) => !groups || groups.includes(JOB_CATALOG[name].group));
      if (names.length === 0) return;
      workers = startWorkerPool({ boss, jobs, emit, onError, pollMs }, registry, names, concurrency);
    },

    async startScheduler() {
      scheduler ??= startScheduleTicker(boss, (name, payload, id) => send(name, payload, {}, id), onError);
    },

    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        await scheduler?.stop();
        await workers?.stop(graceMs);
        // Not graceful: this process runs no pg-boss workers, and a graceful stop would wait for a
        // background migration step in progress instead of leaving it to the next start.
        await boss.stop({ graceful: false }).catch(onError);
      })();
      return stopping;
    },
  };
}
