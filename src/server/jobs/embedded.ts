// The embedded job queue: a jobs table in the application's own (SQLite) database, run in-process.
// Workers hold a job by a lease renewed by heartbeat; a job whose worker died runs again once its
// lease expires. Schedules fire once per period by compare-and-set on their next run time.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CronExpressionParser } from 'cron-parser';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, JobsTable } from '../db/types.ts';
import { JOB_CATALOG, JOB_NAMES, type JobName, parsePayload } from './catalog.ts';
import {
  type EnqueueOptions,
  JOB_STATES,
  type JobEventSink,
  type JobInfo,
  type JobQueue,
  type JobState,
  type QueueCounts,
  type WorkerOptions,
} from './queue.ts';
import type { JobRegistry } from './registry.ts';

export interface EmbeddedQueueOptions {
  db: Kysely<DB>;
  onEvent?: JobEventSink;
  pollIntervalMs?: number;
  /** First retry delay; doubles with each attempt. */
  retryBaseDelayMs?: number;
  leaseMs?: number;
  now?: () => number;
  /** Errors the queue survives (a failed poll, heartbeat or schedule tick), as the pg-boss driver reports them. */
  onError?: (err: unknown) => void;
}

type JobRow = Selectable<JobsTable>;
const LIVE_STATES = ['created', 'retry', 'active'] as const;
const MAX_RETRY_DELAY_MS = 60 * 60_000;

export function nextCronTime(cron: string, after: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(after), tz: 'UTC' }).next().getTime();
}

function toInfo(row: JobRow): JobInfo {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    attempt: row.attempt,
    error: row.error,
    createdAt: new Date(row.created_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  };
}

