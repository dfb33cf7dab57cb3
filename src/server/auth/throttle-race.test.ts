// Sign-in throttling under real concurrency: many sign-ins at once over HTTP (not inject, not
// mocks) must not all be checked. The attempt is counted before the hash, so past the limit the
// rest are refused, and a right password sent while wrong ones are still in flight is refused too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestApp, STRONG_PASSWORD, setUpAdmin, type TestApp } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';

/** An anonymous browser over real HTTP: a CSRF cookie and its token, shared by every request. */
async function anonymousBrowser(base: string) {
  const response = await fetch(`${base}/api/auth/csrf`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const { token } = (await response.json()) as { token: string };
  return (email: string, password: string) =>
    fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    }).then(async (r) => ({ status: r.status, body: await r.text() }));
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] sign-in throttling under concurrent requests`, () => {
    let app: TestApp;
    let base: string;
    before(async () => {
      app = await createTestApp(dialect, {
        // Slower hashes widen the window a check-then-hash race needs; a long queue keeps 503 out.
        PASSWORD_SCRYPT_LOG_N: '14',
        PASSWORD_HASH_QUEUE: '100',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
        LOGIN_MAX_FAILURES_PER_ADDRESS: '20',
      });
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const admin = await setUpAdmin(app);
      for (const email of ['victim@example.org', 'other@example.org']) {
        const created = await admin.post('/api/admin/users', { email, displayName: 'V', role: 'learner', password: STRONG_PASSWORD });
        assert.equal(created.statusCode, 201);
      }
    });
    after(() => app.close());

    const throttleRow = (key: string) => app.db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
    const clearThrottles = () => app.db.deleteFrom('login_throttle').execute();
    /**
     * Waits until the server has counted `n` attempts of `key` (or 3 s went by), so the next
     * request surely arrives after them while they are still being checked.
     */
    const counted = async (key: string, n: number) => {
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && ((await throttleRow(key))?.failures ?? 0) < n) await sleep(5);
    };
    const answeredCount = (requests: Promise<unknown>[]) => {
      let answered = 0;
      for (const r of requests) r.then(() => answered++);
      return () => answered;
    };

    it('checks at most 5 of 15 simultaneous sign-ins against one account; the last, right one is refused', async () => {
      await clearThrottles();
      const login = await anonymousBrowser(base);
      const wrong = Array.from({ length: 14 }, (_, i) => login('victim@example.org', `wrong password ${i}`));
      const answered = answeredCount(wrong);
      await counted('account:victim@example.org', 5);
      // Sent while wrong ones are still being checked.
      assert.ok(answered() < 14, 'the wrong attempts are still in flight');
      const right = await login('victim@example.org', STRONG_PASSWORD);
      const statuses = (await Promise.all(wrong)).map((r) => r.status);
      assert.equal(right.status, 429, `the right password signed in while guesses ran: ${right.body} ${JSON.stringify(statuses)}`);
      assert.ok(count(statuses, 401) <= 4, `at most 4 plain failures, got ${JSON.stringify(statuses)}`);
      assert.equal(count(statuses, 401) + count(statuses, 429), 14, JSON.stringify(statuses));
      const row = await throttleRow('account:victim@example.org');
      assert.equal(row?.failures, 5, 'exactly five attempts were counted');
      assert.ok(row?.locked_until, 'and the account is locked');
      // The account stays locked for the right password afterwards.
      assert.equal((await login('victim@example.org', STRONG_PASSWORD)).status, 429);
    });

    it('checks at most 20 of 40 simultaneous sign-ins from one address; the 40th, right one is refused', async () => {
      await clearThrottles();
      const login = await anonymousBrowser(base);
      // Different accounts, so only the address limit applies.
      const wrong = Array.from({ length: 39 }, (_, i) => login(`guess-${i}@example.org`, 'wrong wrong wrong'));
      const answered = answeredCount(wrong);
      await counted('address:127.0.0.1', 20);
      assert.ok(answered() < 39, 'the wrong attempts are still in flight');
      const right = await login('other@example.org', STRONG_PASSWORD);
      const statuses = (await Promise.all(wrong)).map((r) => r.status);
      assert.equal(right.status, 429, `the right password signed in while guesses ran: ${right.body} ${JSON.stringify(statuses)}`);
      assert.ok(count(statuses, 401) <= 19, `at most 19 plain failures, got ${JSON.stringify(statuses)}`);
      assert.equal(count(statuses, 401) + count(statuses, 429), 39, JSON.stringify(statuses));
      const row = await throttleRow('address:127.0.0.1');
      assert.equal(row?.failures, 20, 'exactly twenty attempts were counted');
      assert.ok(row?.locked_until);
    });

    it('all 40 sent at the same instant: no more than 20 are checked', async () => {
      await clearThrottles();
      const login = await anonymousBrowser(base);
      const all = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i === 39 ? login('other@example.org', STRONG_PASSWORD) : login(`burst-${i}@example.org`, 'wrong wrong wrong'),
        ),
      );
      const statuses = all.map((r) => r.status);
      // 20 checked at most: up to 19 answered 401 (the 20th failure locks and answers 429), or 20
      // when the right one was among the first twenty and signed in.
      assert.ok(count(statuses, 401) + count(statuses, 200) <= 20, JSON.stringify(statuses));
      assert.ok(count(statuses, 429) >= 20, JSON.stringify(statuses));
      assert.equal((await throttleRow('address:127.0.0.1'))?.failures, count(statuses, 200) ? 19 : 20);
    });

    it('a right password gives its count back and clears the account', async () => {
      await clearThrottles();
      const login = await anonymousBrowser(base);
      assert.equal((await login('other@example.org', 'wrong wrong wrong')).status, 401);
      assert.equal((await throttleRow('account:other@example.org'))?.failures, 1);
      assert.equal((await login('other@example.org', STRONG_PASSWORD)).status, 200);
      assert.equal(await throttleRow('account:other@example.org'), undefined);
      assert.equal((await throttleRow('address:127.0.0.1'))?.failures, 1, 'only the failure counts for the address');
    });
  });
}
