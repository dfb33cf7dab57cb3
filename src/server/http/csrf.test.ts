// CSRF: a token is bound to the session it was issued for, renewed at sign-in, and an unsafe
// request a browser marks as cross-site is refused whatever token it carries.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, STRONG_PASSWORD, setUpAdmin, type TestApp } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] CSRF tokens and origins`, () => {
    let app: TestApp;
    before(async () => {
      app = await createTestApp(dialect);
      await setUpAdmin(app);
    });
    after(() => app.close());

    const signIn = async () => {
      const client = app.client();
      const r = await client.post('/api/auth/login', { email: 'admin@example.org', password: STRONG_PASSWORD });
      assert.equal(r.statusCode, 200);
      return client;
    };
    const patchMe = (cookie: string, token: string, headers: Record<string, string> = {}) =>
      app.app.inject({
        method: 'PATCH',
        url: '/api/me',
        headers: { cookie, 'x-csrf-token': token, ...headers },
        payload: { displayName: 'Ada' },
      });
    const cookieOf = (client: ReturnType<TestApp['client']>, name: string) => `${name}=${client.cookie(name)}`;

    it("refuses another session's token and CSRF cookie with this session's cookie", async () => {
      const victim = await signIn();
      const attacker = await signIn();
      const attackerToken = await attacker.csrf();
      // The attacker's own pair works for the attacker…
      assert.equal((await patchMe(attacker.cookieHeader(), attackerToken)).statusCode, 200);
      // A pass is remembered (app.ts) only for exactly its cookie, token and session: again, it
      // passes; a changed token right after it does not.
      assert.equal((await patchMe(attacker.cookieHeader(), attackerToken)).statusCode, 200);
      assert.equal((await patchMe(attacker.cookieHeader(), `${attackerToken.slice(0, -1)}${attackerToken.endsWith('A') ? 'B' : 'A'}`)).statusCode, 403);
      // …but planted next to the victim's session cookie it does not.
      const planted = `${cookieOf(victim, 'lectern_session')}; ${cookieOf(attacker, 'lectern_csrf')}`;
      const forged = await patchMe(planted, attackerToken);
      assert.equal(forged.statusCode, 403);
      assert.equal(forged.json().error, 'csrf_invalid');
    });

    it('renews the CSRF secret at sign-in: a token from before sign-in is refused after it', async () => {
      const client = app.client();
      const before = await client.csrf();
      const csrfCookieBefore = client.cookie('lectern_csrf');
      const login = await client.post('/api/auth/login', { email: 'admin@example.org', password: STRONG_PASSWORD });
      assert.equal(login.statusCode, 200);
      assert.match(String(login.headers['set-cookie']), /lectern_csrf=/);
      assert.notEqual(client.cookie('lectern_csrf'), csrfCookieBefore);
      assert.equal((await patchMe(client.cookieHeader(), before)).statusCode, 403);
      // The token the sign-in answered with, and a freshly fetched one, work.
      assert.equal((await patchMe(client.cookieHeader(), login.json().csrfToken)).statusCode, 200);
      assert.equal((await patchMe(client.cookieHeader(), await client.csrf())).statusCode, 200);
    });

    it('a token of a session that signed out is refused', async () => {
      const client = await signIn();
      const token = await client.csrf();
      const session = cookieOf(client, 'lectern_session');
      const csrf = cookieOf(client, 'lectern_csrf');
      assert.equal((await client.post('/api/auth/logout')).statusCode, 204);
      // Signed in again elsewhere in the same browser: the old token does not follow.
      const again = await signIn();
      assert.equal((await patchMe(`${cookieOf(again, 'lectern_session')}; ${csrf}`, token)).statusCode, 403);
      assert.notEqual(session, cookieOf(again, 'lectern_session'));
    });

    it('refuses unsafe requests from another site with 403, even with a valid token', async () => {
      const client = await signIn();
      const token = await client.csrf();
      const crossOrigin = await patchMe(client.cookieHeader(), token, { origin: 'https://evil.example' });
      assert.equal(crossOrigin.statusCode, 403);
      assert.equal(crossOrigin.json().error, 'cross_origin');
      const nullOrigin = await patchMe(client.cookieHeader(), token, { origin: 'null' });
      assert.equal(nullOrigin.statusCode, 403);
      for (const site of ['cross-site', 'same-site']) {
        const r = await patchMe(client.cookieHeader(), token, { 'sec-fetch-site': site, origin: 'http://localhost:80' });
        assert.equal(r.statusCode, 403, site);
        assert.equal(r.json().error, 'cross_origin');
      }
      // A cross-site sign-in (login CSRF) is refused too.
      const login = await client.request(
        'POST',
        '/api/auth/login',
        { email: 'admin@example.org', password: STRONG_PASSWORD },
        { headers: { 'sec-fetch-site': 'cross-site' } },
      );
      assert.equal(login.statusCode, 403);
      // Our own page: same-origin, or an Origin equal to the address it was sent to or PUBLIC_URL.
      assert.equal((await patchMe(client.cookieHeader(), token, { 'sec-fetch-site': 'same-origin' })).statusCode, 200);
      assert.equal((await patchMe(client.cookieHeader(), token, { origin: 'http://localhost:80' })).statusCode, 200);
      assert.equal((await patchMe(client.cookieHeader(), token, { origin: app.config.publicUrl })).statusCode, 200);
      // Safe methods are not refused (links from other sites keep working).
      const get = await app.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: client.cookieHeader(), 'sec-fetch-site': 'cross-site' } });
      assert.equal(get.statusCode, 200);
    });
  });
}
