// The PostgreSQL event bus delivers one node's events in the order it published them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LiveEvent } from '../../shared/events.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import type { EventBus } from './bus.ts';
import { createPostgresEventBus } from './postgres.ts';

describe('[postgres] event bus over LISTEN/NOTIFY', { skip: !TEST_DIALECTS.includes('postgres') }, () => {
  let database: TestDatabase;
  let bus: EventBus;
  before(async () => {
    database = await createTestDatabase('postgres');
    const { config } = database;
    assert.equal(config.dialect, 'postgres');
    bus = await createPostgresEventBus({ connectionString: config.connectionString });
  });
  after(async () => {
    await bus?.close();
    await database?.drop();
  });

  it('delivers events in the order they were published, though nobody awaited them', async () => {
    const count = 300;
    const received: number[] = [];
    const all = new Promise<void>((resolve) => {
      bus.subscribe((event) => {
        if (event.type !== 'job') return;
        received.push(Number(event.data.jobId));
        if (received.length === count) resolve();
      });
    });
    const events: LiveEvent[] = Array.from({ length: count }, (_, i) => ({
      type: 'job',
      audience: { roles: ['admin'] },
      data: { jobId: String(i), name: 'system.probe', state: i % 2 ? 'completed' : 'active' },
    }));
    // As the job queue publishes: fire and forget, one after the other.
    await Promise.all(events.map((event) => bus.publish(event)));
    await all;
    assert.deepEqual(received, Array.from({ length: count }, (_, i) => i));
  });

  it('refuses an event too large for NOTIFY, and goes on delivering the next', async () => {
    const next = new Promise<LiveEvent>((resolve) => {
      const stop = bus.subscribe((event) => {
        stop();
        resolve(event);
      });
    });
    const large: LiveEvent = {
      type: 'job',
      audience: { roles: ['admin'] },
      data: { jobId: 'large', name: 'system.probe', state: 'failed', error: 'x'.repeat(9000) },
    };
    await assert.rejects(bus.publish(large), /too large/);
    await bus.publish({ type: 'job', audience: { roles: ['admin'] }, data: { jobId: 'after', name: 'system.probe', state: 'completed' } });
    assert.equal(((await next).data as { jobId: string }).jobId, 'after');
  });
});
