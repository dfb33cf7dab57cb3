// Contract tests: every job queue driver behaves the same (embedded on SQLite, pg-boss on PostgreSQL).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createEmbeddedJobQueue } from './embedded.ts';
import { createPgBossJobQueue } from './pgboss.ts';
import type { JobEvent, JobQueue } from './queue.ts';
import { registryWith } from '../testing/jobs.ts';
import { waitFor } from '../testing/wait.ts';
import { handle, type JobHandler } from './registry.ts';


interface Harness {
  db: Database;
  events: JobEvent[];
  /** A new queue instance, as another process would have. */
  newQueue(): Promise<JobQueue>;
  close(): Promise<void>;
}

async function harness(dialect: 'sqlite' | 'postgres'): Promise<Harness> {
  const testDb: TestDatabase = await createTestDatabase(dialect);
  const db = createDatabase(testDb.config);
  await migrateToLatest(db);
  const events: JobEvent[] = [];
  const queues: JobQueue[] = [];
  return {
    db,
    events,
    async newQueue() {
      const onEvent = (e: JobEvent) => events.push(e);
      const queue =
        testDb.config.dialect === 'sqlite'
          ? createEmbeddedJobQueue({ db, onEvent, pollIntervalMs: 50, retryBaseDelayMs: 100 })
          : await createPgBossJobQueue({
              connectionString: testDb.config.connectionString,
              db,
              onEvent,
              pollIntervalSeconds: 0.5,
              retryBaseDelayMs: 100,
            });
      queues.push(queue);
      return queue;
    },
    async close() {
      for (const q of queues) await q.stop(0).catch(() => {});
      await db.destroy();
      await testDb.drop();
    },
  };
}


