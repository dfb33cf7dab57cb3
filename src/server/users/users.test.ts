import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSignedInUser, createTestApp, STRONG_PASSWORD, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] account management`, () => {
    let app: TestApp;
    let admin: TestClient;
    before(async () => {
      app = await createTestApp(dialect);
      admin = await setUpAdmin(app);
    });
    after(() => app.close());

    it('creates users, refusing a duplicate email whatever its case', async () => {
      const created = await admin.post('/api/admin/users', {
        email: 'Learner@Example.org',
        displayName: '  Lena Learner ',
        role: 'learner',
        password: STRONG_PASSWORD,
      });
      assert.equal(created.statusCode, 201);
      assert.equal(created.json().user.email, 'learner@example.org');
      assert.equal(created.json().user.displayName, 'Lena Learner');

      const duplicate = await admin.post('/api/admin/users', {
        email: 'LEARNER@example.org',
        displayName: 'Other',
        role: 'author',
        password: STRONG_PASSWORD,
      });
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json().error, 'email_taken');

      const list = (await admin.get('/api/admin/users')).json().users;
      assert.deepEqual(
        list.map((u: { email: string }) => u.email),
        ['admin@example.org', 'learner@example.org'],
      );
    });

    it('names the bad field of invalid input', async () => {
      const r = await admin.post('/api/admin/users', {
        email: 'not-an-email',
        displayName: 'X',
        role: 'wizard',
        password: STRONG_PASSWORD,
      });
      assert.equal(r.statusCode, 400);
      const paths = r.json().issues.map((i: { path: string }) => i.path);
      assert.deepEqual(paths.sort(), ['email', 'role']);
      const malformed = await admin.request('POST', '/api/admin/users', undefined, {
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(malformed.statusCode, 400);
    });

    it('changes roles, which take effect on the next request', async () => {
      const { client, id } = await createSignedInUser(app, admin, 'learner');
      assert.equal((await client.get('/api/admin/users')).statusCode, 403);
      const promoted = await admin.patch(`/api/admin/users/${id}`, { role: 'admin' });
      assert.equal(promoted.json().user.role, 'admin');
      assert.equal((await client.get('/api/admin/users')).statusCode, 200);
    });

    it('disables a user: their sessions end and they cannot sign in', async () => {
      const { client, id, email } = await createSignedInUser(app, admin, 'author');
      assert.equal((await client.get('/api/me')).statusCode, 200);
      const disabled = await admin.patch(`/api/admin/users/${id}`, { disabled: true });
      assert.equal(disabled.json().user.disabled, true);
      assert.equal((await client.get('/api/me')).statusCode, 401);
      const login = await app.client().post('/api/auth/login', { email, password: STRONG_PASSWORD });
      assert.equal(login.statusCode, 403);
      assert.equal(login.json().error, 'account_disabled');
      await admin.patch(`/api/admin/users/${id}`, { disabled: false });
      assert.equal((await app.client().post('/api/auth/login', { email, password: STRONG_PASSWORD })).statusCode, 200);
    });

    it('never lets an administrator lock themselves out', async () => {
      const me = (await admin.get('/api/me')).json().user;
      for (const patch of [{ role: 'learner' }, { disabled: true }]) {
        const r = await admin.patch(`/api/admin/users/${me.id}`, patch);
        assert.equal(r.statusCode, 409);
        assert.equal(r.json().error, 'last_admin');
      }
      assert.equal((await admin.patch('/api/admin/users/no-such-id', { role: 'author' })).statusCode, 404);
      assert.equal((await admin.patch(`/api/admin/users/${me.id}`, {})).statusCode, 400);
    });

    it('lets everyone change their own name', async () => {
      const { client } = await createSignedInUser(app, admin, 'learner');
      const r = await client.patch('/api/me', { displayName: 'New Name' });
      assert.equal(r.statusCode, 200);
      assert.equal((await client.get('/api/me')).json().user.displayName, 'New Name');
      assert.equal((await client.patch('/api/me', { displayName: '   ' })).statusCode, 400);
    });

    it('changes a password: the current one is required and other sessions end', async () => {
      const { client, email } = await createSignedInUser(app, admin, 'learner');
      const otherDevice = app.client();
      await otherDevice.post('/api/auth/login', { email, password: STRONG_PASSWORD });

      const wrong = await client.post('/api/me/password', { currentPassword: 'not it at all', newPassword: 'another long password' });
      assert.equal(wrong.statusCode, 400);
      assert.equal(wrong.json().error, 'wrong_password');
      const short = await client.post('/api/me/password', { currentPassword: STRONG_PASSWORD, newPassword: 'short' });
      assert.equal(short.statusCode, 400);

      const ok = await client.post('/api/me/password', { currentPassword: STRONG_PASSWORD, newPassword: 'another long password' });
      assert.equal(ok.statusCode, 204);
      assert.equal((await client.get('/api/me')).statusCode, 200);
      assert.equal((await otherDevice.get('/api/me')).statusCode, 401);
      assert.equal((await app.client().post('/api/auth/login', { email, password: STRONG_PASSWORD })).statusCode, 401);
      assert.equal((await app.client().post('/api/auth/login', { email, password: 'another long password' })).statusCode, 200);
    });
  });
}
