// Password hashing is bounded: a few hashes run, a short queue waits, the rest are refused with
// 503 and Retry-After at once (and their sign-in attempt is not counted against anyone).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { createHashLimiter, HashQueueFullError } from './hash-limiter.ts';

describe('hash limiter', () => {
  it('runs at most `concurrency` tasks, queues `queue` more, refuses the rest', async () => {
    const limiter = createHashLimiter({ concurrency: 2, queue: 3 });
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await sleep(20);
      running--;
      return 'done';
    };
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => limiter.run(task)));
    assert.equal(most, 2);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(refused.length, 3);
    for (const r of refused) {
      assert.ok(r.reason instanceof HashQueueFullError);
      assert.equal(r.reason.kind, 'unavailable');
      assert.ok((r.reason.details.retryAfterSeconds ?? 0) >= 1);
    }
    assert.equal(limiter.running, 0);
    assert.equal(limiter.waiting, 0);
    // A failing task frees its slot too.
    await assert.rejects(limiter.run(() => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await limiter.run(task), 'done');
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] a burst of sign-ins`, () => {
    let app: TestApp;
    before(async () => {
      app = await createTestApp(dialect, { PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2', PASSWORD_SCRYPT_LOG_N: '14' });
    });
    after(() => app.close());

    it('is answered 503 with Retry-After past the hashing queue, and the refused attempts are not counted', async () => {
      const client = app.client();
      await client.csrf();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => client.post('/api/auth/login', { email: `burst-${i}@example.org`, password: 'wrong wrong wrong' })),
      );
      const statuses = answers.map((a) => a.statusCode);
      const busy = answers.filter((a) => a.statusCode === 503);
      assert.ok(busy.length >= 5, JSON.stringify(statuses));
      assert.equal(statuses.filter((s) => s === 401).length + busy.length, 10, JSON.stringify(statuses));
      for (const a of busy) {
        assert.equal(a.json().error, 'busy');
        assert.ok(Number(a.headers['retry-after']) >= 1);
      }
      const row = await app.db.selectFrom('login_throttle').selectAll().where('key', '=', 'address:127.0.0.1').executeTakeFirst();
      assert.equal(row?.failures, 10 - busy.length, 'only checked attempts count');
    });
  });
}
