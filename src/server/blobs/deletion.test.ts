// The blob deletion protocol on both databases: objects are deleted with no transaction open, a
// blob being deleted is never claimed by an upload of the same content (it waits, then registers
// it again), a refused object deletion un-marks its row, and a stale mark left by a killed process
// is finished.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createAssetsRepository } from '../assets/repository.ts';
import { createDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createBlobDeletion, STALE_MARK_MS } from './deletion.ts';

let counter = 0;
const newKey = () => `sha256/00/00/${(++counter).toString(16).padStart(63, '0')}f`;

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] blob deletion`, () => {
    let testDb: TestDatabase;
    let db: Database;

    const insertBlob = async (key: string, deletingAt: number | null = null) => {
      await db.insertInto('blobs').values({ key, sha256: key.slice(-64), size: 5, created_at: Date.now(), deleting_at: deletingAt }).execute();
    };
    const row = (key: string) => db.selectFrom('blobs').selectAll().where('key', '=', key).executeTakeFirst();
    const claim = (key: string) =>
      db.transaction().execute((trx) => createAssetsRepository(db).claimBlob({ key, sha256: key.slice(-64), size: 5 }, Date.now(), trx));

    /** No transaction is open while the object is deleted: the database answers other work at once. */
    async function assertNoTransactionOpen(): Promise<void> {
      // SQLite has one connection: inside a transaction this query would wait for ever.
      await db.selectFrom('blobs').select('key').limit(1).execute();
      if (dialect === 'postgres') {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state LIKE 'idle in transaction%'`.execute(db);
        assert.equal(rows[0]?.n, 0, 'a transaction is open during the object deletion');
      }
    }

    before(async () => {
      testDb = await createTestDatabase(dialect);
      db = createDatabase(testDb.config);
      await migrateToLatest(db);
    });
    after(async () => {
      await db.destroy();
      await testDb.drop();
    });

    it('deletes the object outside any transaction, the row after it', async () => {
      const key = newKey();
      await insertBlob(key);
      const seen: string[] = [];
      const blobs = createBlobDeletion({
        db,
        blobStore: {
          delete: async (k) => {
            await assertNoTransactionOpen();
            const marked = await row(k);
            assert.ok(marked?.deleting_at, 'the row is marked while its object goes');
            seen.push(k);
          },
        },
      });
      assert.deepEqual(await blobs.deleteUnreferenced([key, key]), { deleted: [{ key, size: 5 }], failed: [] });
      assert.deepEqual(seen, [key]);
      assert.equal(await row(key), undefined);
    });

    it('never lets an upload claim a blob being deleted: it waits for the row to go, then registers it again', async () => {
      const key = newKey();
      await insertBlob(key);
      let releaseDelete: () => void = () => {};
      let deleting: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        deleting = resolve;
      });
      const blobs = createBlobDeletion({
        db,
        pollMs: 10,
        blobStore: {
          delete: () =>
            new Promise<void>((resolve) => {
              releaseDelete = resolve;
              deleting();
            }),
        },
      });
      const deletion = blobs.deleteUnreferenced([key]);
      await started;
      assert.equal(await claim(key), false, 'a marked blob is not claimed');
      const gone = blobs.awaitGone(key, 5000);
      releaseDelete();
      assert.deepEqual((await deletion).deleted, [{ key, size: 5 }]);
      await gone;
      assert.equal(await claim(key), true, 'once gone, the same content registers again');
      assert.equal((await row(key))?.deleting_at, null);
    });

    it('keeps a blob whose claim was in progress when the deletion began: the deletion waits and sees it', async () => {
      const key = newKey();
      await insertBlob(key);
      const userId = `u-${key.slice(-8)}`;
      await db
        .insertInto('users')
        .values({ id: userId, email: `${userId}@example.org`, display_name: 'U', role: 'author', password_hash: 'x', disabled_at: null, created_at: 0, updated_at: 0 })
        .execute();
      let commit: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        commit = resolve;
      });
      let claimed: () => void = () => {};
      const claimedNow = new Promise<void>((resolve) => {
        claimed = resolve;
      });
      const upload = db.transaction().execute(async (trx) => {
        assert.equal(await createAssetsRepository(db).claimBlob({ key, sha256: key.slice(-64), size: 5 }, Date.now(), trx), true);
        claimed();
        await held;
        await trx
          .insertInto('assets')
          .values({
            id: `a-${key.slice(-8)}`,
            owner_id: userId,
            kind: 'other',
            original_name: 'x.bin',
            state: 'ready',
            reason: null,
            progress: null,
            size: 5,
            mime: null,
            blob_key: key,
            upload_id: null,
            uploaded_for_draft_at: null,
            metadata: '{}',
            created_at: 0,
            updated_at: 0,
          })
          .execute();
      });
      await claimedNow;
      const objects: string[] = [];
      const deletion = createBlobDeletion({ db, blobStore: { delete: async (k) => void objects.push(k) } }).deleteUnreferenced([key]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      commit();
      await upload;
      assert.deepEqual(await deletion, { deleted: [], failed: [] });
      assert.deepEqual(objects, []);
      assert.equal((await row(key))?.deleting_at, null);
    });

    it('un-marks a blob whose object the storage refused to delete: the next run tries again', async () => {
      const key = newKey();
      await insertBlob(key);
      const blobs = createBlobDeletion({
        db,
        blobStore: {
          delete: async () => {
            throw new Error('the storage said no');
          },
        },
      });
      const result = await blobs.deleteUnreferenced([key]);
      assert.deepEqual(result.deleted, []);
      assert.match(result.failed[0]?.error.message ?? '', /said no/);
      assert.equal((await row(key))?.deleting_at, null);
      assert.equal(await claim(key), true);
    });

    it('finishes a mark a killed process left behind, once it is older than 15 minutes', async () => {
      const stale = newKey();
      const fresh = newKey();
      const waited = newKey();
      await insertBlob(stale, Date.now() - STALE_MARK_MS - 1000);
      await insertBlob(fresh, Date.now() - 60_000);
      await insertBlob(waited, Date.now() - STALE_MARK_MS - 1000);
      const deleted: string[] = [];
      const blobs = createBlobDeletion({
        db,
        blobStore: {
          delete: async (k) => {
            deleted.push(k);
          },
        },
      });
      // An upload meeting a stale mark finishes the deletion itself rather than wait for the collector.
      await blobs.awaitGone(waited, 1000);
      assert.equal(await row(waited), undefined);
      const result = await blobs.finishStale();
      assert.deepEqual(result.deleted, [{ key: stale, size: 5 }]);
      assert.deepEqual(deleted.sort(), [stale, waited].sort());
      assert.equal(await row(stale), undefined);
      assert.ok((await row(fresh))?.deleting_at, 'a recent mark may still be in progress: it stays');
      await assert.rejects(blobs.awaitGone(fresh, 50), /still being deleted/);
    });

    it('deletes a zombie object under a marked placeholder row, which an upload does not claim', async () => {
      const key = newKey();
      let claimedMeanwhile: boolean | null = null;
      const blobs = createBlobDeletion({
        db,
        blobStore: {
          delete: async () => {
            await assertNoTransactionOpen();
            claimedMeanwhile = await claim(key);
          },
        },
      });
      assert.equal(await blobs.deleteZombie(key), true);
      assert.equal(claimedMeanwhile, false);
      assert.equal(await row(key), undefined);
      await insertBlob(key);
      assert.equal(await blobs.deleteZombie(key), false, 'a row exists: not a zombie');
    });
  });
}
