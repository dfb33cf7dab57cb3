import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createMemoryEventBus } from '../events/bus.ts';
import { createEmbeddedJobQueue } from '../jobs/embedded.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createDatabase, type Database } from './database.ts';
import { migrateToLatest, pendingMigrations } from './migrate.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] migrations`, () => {
    let testDb: TestDatabase;
    let db: Database;
    before(async () => {
      testDb = await createTestDatabase(dialect);
      db = createDatabase(testDb.config);
    });
    after(async () => {
      await db.destroy();
      await testDb.drop();
    });

    it('reports not ready until migrated, then applies every migration once', async () => {
      const config = { ...loadConfig({ DATA_DIR: '/tmp/lectern-migrate-test', LOG_LEVEL: 'silent' }), database: testDb.config };
      const { app } = await buildApp({
        config,
        db,
        logger: pino({ level: 'silent' }),
        bus: createMemoryEventBus(),
        queue: createEmbeddedJobQueue({ db }),
        storageState: () => ({ ok: true }),
      });
      const before = await app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(before.statusCode, 503);
      assert.match(before.json().reason, /pending migrations/);

      const pending = await pendingMigrations(db);
      assert.ok(pending.length > 0);
      assert.deepEqual(await migrateToLatest(db), pending);
      assert.deepEqual(await migrateToLatest(db), []);
      assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
      await app.close();
    });
  });
}
