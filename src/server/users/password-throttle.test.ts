// The current-password check of a password change is throttled like sign-in, sharing its counts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSignedInUser, createTestApp, STRONG_PASSWORD, setUpAdmin, type TestApp } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] password change throttling`, () => {
    let app: TestApp;
    before(async () => {
      app = await createTestApp(dialect);
    });
    after(() => app.close());

    it('locks after five wrong current passwords; the right one then gets 429 too, and so does sign-in', async () => {
      const admin = await setUpAdmin(app);
      const { client, email } = await createSignedInUser(app, admin, 'learner');
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const r = await client.post('/api/me/password', { currentPassword: `guess number ${i}`, newPassword: 'another long password' });
        statuses.push(r.statusCode);
      }
      assert.deepEqual(statuses.slice(0, 5), [400, 400, 400, 400, 429]);
      assert.ok(statuses.slice(5).every((s) => s === 429), JSON.stringify(statuses));
      const right = await client.post('/api/me/password', { currentPassword: STRONG_PASSWORD, newPassword: 'another long password' });
      assert.equal(right.statusCode, 429);
      assert.equal(right.json().error, 'rate_limited');
      assert.ok(Number(right.headers['retry-after']) > 800);
      // The same account count as sign-in: the guesses cannot continue there either.
      assert.equal((await app.client().post('/api/auth/login', { email, password: STRONG_PASSWORD })).statusCode, 429);
    });

    it('a right current password clears the count', async () => {
      await app.db.deleteFrom('login_throttle').execute();
      const admin = app.client();
      await admin.post('/api/auth/login', { email: 'admin@example.org', password: STRONG_PASSWORD });
      const { client } = await createSignedInUser(app, admin, 'author');
      for (let i = 0; i < 3; i++) {
        assert.equal((await client.post('/api/me/password', { currentPassword: `guess ${i} guess`, newPassword: 'another long password' })).statusCode, 400);
      }
      const right = await client.post('/api/me/password', { currentPassword: STRONG_PASSWORD, newPassword: 'another long password' });
      assert.equal(right.statusCode, 204);
    });
  });
}