export function createEmbeddedJobQueue(options: EmbeddedQueueOptions): JobQueue {
  const { db } = options;
  const now = options.now ?? Date.now;
  const emit: JobEventSink = options.onEvent ?? (() => {});
  const onError = options.onError ?? (() => {});
  const pollMs = options.pollIntervalMs ?? 500;
  const leaseMs = options.leaseMs ?? 30_000;
  const retryBaseMs = options.retryBaseDelayMs ?? 5_000;
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  const running = new Map<string, AbortController>();
  const timers = new Set<NodeJS.Timeout>();
  let workerNames: JobName[] = [];
  let concurrency = 0;
  let registry: JobRegistry | null = null;
  let stopped = false;
  let wake: (() => void) | null = null;
  let loop: Promise<void> | null = null;
  const handlersSettled = new Set<Promise<void>>();

  function every(ms: number, fn: () => Promise<void>): void {
    const timer = setInterval(() => {
      fn().catch(onError);
    }, ms);
    timer.unref();
    timers.add(timer);
  }

  async function claim(): Promise<JobRow | undefined> {
    const at = now();
    return db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'active',
        attempt: eb('attempt', '+', 1),
        lease_until: at + leaseMs,
        worker_id: workerId,
        started_at: at,
        progress: null,
      }))
      .where('id', '=', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          // Written as a literal so SQLite matches it to the partial index jobs_due_idx.
          .where(sql<boolean>`state IN ('created', 'retry')`)
          .where('run_at', '<=', at)
          .where('name', 'in', workerNames)
          .orderBy('priority', 'desc')
          .orderBy('run_at')
          .orderBy('created_at')
          .limit(1),
      )
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * A worker that died holding a job (its lease expired) hands it back: queued again while
   * attempts remain, failed after the last.
   */
  async function recoverAbandoned(): Promise<void> {
    const at = now();
    const expired = (q: ReturnType<typeof db.updateTable<'jobs'>>) =>
      q.where('state', '=', 'active').where('lease_until', '<', at);
    await expired(db.updateTable('jobs').set({ state: 'retry', run_at: at, lease_until: null, worker_id: null }))
      .where((w) => w('attempt', '<', w.ref('max_attempts')))
      .execute();
    const abandoned = await expired(
      db
        .updateTable('jobs')
        .set({ state: 'failed', error: 'The worker stopped while running the last attempt.', finished_at: at, lease_until: null }),
    )
      .where((w) => w('attempt', '>=', w.ref('max_attempts')))
      .returning(['id', 'name', 'error'])
      .execute();
    for (const row of abandoned) emit({ jobId: row.id, name: row.name, state: 'failed', error: row.error ?? undefined });
    if (abandoned.length > 0) wake?.();
  }

  async function settle(row: JobRow, outcome: { ok: true } | { ok: false; error: string }): Promise<void> {
    const at = now();
    const mine = (q: ReturnType<typeof db.updateTable<'jobs'>>) =>
      q.where('id', '=', row.id).where('state', '=', 'active').where('worker_id', '=', workerId);
    if (outcome.ok) {
      const r = await mine(db.updateTable('jobs').set({ state: 'completed', finished_at: at, lease_until: null, progress: 100 })).executeTakeFirst();
      if (r.numUpdatedRows > 0n) emit({ jobId: row.id, name: row.name, state: 'completed' });
      return;
    }
    const retry = row.attempt < row.max_attempts;
    const delay = Math.min(retryBaseMs * 2 ** (row.attempt - 1), MAX_RETRY_DELAY_MS);
    const r = await mine(
      db.updateTable('jobs').set({
        state: retry ? 'retry' : 'failed',
        run_at: retry ? at + delay : row.run_at,
        error: outcome.error.slice(0, 4000),
        lease_until: null,
        finished_at: retry ? null : at,
      }),
    ).executeTakeFirst();
    if (r.numUpdatedRows > 0n) emit({ jobId: row.id, name: row.name, state: retry ? 'retry' : 'failed', error: outcome.error });
  }

  async function execute(row: JobRow): Promise<void> {
    const controller = new AbortController();
    running.set(row.id, controller);
    emit({ jobId: row.id, name: row.name, state: 'active' });
    const timeout = setTimeout(() => controller.abort(new Error(`Timed out after ${row.timeout_ms} ms`)), row.timeout_ms);
    const heartbeat = setInterval(() => {
      db.updateTable('jobs')
        .set({ lease_until: now() + leaseMs })
        .where('id', '=', row.id)
        .where('state', '=', 'active')
        .where('worker_id', '=', workerId)
        .executeTakeFirst()
        .then((r) => {
          // Lost the job: cancelled (possibly by another process) or taken over.
          if (r.numUpdatedRows === 0n) controller.abort(new Error('The job was cancelled'));
        })
        .catch(onError);
    }, Math.max(100, Math.min(2000, Math.floor(leaseMs / 3))));
    try {
      const handler = (registry as JobRegistry).handlerFor(row.name as JobName);
      const payload = parsePayload(row.name as JobName, JSON.parse(row.payload));
      const work = handler(payload as never, {
        jobId: row.id,
        attempt: row.attempt,
        signal: controller.signal,
        progress: async (percent) => {
          const value = Math.max(0, Math.min(100, Math.round(percent)));
          await db.updateTable('jobs').set({ progress: value }).where('id', '=', row.id).execute();
          emit({ jobId: row.id, name: row.name, state: 'active', progress: value });
        },
      });
      // A handler that ignores its abort signal must not hold the slot past its timeout.
      const aborted = new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      });
      await Promise.race([work, aborted]);
      await settle(row, { ok: true });
    } catch (err) {
      await settle(row, { ok: false, error: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timeout);
      clearInterval(heartbeat);
      running.delete(row.id);
      wake?.();
    }
  }

  async function workLoop(): Promise<void> {
    while (!stopped) {
      let claimed = false;
      if (running.size < concurrency) {
        const row = await claim().catch((err: unknown) => {
          onError(err);
          return undefined;
        });
        if (row) {
          claimed = true;
          const settled = execute(row).finally(() => handlersSettled.delete(settled));
          handlersSettled.add(settled);
        }
      }
      if (!claimed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  }

  async function fireDueSchedules(): Promise<void> {
    const at = now();
    const due = await db.selectFrom('job_schedules').selectAll().where('next_run_at', '<=', at).execute();
    for (const schedule of due) {
      const next = nextCronTime(schedule.cron, at);
      await db.transaction().execute(async (trx) => {
        // Compare-and-set: of all processes seeing this period, exactly one moves it on and enqueues.
        const moved = await trx
          .updateTable('job_schedules')
          .set({ next_run_at: next, updated_at: at })
          .where('name', '=', schedule.name)
          .where('next_run_at', '=', schedule.next_run_at)
          .executeTakeFirst();
        if (moved.numUpdatedRows > 0n) {
          await queue.enqueue(schedule.name as JobName, JSON.parse(schedule.payload), { trx });
        }
      });
    }
  }

  async function purgeOldJobs(): Promise<void> {
    const at = now();
    await db.deleteFrom('jobs').where('state', '=', 'completed').where('finished_at', '<', at - 7 * 86_400_000).execute();
    await db
      .deleteFrom('jobs')
      .where('state', 'in', ['failed', 'cancelled'])
      .where('finished_at', '<', at - 30 * 86_400_000)
      .execute();
  }

  const queue: JobQueue = {
    driver: 'embedded',

    async enqueue(name, payload, opts: EnqueueOptions = {}) {
      const parsed = parsePayload(name, payload);
      const definition = JOB_CATALOG[name];
      const at = now();
      const id = randomUUID();
      const result = await (opts.trx ?? db)
        .insertInto('jobs')
        .values({
          id,
          name,
          job_group: definition.group,
          payload: JSON.stringify(parsed),
          state: 'created',
          priority: opts.priority ?? 0,
          run_at: opts.runAt?.getTime() ?? at,
          attempt: 0,
          max_attempts: opts.attempts ?? definition.attempts,
          timeout_ms: opts.timeoutMs ?? definition.timeoutMs,
          singleton_key: opts.singletonKey ?? null,
          lease_until: null,
          worker_id: null,
          error: null,
          progress: null,
          created_at: at,
          started_at: null,
          finished_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (!result.numInsertedOrUpdatedRows) return null;
      // Inside a caller's transaction the job may still be rolled back: announce only what exists.
      if (!opts.trx) {
        emit({ jobId: id, name, state: 'created' });
        wake?.();
      } else {
        // The caller commits in a moment: look again soon rather than at the next poll (an upload's
        // ingest and a video's fast path are waited for).
        for (const delay of [5, 30, 150]) setTimeout(() => wake?.(), delay).unref();
      }
      return id;
    },

    async cancel(jobId) {
      const r = await db
        .updateTable('jobs')
        .set({ state: 'cancelled', finished_at: now(), lease_until: null })
        .where('id', '=', jobId)
        .where('state', 'in', LIVE_STATES)
        .returning(['name'])
        .executeTakeFirst();
      if (!r) return false;
      running.get(jobId)?.abort(new Error('The job was cancelled'));
      emit({ jobId, name: r.name, state: 'cancelled' });
      return true;
    },

    async cancelByKey(name, singletonKey) {
      const rows = await db
        .selectFrom('jobs')
        .select('id')
        .where('name', '=', name)
        .where('singleton_key', '=', singletonKey)
        .where('state', 'in', LIVE_STATES)
        .execute();
      let cancelled = 0;
      for (const row of rows) if (await queue.cancel(row.id)) cancelled++;
      return cancelled;
    },

    async schedule(name, cron, payload) {
      const parsed = parsePayload(name, payload);
      const at = now();
      const values = { cron, payload: JSON.stringify(parsed), updated_at: at };
      const existing = await db.selectFrom('job_schedules').selectAll().where('name', '=', name).executeTakeFirst();
      if (existing && existing.cron === cron && existing.payload === values.payload) return;
      await db
        .insertInto('job_schedules')
        .values({ name, ...values, next_run_at: nextCronTime(cron, at) })
        .onConflict((oc) => oc.column('name').doUpdateSet({ ...values, next_run_at: nextCronTime(cron, at) }))
        .execute();
    },

    async unschedule(name) {
      await db.deleteFrom('job_schedules').where('name', '=', name).execute();
    },

    async getJob(jobId) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
      return row ? toInfo(row) : null;
    },

    async counts(): Promise<QueueCounts[]> {
      const rows = await db
        .selectFrom('jobs')
        .select(['name', 'state', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy(['name', 'state'])
        .execute();
      return JOB_NAMES.map((name) => {
        const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
        for (const r of rows) if (r.name === name) counts[r.state] = Number(r.count);
        return { name, counts };
      });
    },

    async listFailed(limit) {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('state', '=', 'failed')
        .orderBy('finished_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toInfo);
    },

    async retry(jobId) {
      try {
        const r = await db
          .updateTable('jobs')
          .set({ state: 'created', attempt: 0, run_at: now(), error: null, finished_at: null, progress: null })
          .where('id', '=', jobId)
          .where('state', 'in', ['failed', 'cancelled'])
          .returning(['name'])
          .executeTakeFirst();
        if (!r) return false;
        emit({ jobId, name: r.name, state: 'created' });
        wake?.();
        return true;
      } catch {
        // A newer live job holds the same singleton key.
        return false;
      }
    },

    async startWorkers(jobRegistry: JobRegistry, workerOptions: WorkerOptions) {
      registry = jobRegistry;
      concurrency = workerOptions.concurrency;
      workerNames = JOB_NAMES.filter((n) => !workerOptions.groups || workerOptions.groups.includes(JOB_CATALOG[n].group));
      if (workerNames.length === 0) return;
      stopped = false;
      every(Math.max(500, Math.floor(leaseMs / 4)), recoverAbandoned);
      loop = workLoop();
    },

    async startScheduler() {
      every(250, fireDueSchedules);
      every(10 * 60_000, purgeOldJobs);
    },

    async stop(graceMs = 10_000) {
      stopped = true;
      wake?.();
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      await loop;
      if (handlersSettled.size > 0 && graceMs > 0) {
        await Promise.race([Promise.allSettled([...handlersSettled]), new Promise((r) => setTimeout(r, graceMs))]);
      }
      // Jobs still running are handed back, uncounted, for the next start or another process.
      for (const [id, controller] of running) {
        await db
          .updateTable('jobs')
          .set((eb) => ({ state: 'retry', attempt: eb('attempt', '-', 1), run_at: now(), lease_until: null }))
          .where('id', '=', id)
          .where('state', '=', 'active')
          .where('worker_id', '=', workerId)
          .execute()
          .catch(onError);
        controller.abort(new Error('The worker is shutting down'));
      }
      await Promise.allSettled([...handlersSettled]);
    },
  };
  return queue;
}
