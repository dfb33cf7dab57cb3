// Embedded-driver specifics: a worker that died holding a job.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ColumnNode, type OperationNode, UpdateQueryNode } from 'kysely';
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
    await waitFor(async () => (await queue.getJob('exhausted'))?.state === 'failed', 'the exhausted job to fail', 10_000);
    await queue.stop(0);
    assert.deepEqual(ran, [{ probeId: 'again', attempt: 2 }]);
    assert.equal((await queue.getJob('again'))?.state, 'completed');
    const exhausted = await queue.getJob('exhausted');
    assert.equal(exhausted?.state, 'failed');
    assert.match(exhausted?.error ?? '', /worker stopped/);
  });

  it('starts a job queued inside a transaction as soon as it commits, not at the next poll', async () => {
    const ran: string[] = [];
    // The worker's claim (the UPDATE that sets started_at) is watched: once one comes back empty, the
    // worker goes on to wait for its next (one-minute) poll.
    const claims = new WeakSet<object>();
    let foundNothing = false;
    const watched = db.withPlugin({
      transformQuery: ({ node, queryId }) => {
        const setsStartedAt = (column: OperationNode) =>
          ColumnNode.is(column) && column.column.name === 'started_at';
        if (UpdateQueryNode.is(node) && node.updates?.some((u) => setsStartedAt(u.column))) claims.add(queryId);
        return node;
      },
      transformResult: async ({ queryId, result }) => {
        if (claims.has(queryId) && result.rows.length === 0) foundNothing = true;
        return result;
      },
    });
    const queue = createEmbeddedJobQueue({ db: watched, pollIntervalMs: 60_000, leaseMs: 2000 });
    await queue.startWorkers(
      registryWith([
        handle('system.probe', async ({ probeId }) => {
          ran.push(probeId);
        }),
      ]),
      { concurrency: 1 },
    );
    await waitFor(() => foundNothing, 'the worker to find the queue empty', 5_000, 5);
    // The rest of the worker's step after its empty claim is promise callbacks: a macrotask later it waits.
    await new Promise((resolve) => setImmediate(resolve));
    await db.transaction().execute((trx) => queue.enqueue('system.probe', { probeId: 'in-trx', holdMs: 0 }, { trx }));
    await waitFor(() => ran.length > 0, 'the job queued in the transaction to run', 5_000, 20);
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
