// The collector's rule, tested through the code that runs it: for every source of the reference
// list (db/references.ts) that keeps a file alive, a row of that source keeps it from the
// repository's scan and from its deletion's re-check, and removing the row makes it garbage. A
// source added to the list without a seed here fails the first test. Blobs go through the
// deletion protocol the collector and the asset service share (blobs/deletion.ts). On both databases.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createBlobDeletion } from '../blobs/deletion.ts';
import { createDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { keepingReferences, type Reference } from '../db/references.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createGcRepository, type GcRepository } from './repository.ts';
import { DAY_MS } from './rules.ts';

const NOW = Date.now();
const OLD = NOW - 30 * DAY_MS;
const CUTOFF = NOW - DAY_MS;

/** Adds a row of one reference source pointing at the target; returns what removes it again. */
type Seed = (db: Database, ctx: { ownerId: string }, targetId: string) => Promise<() => Promise<void>>;

let counter = 0;
const blobKey = () => `sha256/00/00/${(++counter).toString(16).padStart(64, '0')}`;

async function insertBlob(db: Database, key = blobKey()): Promise<string> {
  await db.insertInto('blobs').values({ key, sha256: key.slice(-64), size: 10, created_at: OLD }).execute();
  return key;
}

async function insertAsset(
  db: Database,
  ownerId: string,
  patch: { uploadedForDraft?: boolean; updatedAt?: number; blobKey?: string | null } = {},
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('assets')
    .values({
      id,
      owner_id: ownerId,
      kind: 'other',
      original_name: 'x.bin',
      state: 'ready',
      reason: null,
      progress: null,
      size: 10,
      mime: 'application/octet-stream',
      blob_key: patch.blobKey ?? null,
      upload_id: null,
      uploaded_for_draft_at: patch.uploadedForDraft === false ? null : OLD,
      metadata: '{}',
      created_at: OLD,
      updated_at: patch.updatedAt ?? OLD,
    })
    .execute();
  return id;
}

const SEEDS: Record<string, Seed> = {
  'course_version_assets.asset_id': async (db, { ownerId }, assetId) => {
    const courseId = randomUUID();
    await db.insertInto('courses').values({ id: courseId, owner_id: ownerId, latest_version: 1, created_at: OLD, updated_at: OLD }).execute();
    await db
      .insertInto('course_versions')
      .values({ course_id: courseId, version: 1, title: 'C', content: '{}', source_draft_id: randomUUID(), published_by: ownerId, published_at: OLD })
      .execute();
    await db.insertInto('course_version_assets').values({ course_id: courseId, version: 1, asset_id: assetId }).execute();
    return async () => {
      await db.deleteFrom('course_version_assets').where('course_id', '=', courseId).execute();
    };
  },
  // A course's certificate signature, whether or not a published version lists it.
  'courses.certificate_signature_asset_id': async (db, { ownerId }, assetId) => {
    const courseId = randomUUID();
    await db
      .insertInto('courses')
      .values({ id: courseId, owner_id: ownerId, latest_version: 1, created_at: OLD, updated_at: OLD, certificate_signature_asset_id: assetId })
      .execute();
    return async () => {
      await db.updateTable('courses').set({ certificate_signature_asset_id: null }).where('id', '=', courseId).execute();
    };
  },
  // An upload the draft does not list keeps the file from the collector all the same.
  'draft_assets.asset_id': async (db, { ownerId }, assetId) => {
    const draftId = randomUUID();
    await db
      .insertInto('drafts')
      .values({ id: draftId, owner_id: ownerId, revision: 1, step: 'files', content: '{}', course_id: null, base_version: null, created_at: NOW, updated_at: NOW })
      .execute();
    await db.insertInto('draft_assets').values({ draft_id: draftId, asset_id: assetId, relation: 'uploaded', listed_at: null }).execute();
    return async () => {
      await db.deleteFrom('draft_assets').where('draft_id', '=', draftId).execute();
    };
  },
  'video_captions.captions_asset_id': async (db, { ownerId }, assetId) => {
    const videoId = await insertAsset(db, ownerId, { uploadedForDraft: false });
    await db
      .insertInto('video_captions')
      .values({ video_asset_id: videoId, captions_asset_id: assetId, label: 'English', language: 'en', position: 0, created_at: OLD })
      .execute();
    return async () => {
      await db.deleteFrom('assets').where('id', '=', videoId).execute();
    };
  },
  'assets.blob_key': async (db, { ownerId }, key) => {
    const id = await insertAsset(db, ownerId, { uploadedForDraft: false, blobKey: key });
    return async () => {
      await db.deleteFrom('assets').where('id', '=', id).execute();
    };
  },
  'asset_derivatives.blob_key': async (db, { ownerId }, key) => {
    const id = await insertAsset(db, ownerId, { uploadedForDraft: false });
    await db.insertInto('asset_derivatives').values({ asset_id: id, role: 'thumb', blob_key: key, mime: 'image/png', size: 10 }).execute();
    return async () => {
      await db.deleteFrom('asset_derivatives').where('asset_id', '=', id).execute();
    };
  },
  // A revoked certificate keeps its PDF too: the same bytes are downloadable and verifiable for ever.
  'certificates.pdf_blob_key': async (db, { ownerId }, key) => {
    const courseId = randomUUID();
    await db.insertInto('courses').values({ id: courseId, owner_id: ownerId, latest_version: 1, created_at: OLD, updated_at: OLD }).execute();
    await db
      .insertInto('course_versions')
      .values({ course_id: courseId, version: 1, title: 'C', content: '{}', source_draft_id: randomUUID(), published_by: ownerId, published_at: OLD })
      .execute();
    const id = randomUUID();
    const statusIndex = ++counter;
    await db
      .insertInto('certificates')
      .values({
        id,
        code: `C${statusIndex}`,
        user_id: ownerId,
        course_id: courseId,
        version: 1,
        cycle: 1,
        status_index: statusIndex,
        completed_at: OLD,
        issued_at: OLD,
        expires_at: OLD,
        revoked_at: OLD,
        revoked_reason: 'test',
        revoked_by: ownerId,
        previous_certificate_id: null,
        pdf_blob_key: key,
        pdf_sha256: key.slice(-64),
        pdf_size: 10,
        snapshot: '{}',
        template: '{}',
        credential_jwt: null,
        created_at: OLD,
      })
      .execute();
    return async () => {
      await db.deleteFrom('certificates').where('id', '=', id).execute();
    };
  },
};

const name = (r: Reference) => `${r.table}.${r.column}`;

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] the collector's rule, from the reference list`, () => {
    let testDb: TestDatabase;
    let db: Database;
    let repo: GcRepository;
    let ownerId: string;

    const garbageIds = async () => (await repo.garbageAssetsPage(CUTOFF, '', 1000)).map((a) => a.id);
    const unreferencedKeys = async () => (await repo.unreferencedBlobsPage(NOW, '', 1000)).map((b) => b.key);

    before(async () => {
      testDb = await createTestDatabase(dialect);
      db = createDatabase(testDb.config);
      await migrateToLatest(db);
      repo = createGcRepository(db, dialect);
      ownerId = randomUUID();
      await db
        .insertInto('users')
        .values({ id: ownerId, email: 'a@example.org', display_name: 'A', role: 'author', password_hash: 'x', disabled_at: null, created_at: OLD, updated_at: OLD })
        .execute();
    });
    after(async () => {
      await db.destroy();
      await testDb.drop();
    });

    it('has a seed for every source that keeps a file alive', () => {
      for (const ref of [...keepingReferences('asset'), ...keepingReferences('blob')])
        assert.ok(SEEDS[name(ref)], `add a seed for ${name(ref)} to this test`);
    });

    it('keeps a library file whatever its age, and a draft upload within its grace period', async () => {
      const library = await insertAsset(db, ownerId, { uploadedForDraft: false });
      const fresh = await insertAsset(db, ownerId, { updatedAt: NOW });
      const old = await insertAsset(db, ownerId);
      const atCutoff = await insertAsset(db, ownerId, { updatedAt: CUTOFF });
      const page = await garbageIds();
      assert.ok(!page.includes(library) && !page.includes(fresh));
      assert.ok(page.includes(old) && page.includes(atCutoff), 'exactly at the cutoff is old enough');
      const { deleted } = await repo.deleteAssetsIfGarbage([library, fresh, old, atCutoff], CUTOFF);
      assert.deepEqual(deleted.sort(), [old, atCutoff].sort());
    });

    for (const ref of keepingReferences('asset')) {
      it(`keeps a draft upload that ${name(ref)} references, and takes it once nothing does`, async () => {
        const key = await insertBlob(db);
        const id = await insertAsset(db, ownerId, { blobKey: key });
        const unlink = await (SEEDS[name(ref)] as Seed)(db, { ownerId }, id);
        assert.ok(!(await garbageIds()).includes(id), 'the scan passes it by');
        assert.deepEqual((await repo.deleteAssetsIfGarbage([id], CUTOFF)).deleted, [], 'the re-check keeps it');
        await unlink();
        assert.ok((await garbageIds()).includes(id));
        assert.deepEqual(await repo.deleteAssetsIfGarbage([id], CUTOFF), { deleted: [id], blobKeys: [key] });
      });
    }

    for (const ref of keepingReferences('blob')) {
      it(`keeps a blob that ${name(ref)} references, and takes it once nothing does`, async () => {
        const key = await insertBlob(db);
        const unlink = await (SEEDS[name(ref)] as Seed)(db, { ownerId }, key);
        assert.ok(!(await unreferencedKeys()).includes(key), 'the scan passes it by');
        assert.ok(await repo.blobReferenced(key));
        let deletedObjects: string[] = [];
        const blobs = createBlobDeletion({
          db,
          blobStore: {
            delete: async (k: string) => {
              deletedObjects.push(k);
            },
          },
        });
        assert.deepEqual(await blobs.deleteUnreferenced([key]), { deleted: [], failed: [] }, 'the re-check keeps it');
        await unlink();
        assert.ok((await unreferencedKeys()).includes(key));
        deletedObjects = [];
        assert.deepEqual(await blobs.deleteUnreferenced([key]), { deleted: [{ key, size: 10 }], failed: [] });
        assert.deepEqual(deletedObjects, [key]);
      });
    }
  });
}
