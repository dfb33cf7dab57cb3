// pg-boss driver specifics the contract cannot see from one process: a worker killed mid-job, a
// cancel from another process, concurrent singleton enqueues, shutdown hand-back, and the scheduler's
// occurrence ids.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createPgBossJobQueue, type PgBossQueueOptions } from './pgboss.ts';
import { latestOccurrence, occurrenceId } from './pgboss-scheduler.ts';
import type { JobEvent, JobQueue } from './queue.ts';
import { registryWith } from '../testing/jobs.ts';
import { waitFor } from '../testing/wait.ts';
import { handle, type JobHandler } from './registry.ts';


const registry = (
  probe: JobHandler<'system.probe'>,
  purge: JobHandler<'auth.purge-expired-sessions'> = async () => {},
) => registryWith([handle('system.probe', probe), handle('auth.purge-expired-sessions', purge)]);

// A worker process that takes one probe and never finishes it, until it is killed.
const stuckWorker = `
  import { createDatabase } from ${JSON.stringify(new URL('../db/database.ts', import.meta.url).href)};
  import { createPgBossJobQueue } from ${JSON.stringify(new URL('./pgboss.ts', import.meta.url).href)};
  import { handle } from ${JSON.stringify(new URL('./registry.ts', import.meta.url).href)};
  import { registryWith } from ${JSON.stringify(new URL('../testing/jobs.ts', import.meta.url).href)};
  const connectionString = process.env.LECTERN_TEST_DB;
  const queue = await createPgBossJobQueue({ connectionString, db: createDatabase({ dialect: 'postgres', connectionString }), pollIntervalSeconds: 0.5 });
  await queue.startWorkers(registryWith([
    handle('system.probe', (_payload, ctx) => { console.log('started ' + ctx.attempt); return new Promise(() => {}); }),
  ]), { concurrency: 1 });
`;

