import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createMemoryEventBus } from '../events/bus.ts';
import { createEmbeddedJobQueue } from '../jobs/embedded.ts';
import { createServices } from '../services.ts';
import { createBlobStore } from '../storage/index.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createFileUploadStore } from '../uploads/store.ts';
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
      const logger = pino({ level: 'silent' });
      // Services are built without touching the database, so the app starts before migrating.
      const services = createServices({
        config,
        db,
        logger,
        blobStore: await createBlobStore(config.storage),
        uploads: createFileUploadStore(config.uploadsDir),
        bus: createMemoryEventBus(),
        queue: createEmbeddedJobQueue({ db }),
      });
      const { app } = await buildApp({ config, db, logger, storageState: () => ({ ok: true }), services });
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