for (const dialect of TEST_DIALECTS) {
  const driverName = dialect === 'sqlite' ? 'embedded' : 'pg-boss';
  describe(`[${dialect}] job queue contract (${driverName})`, () => {
    let h: Harness;
    let queue: JobQueue;
    let probe: JobHandler<'system.probe'>;
    const registry = () =>
      registryWith([handle('system.probe', (payload, ctx) => probe(payload, ctx))]);

    before(async () => {
      h = await harness(dialect);
    });
    after(() => h.close());
    afterEach(async () => {
      await queue?.stop(0);
    });

    it(`is the ${driverName} driver`, async () => {
      queue = await h.newQueue();
      assert.equal(queue.driver, driverName);
    });

    it('runs a job with its validated payload, and refuses an invalid payload at enqueue', async () => {
      queue = await h.newQueue();
      const seen: unknown[] = [];
      probe = async (payload) => {
        seen.push(payload);
      };
      await queue.startWorkers(registry(), { concurrency: 2 });
      const id = await queue.enqueue('system.probe', { probeId: 'hello' });
      assert.ok(id);
      await waitFor(async () => (await queue.getJob(id))?.state === 'completed', 'completion');
      assert.deepEqual(seen, [{ probeId: 'hello', holdMs: 0 }]);
      await assert.rejects(queue.enqueue('system.probe', { probeId: 42 } as never), /Invalid payload for job "system.probe"/);
      assert.ok(h.events.some((e) => e.jobId === id && e.state === 'completed'));
    });

    it('enqueues inside a transaction: a rollback leaves no job, a commit runs it', async () => {
      queue = await h.newQueue();
      const probeJobs = async () => {
        const counts = (await queue.counts()).find((c) => c.name === 'system.probe')?.counts;
        return Object.values(counts ?? {}).reduce((sum: number, n: number) => sum + n, 0);
      };
      const jobsBefore = await probeJobs();
      const seen: string[] = [];
      probe = async ({ probeId }) => {
        seen.push(probeId);
      };
      await queue.startWorkers(registry(), { concurrency: 1 });
      await assert.rejects(
        h.db.transaction().execute(async (trx) => {
          await queue.enqueue('system.probe', { probeId: 'rolled-back' }, { trx });
          throw new Error('abort the transaction');
        }),
        /abort the transaction/,
      );
      let committedId: string | null = null;
      await h.db.transaction().execute(async (trx) => {
        committedId = await queue.enqueue('system.probe', { probeId: 'committed' }, { trx });
      });
      assert.ok(committedId);
      await waitFor(() => seen.includes('committed'), 'the committed job');
      // The rolled-back job is not merely late: it does not exist, in any state.
      assert.equal(await probeJobs(), jobsBefore + 1);
      assert.deepEqual(seen, ['committed']);
    });

    it('retries with backoff, then keeps the failed job with its error; retry runs it again', async () => {
      queue = await h.newQueue();
      const attempts: number[] = [];
      let succeed = false;
      probe = async (_payload, ctx) => {
        attempts.push(ctx.attempt);
        if (!succeed) throw new Error(`boom on attempt ${ctx.attempt}`);
      };
      await queue.startWorkers(registry(), { concurrency: 1 });
      const id = await queue.enqueue('system.probe', { probeId: 'flaky' }, { attempts: 3 });
      assert.ok(id);
      await waitFor(async () => (await queue.getJob(id))?.state === 'failed', 'failure after 3 attempts');
      assert.deepEqual(attempts, [1, 2, 3]);
      const failed = await queue.getJob(id);
      assert.match(failed?.error ?? '', /boom on attempt 3/);
      assert.ok((await queue.listFailed(10)).some((j) => j.id === id));
      const counts = await queue.counts();
      assert.ok((counts.find((c) => c.name === 'system.probe')?.counts.failed ?? 0) >= 1);

      succeed = true;
      assert.equal(await queue.retry(id), true);
      await waitFor(async () => (await queue.getJob(id))?.state === 'completed', 'completion after retry');
    });

    it('cancels a queued job before it runs', async () => {
      queue = await h.newQueue();
      const seen: string[] = [];
      probe = async ({ probeId }) => {
        seen.push(probeId);
      };
      const runAt = new Date(Date.now() + 500);
      const id = await queue.enqueue('system.probe', { probeId: 'never' }, { runAt });
      assert.ok(id);
      assert.equal(await queue.cancel(id), true);
      // Queued after it and due at the same time: with one slot, the cancelled job would run first.
      await queue.enqueue('system.probe', { probeId: 'after' }, { runAt });
      await queue.startWorkers(registry(), { concurrency: 1 });
      await waitFor(() => seen.includes('after'), 'the job queued after the cancelled one');
      assert.deepEqual(seen, ['after']);
      assert.equal((await queue.getJob(id))?.state, 'cancelled');
      assert.equal(await queue.cancel(id), false);
    });

    it('cancels a running job: its handler is told through the abort signal', async () => {
      queue = await h.newQueue();
      let started = false;
      let aborted = false;
      probe = async (_payload, ctx) => {
        started = true;
        await new Promise<void>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        });
      };
      await queue.startWorkers(registry(), { concurrency: 1 });
      const id = await queue.enqueue('system.probe', { probeId: 'long' });
      assert.ok(id);
      await waitFor(() => started, 'the job to start');
      assert.equal(await queue.cancel(id), true);
      await waitFor(() => aborted, 'the abort signal', 10_000);
      await waitFor(async () => (await queue.getJob(id))?.state === 'cancelled', 'cancelled state');
    });

    it('cancels by singleton key, and a singleton key deduplicates queued jobs', async () => {
      queue = await h.newQueue();
      const first = await queue.enqueue('system.probe', { probeId: 'k1' }, { singletonKey: 'asset-1', runAt: new Date(Date.now() + 60_000) });
      const second = await queue.enqueue('system.probe', { probeId: 'k2' }, { singletonKey: 'asset-1' });
      assert.ok(first);
      assert.equal(second, null);
      assert.equal(await queue.cancelByKey('system.probe', 'asset-1'), 1);
      assert.equal((await queue.getJob(first))?.state, 'cancelled');
      // Once cancelled, the key is free again.
      assert.ok(await queue.enqueue('system.probe', { probeId: 'k3' }, { singletonKey: 'asset-1', runAt: new Date(Date.now() + 60_000) }));
      await queue.cancelByKey('system.probe', 'asset-1');
    });

    it('aborts an attempt that exceeds its timeout and retries it', async () => {
      queue = await h.newQueue();
      const attempts: number[] = [];
      probe = async (_payload, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) {
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
          throw new Error('aborted');
        }
      };
      await queue.startWorkers(registry(), { concurrency: 1 });
      const id = await queue.enqueue('system.probe', { probeId: 'slow' }, { timeoutMs: 1000, attempts: 2 });
      assert.ok(id);
      await waitFor(async () => (await queue.getJob(id))?.state === 'completed', 'completion on attempt 2', 20_000);
      assert.deepEqual(attempts, [1, 2]);
    });

    it('runs higher priority first and nothing before its run-at time', async () => {
      queue = await h.newQueue();
      const order: string[] = [];
      let laterRanAt = 0;
      probe = async ({ probeId }) => {
        order.push(probeId);
        if (probeId === 'later') laterRanAt = Date.now();
      };
      const runAt = new Date(Date.now() + 2000);
      await queue.enqueue('system.probe', { probeId: 'later' }, { runAt });
      await queue.enqueue('system.probe', { probeId: 'low' }, { priority: 0 });
      await queue.enqueue('system.probe', { probeId: 'high' }, { priority: 10 });
      await queue.startWorkers(registry(), { concurrency: 1 });
      await waitFor(() => order.length >= 2, 'two jobs');
      assert.deepEqual(order, ['high', 'low']);
      await waitFor(() => order.length === 3, 'the delayed job', 10_000);
      assert.ok(laterRanAt >= runAt.getTime(), `the delayed job ran ${runAt.getTime() - laterRanAt} ms early`);
    });

    it('reports progress to listeners', async () => {
      queue = await h.newQueue();
      probe = async (_payload, ctx) => {
        await ctx.progress(50);
      };
      await queue.startWorkers(registry(), { concurrency: 1 });
      const id = await queue.enqueue('system.probe', { probeId: 'progress' });
      await waitFor(() => h.events.some((e) => e.jobId === id && e.progress === 50), 'a progress event');
    });

    it('serves only the configured groups', async () => {
      queue = await h.newQueue();
      const seen: string[] = [];
      // A default-group job queued before a media one: a worker serving every group takes it first.
      const id = await queue.enqueue('system.probe', { probeId: 'default-group' });
      assert.ok(id);
      await queue.enqueue('assets.process-media', { assetId: 'media-group' });
      await queue.startWorkers(
        registryWith([
          handle('system.probe', async ({ probeId }) => {
            seen.push(probeId);
          }),
          handle('assets.process-media', async ({ assetId }) => {
            seen.push(assetId);
          }),
        ]),
        { concurrency: 1, groups: ['media'] },
      );
      await waitFor(() => seen.includes('media-group'), 'the media job');
      assert.deepEqual(seen, ['media-group']);
      assert.equal((await queue.getJob(id))?.state, 'created');
      await queue.cancel(id);
    });

    it('fires a schedule once per period across several processes', async () => {
      const runs: number[] = [];
      probe = async ({ probeId }) => {
        if (probeId === 'scheduled') runs.push(Date.now());
      };
      const a = await h.newQueue();
      const b = await h.newQueue();
      queue = a;
      await a.schedule('system.probe', '* * * * * *', { probeId: 'scheduled' });
      await b.schedule('system.probe', '* * * * * *', { probeId: 'scheduled' });
      await a.startWorkers(registry(), { concurrency: 2 });
      await b.startWorkers(registry(), { concurrency: 2 });
      await a.startScheduler();
      await b.startScheduler();
      await waitFor(() => runs.length >= 1, 'the first scheduled run', 20_000);
      const start = runs.length;
      // The window is what is tested: how often a per-second schedule fired in 4 s.
      await sleep(4000);
      const fired = runs.length - start;
      await a.unschedule('system.probe');
      await b.stop(0);
      assert.ok(fired >= 2 && fired <= 5, `fired ${fired} times in 4 s with two schedulers`);
    });
  });
}
