// Job queue throughput: 5,000 no-op `system.probe` jobs, timed from the first enqueue until the last
// one is completed, on the embedded driver (SQLite) and on pg-boss (PostgreSQL). Each run has a fresh
// database; each driver runs RUNS times and the median is reported, with every run for the noise.
//
// Enqueueing is in parallel batches of ENQUEUE_BATCH concurrent enqueue() calls (as many request
// handlers enqueueing at once would), each batch awaited before the next, in the same process as the
// workers. Completions are counted from the queue's 'completed' events (emitted once the completion is
// written), then checked against queue.counts(): exactly JOBS completed and nothing failed or left.
//
// `enqueue_only_per_s` is measured on another fresh database with no workers running: the same
// batched enqueue of JOBS jobs, nothing else.
import { createDatabase, type Database } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { createEmbeddedJobQueue } from '../src/server/jobs/embedded.ts';
import { createPgBossJobQueue } from '../src/server/jobs/pgboss.ts';
import type { JobEvent, JobQueue } from '../src/server/jobs/queue.ts';
import { registryWith } from '../src/server/testing/jobs.ts';
import { createTestDatabase, type TestDatabase } from '../src/server/testing/databases.ts';
import { median, round } from './_stats.ts';

const JOBS = 5000;
const RUNS = 3;
const CONCURRENCY = 8;
const ENQUEUE_BATCH = 50;
// The embedded driver's test value (its default is 500 ms); it is woken on enqueue and on each
// finished job anyway, so the poll only matters when a wake-up is missed.
const EMBEDDED_POLL_MS = 50;
// pg-boss's own floor for polling (its default here is 2 s); also woken on enqueue and finish.
const PGBOSS_POLL_SECONDS = 0.5;
const RUN_TIMEOUT_MS = 180_000;

type Driver = 'embedded' | 'pgboss';

// No-op handlers for every job.
const registry = registryWith([]);

interface Bench {
  queue: JobQueue;
  /** Resolves when `n` completions have been announced; rejects on a failure or after the timeout. */
  completions(n: number): Promise<void>;
  close(): Promise<void>;
}

async function open(driver: Driver): Promise<Bench> {
  const testDb: TestDatabase = await createTestDatabase(driver === 'embedded' ? 'sqlite' : 'postgres');
  let db: Database | null = null;
  let queue: JobQueue | null = null;
  let completed = 0;
  let target = Number.POSITIVE_INFINITY;
  let settle: ((err?: Error) => void) | null = null;
  const onEvent = (event: JobEvent) => {
    if (event.state === 'completed') {
      completed++;
      if (completed >= target) settle?.();
    } else if (event.state === 'failed' || event.state === 'retry') {
      settle?.(new Error(`job ${event.jobId} went to ${event.state}: ${event.error ?? ''}`));
    }
  };
  let errors = 0;
  const onError = (err: unknown) => {
    if (errors++ < 5) console.error(`jobs: pg-boss reported: ${err instanceof Error ? err.message : String(err)}`);
  };
  const close = async () => {
    settle?.(new Error('closed before all jobs completed'));
    await queue?.stop(0).catch(() => {});
    await db?.destroy().catch(() => {});
    await testDb.drop();
  };
  try {
    db = createDatabase(testDb.config);
    await migrateToLatest(db);
    queue =
      testDb.config.dialect === 'sqlite'
        ? createEmbeddedJobQueue({ db, onEvent, pollIntervalMs: EMBEDDED_POLL_MS })
        : await createPgBossJobQueue({
            connectionString: testDb.config.connectionString,
            db,
            onEvent,
            onError,
            pollIntervalSeconds: PGBOSS_POLL_SECONDS,
          });
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
  return {
    queue,
    completions(n) {
      target = n;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => settle?.(new Error(`timed out after ${RUN_TIMEOUT_MS} ms with ${completed}/${n} completed`)),
          RUN_TIMEOUT_MS,
        );
        settle = (err) => {
          settle = null;
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        if (completed >= n) settle();
      });
    },
    close,
  };
}

