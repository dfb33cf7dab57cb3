// An event stream lives no longer than the session that opened it: signing out, being disabled,
// a password change (for the other sessions) and a role change end it at once; a session that
// ends unseen (timeout, the command line) is caught by the periodic re-check; streams per user
// are capped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JobEventData } from '../../shared/events.ts';
import { createSignedInUser, createTestApp, STRONG_PASSWORD, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { openEventStream } from '../testing/sse.ts';

const ENDS_WITHIN_MS = 3000;

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] event streams end with their session`, () => {
    let app: TestApp;
    let admin: TestClient;
    let base: string;
    before(async () => {
      // No periodic re-check within the test: the signals alone must end the streams.
      app = await createTestApp(dialect, { EVENTS_MAX_STREAMS_PER_USER: '3', EVENTS_SESSION_CHECK_SECONDS: '3600' });
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      admin = await setUpAdmin(app);
    });
    after(() => app.close());

    const stream = (client: TestClient) => openEventStream(`${base}/api/events`, client.cookieHeader());
    const probe = (id: string) =>
      app.runtime.bus.publish({ type: 'job', audience: { roles: ['admin'] }, data: { jobId: id, name: 'system.probe', state: 'created' } });

    it('ends at sign-out, and delivers nothing after it', async () => {
      const { client } = await createSignedInUser(app, admin, 'admin');
      const s = await stream(client);
      assert.equal(s.status, 200);
      await probe('before');
      await s.waitFor((e) => (e.data as JobEventData).jobId === 'before');
      assert.equal((await client.post('/api/auth/logout')).statusCode, 204);
      await probe('after');
      assert.equal(await s.endsWithin(ENDS_WITHIN_MS), true, 'the stream ended');
      assert.deepEqual(
        s.events.map((e) => (e.data as JobEventData).jobId),
        ['before'],
      );
    });

    it('ends when the user is disabled (a disabled admin receives no more job events)', async () => {
      const { client, id } = await createSignedInUser(app, admin, 'admin');
      const s = await stream(client);
      assert.equal(s.status, 200);
      assert.equal((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).statusCode, 200);
      await probe('after-disable');
      assert.equal(await s.endsWithin(ENDS_WITHIN_MS), true);
      assert.deepEqual(s.events, []);
    });

    it("a password change ends the other sessions' streams and keeps this one's", async () => {
      const { client, email } = await createSignedInUser(app, admin, 'author');
      const other = app.client();
      await other.post('/api/auth/login', { email, password: STRONG_PASSWORD });
      const mine = await stream(client);
      const theirs = await stream(other);
      const changed = await client.post('/api/me/password', { currentPassword: STRONG_PASSWORD, newPassword: 'another long password' });
      assert.equal(changed.statusCode, 204);
      assert.equal(await theirs.endsWithin(ENDS_WITHIN_MS), true, "the other session's stream ended");
      assert.equal(await mine.endsWithin(1500), false, "this session's stream goes on");
      mine.close();
    });

    it('a role change ends the streams opened for the old role', async () => {
      const { client, id } = await createSignedInUser(app, admin, 'admin');
      const s = await stream(client);
      assert.equal((await admin.patch(`/api/admin/users/${id}`, { role: 'learner' })).statusCode, 200);
      await probe('after-demotion');
      assert.equal(await s.endsWithin(ENDS_WITHIN_MS), true);
      assert.deepEqual(s.events, []);
    });


    it('caps the streams of one user, refusing one more with 429', async () => {
      const { client } = await createSignedInUser(app, admin, 'learner');
      const streams = [await stream(client), await stream(client), await stream(client)];
      assert.deepEqual(
        streams.map((s) => s.status),
        [200, 200, 200],
      );
      const refused = await fetch(`${base}/api/events`, { headers: { cookie: client.cookieHeader() } });
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: string }).error, 'too_many_streams');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      // Closing one frees its place.
      streams[0]?.close();
      await streams[0]?.ended;
      let again = await stream(client);
      for (let i = 0; i < 20 && again.status === 429; i++) {
        await new Promise((r) => setTimeout(r, 50));
        again = await stream(client);
      }
      assert.equal(again.status, 200);
      for (const s of [...streams, again]) s.close();
    });
  });

  describe(`[${dialect}] event streams re-check their session`, () => {
    let app: TestApp;
    before(async () => {
      app = await createTestApp(dialect, { EVENTS_SESSION_CHECK_SECONDS: '1' });
      await app.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(() => app.close());

    it('a session ended without a signal (from the command line, another process) ends its stream within the period', async () => {
      const admin = await setUpAdmin(app);
      const { client, id } = await createSignedInUser(app, admin, 'learner');
      const address = app.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const s = await openEventStream(`http://127.0.0.1:${port}/api/events`, client.cookieHeader());
      assert.equal(s.status, 200);
      await app.db.deleteFrom('sessions').where('user_id', '=', id).execute();
      assert.equal(await s.endsWithin(ENDS_WITHIN_MS), true);
    });
  });
}
