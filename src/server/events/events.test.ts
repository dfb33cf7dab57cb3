// Live job events reach administrators' browsers over server-sent events, and nobody else's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JobEventData } from '../../shared/events.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { openEventStream } from '../testing/sse.ts';
import { mayReceive } from './routes.ts';

describe('event audience', () => {
  it('delivers to the listed roles and users only', () => {
    const event = { type: 'job' as const, audience: { roles: ['admin' as const], userIds: ['u-7'] }, data: {} as JobEventData };
    assert.equal(mayReceive({ id: 'u-1', role: 'admin' }, event), true);
    assert.equal(mayReceive({ id: 'u-7', role: 'learner' }, event), true);
    assert.equal(mayReceive({ id: 'u-2', role: 'author' }, event), false);
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] live job events`, () => {
    let app: TestApp;
    let admin: TestClient;
    let base: string;
    before(async () => {
      app = await createTestApp(dialect);
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      admin = await setUpAdmin(app);
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 1 });
    });
    after(() => app.close());

    it('streams a probe job from queued to completed to an administrator, and nothing to a learner', async () => {
      const { client: learner, id: learnerId } = await createSignedInUser(app, admin, 'learner');
      const adminStream = await openEventStream(`${base}/api/events`, admin.cookieHeader());
      const learnerStream = await openEventStream(`${base}/api/events`, learner.cookieHeader());
      assert.equal(adminStream.status, 200);
      assert.equal(learnerStream.status, 200);
      try {
        const probe = await admin.post('/api/admin/jobs/probe');
        assert.equal(probe.statusCode, 202);
        const { jobId } = probe.json();
        for (const state of ['created', 'active', 'completed']) {
          await adminStream.waitFor((e) => (e.data as JobEventData).jobId === jobId && (e.data as JobEventData).state === state);
        }
        const jobs = (await admin.get('/api/admin/jobs')).json();
        assert.equal(jobs.driver, dialect === 'sqlite' ? 'embedded' : 'pg-boss');
        const counts = jobs.queues.find((q: { name: string }) => q.name === 'system.probe').counts;
        assert.ok(counts.completed >= 1);
        // An event for the learner, raised once the job's have all arrived: had any of them been sent
        // to the learner too, it would have arrived there first (the bus and each stream keep their order).
        const marker: JobEventData = { jobId: 'marker', name: 'system.probe', state: 'completed' };
        await app.runtime.bus.publish({ type: 'job', audience: { userIds: [learnerId] }, data: marker });
        await learnerStream.waitFor((e) => (e.data as JobEventData).jobId === 'marker');
        assert.deepEqual(learnerStream.events, [{ event: 'job', data: marker }]);
      } finally {
        adminStream.close();
        learnerStream.close();
      }
    });

    it('refuses the stream to anyone signed out', async () => {
      const stream = await openEventStream(`${base}/api/events`, '');
      assert.equal(stream.status, 401);
      stream.close();
    });

    it('retries a failed job from the admin API, and refuses one that has not failed', async () => {
      const jobId = await app.runtime.queue.enqueue('system.probe', { probeId: 'to-fail' }, { runAt: new Date(Date.now() + 60_000) });
      assert.ok(jobId);
      const notFailed = await admin.post(`/api/admin/jobs/${jobId}/retry`);
      assert.equal(notFailed.statusCode, 409);
      assert.equal(notFailed.json().error, 'not_retryable');
      await app.runtime.queue.cancel(jobId);
      const retried = await admin.post(`/api/admin/jobs/${jobId}/retry`);
      assert.equal(retried.statusCode, 200);
    });
  });
}