describe('[postgres] pg-boss driver', { skip: !TEST_DIALECTS.includes('postgres') }, () => {
  let testDb: TestDatabase;
  let db: Database;
  let connectionString: string;
  const queues: JobQueue[] = [];
  const events: JobEvent[] = [];

  async function newQueue(options: Partial<PgBossQueueOptions> = {}): Promise<JobQueue> {
    const queue = await createPgBossJobQueue({
      connectionString,
      db,
      onEvent: (e) => events.push(e),
      pollIntervalSeconds: 0.5,
      retryBaseDelayMs: 100,
      ...options,
    });
    queues.push(queue);
    return queue;
  }

  before(async () => {
    testDb = await createTestDatabase('postgres');
    assert.equal(testDb.config.dialect, 'postgres');
    connectionString = testDb.config.connectionString;
    db = createDatabase(testDb.config);
    await migrateToLatest(db);
  });
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.stop(0);
  });
  after(async () => {
    await db.destroy();
    await testDb.drop();
  });

  it('runs a job again on another worker once the timeout of a killed worker’s attempt has passed', async () => {
    const queue = await newQueue({ superviseIntervalSeconds: 1 });
    const id = await queue.enqueue('system.probe', { probeId: 'killed' }, { timeoutMs: 2000 });
    assert.ok(id);
    const child = spawn(process.execPath, ['--input-type=module', '-e', stuckWorker], {
      env: { ...process.env, LECTERN_TEST_DB: connectionString },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for await (const line of createInterface({ input: child.stdout })) if (line === 'started 1') break;
    const startedAt = Date.now();
    child.kill('SIGKILL');
    await exited;

    const runs: { attempt: number; at: number }[] = [];
    await queue.startWorkers(
      registry(async (_payload, ctx) => {
        runs.push({ attempt: ctx.attempt, at: Date.now() });
      }),
      { concurrency: 1 },
    );
    await waitFor(async () => (await queue.getJob(id))?.state === 'completed', 'the job to run again', 20_000);
    assert.deepEqual(
      runs.map((r) => r.attempt),
      [2],
    );
    assert.ok((runs[0]?.at ?? 0) - startedAt >= 2000, 'not before the killed attempt timed out');
  });

  it('aborts a running handler when another process cancels its job, and leaves the job cancelled', async () => {
    const worker = await newQueue();
    const admin = await newQueue();
    let started = false;
    let reason: unknown;
    await worker.startWorkers(
      registry(async (_payload, ctx) => {
        started = true;
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        reason = ctx.signal.reason;
      }),
      { concurrency: 1 },
    );
    const id = await worker.enqueue('system.probe', { probeId: 'cancel-elsewhere' });
    assert.ok(id);
    await waitFor(() => started, 'the job to start');
    assert.equal(await admin.cancel(id), true);
    await waitFor(() => reason !== undefined, 'the abort', 3000);
    assert.match(String(reason), /cancelled/);
    // Once the worker has stopped, its attempt is over: nothing of it can complete the job any more.
    await worker.stop(5_000);
    assert.equal((await admin.getJob(id))?.state, 'cancelled');
    assert.ok(!events.some((e) => e.jobId === id && e.state === 'completed'));
  });

  it('creates one job for concurrent enqueues with a singleton key, and retries none while the key is held', async () => {
    const queue = await newQueue();
    const later = new Date(Date.now() + 60_000);
    const ids = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        queue.enqueue('system.probe', { probeId: `race-${i}` }, { singletonKey: 'race', runAt: later }),
      ),
    );
    const created = ids.filter((id) => id !== null);
    assert.equal(created.length, 1);
    const [first] = created;
    assert.ok(first);
    assert.equal(await queue.cancel(first), true);
    const second = await queue.enqueue(
      'system.probe',
      { probeId: 'race-next' },
      { singletonKey: 'race', runAt: later },
    );
    assert.ok(second);
    assert.equal(await queue.retry(first), false, 'the key is held by the newer job');
    assert.equal(await queue.cancelByKey('system.probe', 'race'), 1);
    assert.equal(await queue.retry(first), true);
    assert.equal((await queue.getJob(first))?.state, 'created');
    await queue.cancelByKey('system.probe', 'race');
  });

  it('hands a job still running at stop back to the queue uncounted', async () => {
    const first = await newQueue();
    let started = false;
    await first.startWorkers(
      registry(async () => {
        started = true;
        await new Promise(() => {});
      }),
      { concurrency: 1 },
    );
    const id = await first.enqueue('system.probe', { probeId: 'handed-back' });
    assert.ok(id);
    await waitFor(() => started, 'the job to start');
    await first.stop(0);
    assert.deepEqual(await first.getJob(id).then((j) => [j?.state, j?.attempt]), ['created', 0]);

    const second = await newQueue();
    const attempts: number[] = [];
    await second.startWorkers(
      registry(async (_payload, ctx) => {
        attempts.push(ctx.attempt);
      }),
      { concurrency: 1 },
    );
    await waitFor(async () => (await second.getJob(id))?.state === 'completed', 'the handed-back job');
    assert.deepEqual(attempts, [1]);
  });

  it('fails an attempt at its timeout even if the handler ignores its signal, and frees its slot', async () => {
    const queue = await newQueue();
    const seen: string[] = [];
    await queue.startWorkers(
      registry(async ({ probeId }) => {
        seen.push(probeId);
        if (probeId === 'deaf') await new Promise(() => {});
      }),
      { concurrency: 1 },
    );
    const deaf = await queue.enqueue('system.probe', { probeId: 'deaf' }, { timeoutMs: 1000, attempts: 1 });
    const next = await queue.enqueue('system.probe', { probeId: 'next' });
    assert.ok(deaf && next);
    await waitFor(async () => (await queue.getJob(deaf))?.state === 'failed', 'the timeout');
    assert.match((await queue.getJob(deaf))?.error ?? '', /Timed out after 1000 ms/);
    await waitFor(async () => (await queue.getJob(next))?.state === 'completed', 'the next job');
  });

  it('runs at most `concurrency` jobs at once across all job names', async () => {
    const queue = await newQueue();
    let active = 0;
    let peak = 0;
    let done = 0;
    const hold = async () => {
      peak = Math.max(peak, ++active);
      // The hold is what is tested: jobs that overlap in time, counted at their peak.
      await sleep(200);
      active--;
      done++;
    };
    await queue.startWorkers(registry(hold, hold), { concurrency: 2 });
    for (let i = 0; i < 3; i++) {
      await queue.enqueue('system.probe', { probeId: `c${i}` });
      await queue.enqueue('auth.purge-expired-sessions', {});
    }
    await waitFor(() => done === 6, 'six jobs');
    assert.equal(peak, 2);
  });
});

describe('pg-boss scheduler occurrences', () => {
  it('names an occurrence by a stable uuid of its schedule and time', () => {
    const at = Date.UTC(2030, 0, 1, 12, 0, 5);
    const id = occurrenceId('system.probe', '', at);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(occurrenceId('system.probe', '', at), id);
    assert.notEqual(occurrenceId('system.probe', '', at + 1000), id);
    assert.notEqual(occurrenceId('auth.purge-expired-sessions', '', at), id);
  });

  it('finds the latest occurrence in (since, until]', () => {
    const t = Date.UTC(2030, 0, 1, 12, 0, 5);
    assert.equal(latestOccurrence('* * * * * *', 'UTC', t - 1000, t + 20), t);
    assert.equal(latestOccurrence('* * * * * *', 'UTC', t, t + 20), null);
    assert.equal(latestOccurrence('* * * * * *', 'UTC', t - 3000, t), t);
    assert.equal(latestOccurrence('0 * * * *', 'UTC', t - 5000, t), null);
    assert.equal(latestOccurrence('0 * * * *', 'UTC', t - 10_000, t), Date.UTC(2030, 0, 1, 12, 0, 0));
  });
});
