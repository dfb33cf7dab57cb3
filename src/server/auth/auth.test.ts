import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, STRONG_PASSWORD, setUpAdmin, type TestApp } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] sign-in and setup`, () => {
    let app: TestApp;
    before(async () => {
      app = await createTestApp(dialect);
    });
    after(() => app.close());

    it('offers setup only until the first administrator exists', async () => {
      const visitor = app.client();
      assert.deepEqual((await visitor.get('/api/auth/session')).json(), { user: null, setupNeeded: true });
      assert.deepEqual((await visitor.get('/api/setup')).json(), { needed: true });

      const tooShort = await visitor.post('/api/setup', { email: 'a@example.org', displayName: 'A', password: 'short' });
      assert.equal(tooShort.statusCode, 400);
      assert.equal(tooShort.json().error, 'validation_failed');
      assert.match(tooShort.json().message, /^password: .*12 characters/);

      const admin = await setUpAdmin(app, 'First.Admin@Example.org');
      const session = (await admin.get('/api/auth/session')).json();
      assert.equal(session.user.email, 'first.admin@example.org');
      assert.equal(session.user.role, 'admin');
      assert.equal(session.setupNeeded, false);

      const again = await app.client().post('/api/setup', {
        email: 'intruder@example.org',
        displayName: 'Intruder',
        password: STRONG_PASSWORD,
      });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error, 'setup_done');
      assert.deepEqual((await app.client().get('/api/setup')).json(), { needed: false });
    });

    it('signs in with a new session id each time and never returns the password hash', async () => {
      const a = app.client();
      const b = app.client();
      const first = await a.post('/api/auth/login', { email: 'FIRST.ADMIN@example.org', password: STRONG_PASSWORD });
      assert.equal(first.statusCode, 200);
      assert.equal(first.json().user.email, 'first.admin@example.org');
      assert.doesNotMatch(first.body, /scrypt|password/i);
      const setCookie = String(first.headers['set-cookie']);
      assert.match(setCookie, /lectern_session=.*HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      assert.doesNotMatch(setCookie, /Secure/);
      await b.post('/api/auth/login', { email: 'first.admin@example.org', password: STRONG_PASSWORD });
      assert.notEqual(a.cookie('lectern_session'), b.cookie('lectern_session'));

      // Signing in again from the same browser replaces the session id.
      const before = a.cookie('lectern_session');
      await a.post('/api/auth/login', { email: 'first.admin@example.org', password: STRONG_PASSWORD });
      assert.notEqual(a.cookie('lectern_session'), before);
    });

    it('signs out, ending the session on the server', async () => {
      const client = app.client();
      await client.post('/api/auth/login', { email: 'first.admin@example.org', password: STRONG_PASSWORD });
      const token = client.cookie('lectern_session');
      assert.equal((await client.post('/api/auth/logout')).statusCode, 204);
      assert.equal(client.hasCookie('lectern_session'), false);
      // The old cookie, replayed, no longer works.
      const replay = await app.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `lectern_session=${token}` } });
      assert.equal(replay.statusCode, 401);
    });

    it('refuses state-changing requests without a valid CSRF token', async () => {
      const client = app.client();
      const missing = await client.request('POST', '/api/auth/login', { email: 'x@example.org', password: 'x' }, { csrf: false });
      assert.equal(missing.statusCode, 403);
      assert.equal(missing.json().error, 'csrf_invalid');
      const forged = await client.request(
        'POST',
        '/api/auth/login',
        { email: 'x@example.org', password: 'x' },
        { csrf: false, headers: { 'x-csrf-token': 'forged' } },
      );
      assert.equal(forged.statusCode, 403);
    });

    it('locks an account after five wrong passwords, with Retry-After, even for the right one', async () => {
      const admin = await app.client();
      await admin.post('/api/auth/login', { email: 'first.admin@example.org', password: STRONG_PASSWORD });
      await admin.post('/api/admin/users', {
        email: 'victim@example.org',
        displayName: 'Victim',
        role: 'learner',
        password: STRONG_PASSWORD,
      });
      const attacker = app.client();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await attacker.post('/api/auth/login', { email: 'victim@example.org', password: `wrong password ${i}` });
        statuses.push(r.statusCode);
        if (r.statusCode === 429) {
          assert.equal(r.json().error, 'rate_limited');
          assert.ok(Number(r.headers['retry-after']) > 800);
          assert.match(r.json().message, /Try again in 15 minutes/);
        }
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
      const right = await app.client().post('/api/auth/login', { email: 'victim@example.org', password: STRONG_PASSWORD });
      assert.equal(right.statusCode, 429);
      // Other accounts are not affected by this account's lock.
      const other = await app.client().post('/api/auth/login', { email: 'first.admin@example.org', password: STRONG_PASSWORD });
      assert.equal(other.statusCode, 200);
    });

    it('answers an unknown email exactly like a wrong password', async () => {
      const r = await app.client().post('/api/auth/login', { email: 'nobody@example.org', password: STRONG_PASSWORD });
      assert.equal(r.statusCode, 401);
      assert.deepEqual(r.json(), { error: 'invalid_credentials', message: 'Email or password is incorrect.' });
    });
  });

  describe(`[${dialect}] sign-in throttling per address`, () => {
    let app: TestApp;
    before(async () => {
      app = await createTestApp(dialect, { LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
    });
    after(() => app.close());

    it('locks an address that tries many accounts', async () => {
      const client = app.client();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await client.post('/api/auth/login', { email: `u${i}@example.org`, password: 'wrong wrong wrong' })).statusCode);
      }
      assert.deepEqual(statuses, [401, 401, 429, 429]);
    });
  });
}