async function enqueueAll(queue: JobQueue, run: number): Promise<void> {
  for (let i = 0; i < JOBS; i += ENQUEUE_BATCH) {
    const calls: Promise<string | null>[] = [];
    for (let j = i; j < Math.min(i + ENQUEUE_BATCH, JOBS); j++) {
      calls.push(queue.enqueue('system.probe', { probeId: `bench-${run}-${j}` }));
    }
    const ids = await Promise.all(calls);
    if (ids.includes(null)) throw new Error('an enqueue returned null (no job created)');
  }
}

async function probeCounts(queue: JobQueue) {
  const counts = (await queue.counts()).find((c) => c.name === 'system.probe')?.counts;
  if (!counts) throw new Error('queue.counts() has no row for system.probe');
  return counts;
}

/** Jobs per second from the first enqueue until all JOBS are completed. */
async function endToEnd(driver: Driver, run: number): Promise<number> {
  const bench = await open(driver);
  try {
    await bench.queue.startWorkers(registry, { concurrency: CONCURRENCY });
    const done = bench.completions(JOBS);
    done.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    const start = performance.now();
    await enqueueAll(bench.queue, run);
    const enqueued = performance.now() - start;
    await done;
    const seconds = (performance.now() - start) / 1000;
    const counts = await probeCounts(bench.queue);
    const others = Object.entries(counts).filter(([state, n]) => state !== 'completed' && n !== 0);
    if (counts.completed !== JOBS || counts.failed !== 0 || others.length > 0) {
      throw new Error(`${driver}: expected ${JOBS} completed and nothing else, got ${JSON.stringify(counts)}`);
    }
    console.error(
      `jobs: ${driver} run ${run}/${RUNS}: ${JOBS} jobs in ${seconds.toFixed(2)} s = ${Math.round(JOBS / seconds)} jobs/s` +
        ` (all enqueued after ${(enqueued / 1000).toFixed(2)} s)`,
    );
    return JOBS / seconds;
  } finally {
    await bench.close();
  }
}

/** Enqueues per second with no workers running. */
async function enqueueOnly(driver: Driver, run: number): Promise<number> {
  const bench = await open(driver);
  try {
    const start = performance.now();
    await enqueueAll(bench.queue, run);
    const seconds = (performance.now() - start) / 1000;
    const counts = await probeCounts(bench.queue);
    if (counts.created !== JOBS) throw new Error(`${driver}: expected ${JOBS} created, got ${JSON.stringify(counts)}`);
    console.error(`jobs: ${driver} enqueue-only ${run}/${RUNS}: ${Math.round(JOBS / seconds)} enqueues/s`);
    return JOBS / seconds;
  } finally {
    await bench.close();
  }
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function measure(driver: Driver): Promise<{ runs: number[]; enqueueOnly: number[] }> {
  const runs: number[] = [];
  const enqueues: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    gc();
    runs.push(await endToEnd(driver, run));
    gc();
    enqueues.push(await enqueueOnly(driver, run));
  }
  return { runs, enqueueOnly: enqueues };
}

const embedded = await measure('embedded');
const pgboss = await measure('pgboss');

const figures = {
  jobs: JOBS,
  concurrency: CONCURRENCY,
  enqueue_batch: ENQUEUE_BATCH,
  embedded_poll_ms: EMBEDDED_POLL_MS,
  pgboss_poll_ms: PGBOSS_POLL_SECONDS * 1000,
  embedded_jobs_per_s: round(median(embedded.runs), 0),
  pgboss_jobs_per_s: round(median(pgboss.runs), 0),
  embedded_runs: embedded.runs.map((v) => round(v, 0)),
  pgboss_runs: pgboss.runs.map((v) => round(v, 0)),
  embedded_enqueue_only_per_s: round(median(embedded.enqueueOnly), 0),
  pgboss_enqueue_only_per_s: round(median(pgboss.enqueueOnly), 0),
};
console.log(JSON.stringify(figures));
