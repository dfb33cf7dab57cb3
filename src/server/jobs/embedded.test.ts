// Embedded-driver specifics: a worker that died holding a job.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../testing/databases.ts';
import { createEmbeddedJobQueue, nextCronTime } from './embedded.ts';
import { registryWith } from '../testing/jobs.ts';
import { handle } from './registry.ts';
import { waitFor } from '../testing/wait.ts';

describe('[sqlite] embedded queue after a crash', () => {
  let testDb: TestDatabase;
  let db: Database;
  before(async () => {
    testDb = await createTestDatabase('sqlite');
    db = createDatabase(testDb.config);
    await migrateToLatest(db);
  });
  after(async () => {
    await db.destroy();
    await testDb.drop();
  });

  const crashedJob = (id: string, attempt: number) => ({
    id,
    name: 'system.probe',
    job_group: 'default',
    payload: JSON.stringify({ probeId: id, holdMs: 0 }),
    state: 'active' as const,
    priority: 0,
    run_at: Date.now() - 60_000,
    attempt,
    max_attempts: 3,
    timeout_ms: 60_000,
    singleton_key: null,
    lease_until: Date.now() - 1000,
    worker_id: 'dead-host:1:abc',
    error: null,
    progress: null,
    created_at: Date.now() - 60_000,
    started_at: Date.now() - 50_000,
    finished_at: null,
  });

  it('runs a job again once the dead worker’s lease expires, and fails it when no attempt is left', async () => {
    await db.insertInto('jobs').values([crashedJob('again', 1), crashedJob('exhausted', 3)]).execute();
    const ran: { probeId: string; attempt: number }[] = [];
    const queue = createEmbeddedJobQueue({ db, pollIntervalMs: 50, leaseMs: 2000 });
    await queue.startWorkers(
      registryWith([
        handle('system.probe', async ({ probeId }, ctx) => {
          ran.push({ probeId, attempt: ctx.attempt });
        }),
      ]),
      { concurrency: 1 },
    );
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await queue.getJob('exhausted'))?.state !== 'failed') await sleep(50);
    await queue.stop(0);
    assert.deepEqual(ran, [{ probeId: 'again', attempt: 2 }]);
    assert.equal((await queue.getJob('again'))?.state, 'completed');
    const exhausted = await queue.getJob('exhausted');
    assert.equal(exhausted?.state, 'failed');
    assert.match(exhausted?.error ?? '', /worker stopped/);
  });

  it('starts a job queued inside a transaction as soon as it commits, not at the next poll', async () => {
    const ran: string[] = [];
    const queue = createEmbeddedJobQueue({ db, pollIntervalMs: 60_000, leaseMs: 2000 });
    await queue.startWorkers(
      registryWith([
        handle('system.probe', async ({ probeId }) => {
          ran.push(probeId);
        }),
      ]),
      { concurrency: 1 },
    );
    // Let the worker find the queue empty and settle into its (one-minute) wait.
    await sleep(100);
    await db.transaction().execute((trx) => queue.enqueue('system.probe', { probeId: 'in-trx', holdMs: 0 }, { trx }));
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && ran.length === 0) await sleep(20);
    await queue.stop(0);
    assert.deepEqual(ran, ['in-trx']);
  });

  it('computes the next cron time in UTC', () => {
    const from = Date.parse('2026-11-24T21:59:30Z');
    assert.equal(new Date(nextCronTime('0 * * * *', from)).toISOString(), '2026-11-24T22:00:00.000Z');
    assert.equal(nextCronTime('* * * * * *', from), from + 1000);
  });
});

describe('[sqlite] embedded queue errors', () => {
  it('reports an error it survives (its database gone) through onError, as the pg-boss driver does', async () => {
    const testDb = await createTestDatabase('sqlite');
    const db = createDatabase(testDb.config);
    await migrateToLatest(db);
    const errors: unknown[] = [];
    const queue = createEmbeddedJobQueue({ db, pollIntervalMs: 20, leaseMs: 2000, onError: (err) => errors.push(err) });
    await queue.startWorkers(registryWith([handle('system.probe', async () => {})]), { concurrency: 1 });
    await db.destroy();
    try {
      await waitFor(() => errors.length > 0, 'the failed poll to be reported');
      assert.ok(errors[0] instanceof Error);
    } finally {
      await queue.stop(0);
      await testDb.drop();
    }
  });
});
