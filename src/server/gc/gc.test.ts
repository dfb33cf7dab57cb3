// The collector on a real server, on both databases and both blob stores: it takes exactly the
// leftovers (orphaned files, blobs, zombies, temporaries, partial uploads, work folders, old
// drafts), keeps everything live, flags missing objects, refuses without the marker, and runs once
// at a time.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@tus/utils';
import { MARKER_NAME } from '../storage/blob-store.ts';
import { createS3Client, type S3Options } from '../storage/s3.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { waitFor } from '../testing/wait.ts';
import { createBlobDeletion } from '../blobs/deletion.ts';
import { createGcRepository } from './repository.ts';
import { DAY_MS, zeroGracePolicy } from './rules.ts';
import { createGcService } from './service.ts';
import { type GcHarness, startGcHarness, TEST_STORES } from './testkit.ts';

for (const dialect of TEST_DIALECTS) {
  for (const store of TEST_STORES) {
    describe(`[${dialect}] [${store}] garbage collector`, () => {
      let h: GcHarness;
      before(async () => {
        h = await startGcHarness(dialect, store);
      });
      after(() => h.close());

      const storage = () => h.app.config.storage;
      const s3 = () => {
        const s = storage() as S3Options & { driver: 's3' };
        return { client: createS3Client(s), bucket: s.bucket, base: s.prefix ? `${s.prefix}/` : '' };
      };

      async function putTemporary(content: Buffer): Promise<void> {
        const name = randomUUID();
        const s = storage();
        if (s.driver === 'disk') {
          mkdirSync(path.join(s.root, '.tmp'), { recursive: true });
          writeFileSync(path.join(s.root, '.tmp', name), content);
        } else {
          const { client, bucket, base } = s3();
          await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${base}.tmp/${name}`, Body: content }));
        }
      }

      async function setMarker(present: boolean): Promise<void> {
        const s = storage();
        if (present) return h.app.runtime.blobStore.ensureMarker();
        if (s.driver === 'disk') {
          const { rmSync } = await import('node:fs');
          rmSync(path.join(s.root, MARKER_NAME));
        } else {
          const { client, bucket, base } = s3();
          await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${base}${MARKER_NAME}` }));
        }
      }

      async function orphanPartialUpload(bytes: number): Promise<string> {
        const id = randomUUID();
        const datastore = h.app.runtime.uploads.datastore;
        await datastore.create(new Upload({ id, size: bytes * 2, offset: 0 }));
        await datastore.write(Readable.from([randomBytes(bytes)]), id, 0);
        return id;
      }

      const blobOf = async (assetId: string) =>
        (await h.app.db.selectFrom('assets').select('blob_key').where('id', '=', assetId).executeTakeFirst())
          ?.blob_key ?? null;
      const assetExists = async (id: string) =>
        !!(await h.app.db.selectFrom('assets').select('id').where('id', '=', id).executeTakeFirst());

      it('takes exactly the leftovers and keeps every live file', async () => {
        // Live: a library file, a file a draft uploaded, a file a draft uses.
        const library = await h.upload(randomBytes(3000), { name: 'library.bin' });
        const draft = await h.newDraft();
        const inDraft = await h.upload(randomBytes(3100), { draftId: draft.id });
        // Leftover: a draft upload whose draft vanished without purging it (a crash mid-cancel).
        const lost = await h.newDraft();
        const orphan = await h.upload(randomBytes(3200), { draftId: lost.id });
        for (const id of [library, inDraft, orphan]) await h.settled(id);
        const orphanBlob = await blobOf(orphan);
        assert.ok(orphanBlob);
        await h.app.db.deleteFrom('draft_assets').where('draft_id', '=', lost.id).execute();
        await h.app.db.deleteFrom('drafts').where('id', '=', lost.id).execute();
        // Leftovers in storage: a blob row nobody uses, an object nobody knows, a temporary, a
        // partial upload no asset claims, a work folder.
        const unused = await h.app.runtime.blobStore.put(Readable.from([randomBytes(1000)]));
        await h.app.db
          .insertInto('blobs')
          .values({ key: unused.key, sha256: unused.sha256, size: unused.size, created_at: Date.now() })
          .execute();
        const zombie = await h.app.runtime.blobStore.put(Readable.from([randomBytes(1100)]));
        await putTemporary(randomBytes(1200));
        const partial = await orphanPartialUpload(1300);
        mkdirSync(path.join(h.tempRoot, 'lectern-asset-crashed'));
        writeFileSync(path.join(h.tempRoot, 'lectern-asset-crashed', 'original.bin'), randomBytes(1400));
        const liveKeys = [await blobOf(library), await blobOf(inDraft)];

        const dry = await h.gc.run({ dryRun: true, trigger: 'manual' });
        assert.equal(dry.status, 'completed');
        const stored = await h.storedKeys();
        assert.ok(stored.has(zombie.key) && stored.has(unused.key), 'a dry run deletes nothing');
        assert.ok(await assetExists(orphan));

        const result = await h.gc.run({ dryRun: false, trigger: 'manual' });
        assert.ok(result.status === 'completed');
        const { classes, errors } = result.report;
        assert.deepEqual(errors, []);
        assert.equal(classes.assets.items, 1);
        assert.equal(classes.blobs.items, 2, 'the orphan file’s blob and the unused blob');
        assert.equal(classes.blobs.bytes, 3200 + 1000);
        assert.deepEqual(classes.zombies, { items: 1, bytes: 1100 });
        assert.deepEqual(classes.temporaries, { items: 1, bytes: 1200 });
        assert.equal(classes.uploads.items, 1);
        assert.deepEqual(classes.tempDirs, { items: 1, bytes: 1400 });
        assert.equal(
          dry.status === 'completed' && dry.report.classes.assets.items,
          1,
          'the dry run listed the same file',
        );
        assert.deepEqual(dry.status === 'completed' && dry.report.classes.zombies, classes.zombies);

        assert.ok(!(await assetExists(orphan)));
        assert.ok(await assetExists(library));
        assert.ok(await assetExists(inDraft));
        const after = await h.storedKeys();
        for (const key of liveKeys) assert.ok(key && after.has(key), `live blob ${key} kept`);
        for (const key of [orphanBlob, unused.key, zombie.key]) assert.ok(!after.has(key), `${key} deleted`);
        assert.ok(
          !(await h.app.db
            .selectFrom('blobs')
            .select('key')
            .where('key', 'in', [orphanBlob, unused.key])
            .executeTakeFirst()),
        );
        const partials: string[] = [];
        for await (const u of h.app.runtime.uploads.listPartial()) partials.push(u.id);
        assert.ok(!partials.includes(partial));

        // Nothing left: a second run frees nothing.
        const again = await h.gc.run({ dryRun: false, trigger: 'manual' });
        assert.ok(again.status === 'completed');
        for (const c of Object.values(again.report.classes)) assert.deepEqual(c, { items: 0, bytes: 0 });
      });

      it('keeps a caption file uploaded for a draft while the video it is attached to lives', async () => {
        const video = await h.upload(randomBytes(2100), { name: 'lecture.bin' });
        const gone = await h.newDraft();
        const captions = await h.upload(randomBytes(2200), { draftId: gone.id, name: 'lecture.vtt' });
        await h.settled(video);
        await h.settled(captions);
        await h.app.db.deleteFrom('draft_assets').where('draft_id', '=', gone.id).execute();
        await h.app.db.deleteFrom('drafts').where('id', '=', gone.id).execute();
        await h.app.db
          .insertInto('video_captions')
          .values({
            video_asset_id: video,
            captions_asset_id: captions,
            label: 'English',
            language: 'en',
            position: 0,
            created_at: Date.now(),
          })
          .execute();
        const kept = await h.gc.run({ dryRun: false, trigger: 'manual' });
        assert.ok(kept.status === 'completed');
        assert.equal(kept.report.classes.assets.items, 0);
        assert.ok(await assetExists(captions));
        assert.equal((await h.author.request('DELETE', `/api/assets/${video}`)).statusCode, 204);
        const collected = await h.gc.run({ dryRun: false, trigger: 'manual' });
        assert.ok(collected.status === 'completed');
        assert.equal(collected.report.classes.assets.items, 1);
        assert.ok(!(await assetExists(captions)));
      });

      it('keeps going when one deletion fails: the rest of its batch still goes, the failure is reported', async () => {
        const keys: string[] = [];
        for (let i = 0; i < 5; i++) {
          const put = await h.app.runtime.blobStore.put(Readable.from([randomBytes(700 + i)]));
          await h.app.db
            .insertInto('blobs')
            .values({ key: put.key, sha256: put.sha256, size: put.size, created_at: Date.now() })
            .execute();
          keys.push(put.key);
        }
        const failing = keys[2] as string;
        const store = h.app.runtime.blobStore;
        const refusing = {
          ...store,
          delete: async (key: string) => {
            if (key === failing) throw new Error('the storage said no');
            return store.delete(key);
          },
        };
        const gc = createGcService({
          repo: createGcRepository(h.app.db, dialect),
          blobStore: refusing,
          blobs: createBlobDeletion({ db: h.app.db, blobStore: refusing }),
          uploads: h.app.runtime.uploads,
          cancelAssetWork: async () => {},
          policy: zeroGracePolicy(),
          tempRoot: h.tempRoot,
          unfinishedUploadMaxAgeMs: DAY_MS,
        });
        const result = await gc.run({ dryRun: false, trigger: 'manual' });
        assert.ok(result.status === 'completed');
        assert.equal(result.report.classes.blobs.items, 4);
        assert.equal(result.report.errorCount, 1);
        assert.match(result.report.errors[0] ?? '', /the storage said no/);
        const rows = (await h.app.db.selectFrom('blobs').select('key').where('key', 'in', keys).execute()).map(
          (r) => r.key,
        );
        assert.deepEqual(rows, [failing], 'the failed object keeps its row: the next run tries again');
        assert.ok((await h.storedKeys()).has(failing));
        assert.equal((await h.gc.run({ dryRun: false, trigger: 'manual' })).status, 'completed');
        assert.ok(!(await h.storedKeys()).has(failing));
      });

      it('never deletes a row whose object is missing: its file is marked missing and reported', async () => {
        const id = await h.upload(randomBytes(2000), { name: 'vanishing.bin' });
        await h.settled(id);
        const key = await blobOf(id);
        assert.ok(key);
        await h.app.runtime.blobStore.delete(key);
        // Fresh rows get ten minutes (an upload may be storing its object again); this one is older.
        await h.app.db
          .updateTable('blobs')
          .set({ created_at: Date.now() - DAY_MS })
          .where('key', '=', key)
          .execute();
        const result = await h.gc.run({ dryRun: false, trigger: 'manual' });
        assert.ok(result.status === 'completed');
        assert.equal(result.report.flaggedCount, 1);
        assert.deepEqual(result.report.flagged[0], { kind: 'missing-object', key, assetIds: [id] });
        const row = await h.app.db
          .selectFrom('assets')
          .select(['state', 'blob_key'])
          .where('id', '=', id)
          .executeTakeFirst();
        assert.equal(row?.state, 'missing');
        assert.equal(row?.blob_key, key);
        assert.ok(
          await h.app.db.selectFrom('blobs').select('key').where('key', '=', key).executeTakeFirst(),
          'the blob row stays',
        );
      });

      it('refuses to run when the storage has lost its marker (an unmounted disk looks empty)', async () => {
        const zombie = await h.app.runtime.blobStore.put(Readable.from([randomBytes(900)]));
        await setMarker(false);
        try {
          const result = await h.gc.run({ dryRun: false, trigger: 'manual' });
          assert.equal(result.status, 'refused');
          assert.ok(result.status === 'refused' && /marker/.test(result.report.refusal ?? ''));
          assert.ok((await h.storedKeys()).has(zombie.key), 'nothing deleted');
          const runs = await h.gc.listRuns(1);
          assert.equal(runs[0]?.status, 'refused');
        } finally {
          await setMarker(true);
        }
        assert.equal((await h.gc.run({ dryRun: false, trigger: 'manual' })).status, 'completed');
        assert.ok(!(await h.storedKeys()).has(zombie.key));
      });

      it('runs once at a time across nodes: a held lease makes another run wait its turn', async () => {
        const repo = createGcRepository(h.app.db, dialect);
        assert.ok(await repo.acquireLease('gc', 'other-node', Date.now(), 60_000));
        assert.deepEqual(await h.gc.run({ dryRun: true, trigger: 'manual' }), { status: 'busy' });
        await repo.releaseLease('gc', 'other-node');
        // An expired lease (its holder was killed) is taken over.
        assert.ok(await repo.acquireLease('gc', 'killed-node', Date.now() - 120_000, 60_000));
        assert.equal((await h.gc.run({ dryRun: true, trigger: 'manual' })).status, 'completed');
      });

      it('removes drafts abandoned for 90 days with what only they uploaded, and lists those close to it', async () => {
        const old = await h.newDraft();
        const oldFile = await h.upload(randomBytes(2500), { draftId: old.id });
        const soon = await h.newDraft();
        await h.settled(oldFile);
        await h.app.db
          .updateTable('drafts')
          .set({ updated_at: Date.now() - 91 * DAY_MS })
          .where('id', '=', old.id)
          .execute();
        await h.app.db
          .updateTable('drafts')
          .set({ updated_at: Date.now() - 85 * DAY_MS })
          .where('id', '=', soon.id)
          .execute();
        const result = await h.gc.run({ dryRun: false, trigger: 'manual' });
        assert.ok(result.status === 'completed');
        assert.equal(result.report.classes.drafts.items, 1);
        assert.equal(result.report.classes.assets.items, 1);
        assert.ok(!(await h.app.db.selectFrom('drafts').select('id').where('id', '=', old.id).executeTakeFirst()));
        assert.ok(!(await assetExists(oldFile)));
        const listed = result.report.drafts.find((d) => d.id === soon.id);
        assert.ok(listed, 'the draft near its removal is listed');
        assert.ok(Math.abs(listed.removeAt - (Date.now() + 5 * DAY_MS)) < 60_000);
        assert.ok((await h.gc.upcomingDraftRemovals()).some((d) => d.id === soon.id));
      });

      it('shows administrators the runs and queues a dry run from the admin API', async () => {
        assert.equal((await h.author.get('/api/admin/gc')).statusCode, 403);
        const since = Date.now();
        const queued = await h.admin.post('/api/admin/gc/runs', { dryRun: true });
        assert.equal(queued.statusCode, 202, queued.body);
        const { jobId } = queued.json();
        await waitFor(
          async () => (await h.app.runtime.queue.getJob(jobId))?.state === 'completed',
          'the queued run to finish',
          30_000,
          50,
        );
        const page = (await h.admin.get('/api/admin/gc')).json();
        assert.equal(page.settings.graceHours, 24);
        assert.equal(page.settings.draftMaxAgeDays, 90);
        const run = page.runs[0];
        assert.equal(run.dryRun, true);
        assert.equal(run.trigger, 'manual');
        assert.equal(run.status, 'completed');
        assert.ok(Date.parse(run.startedAt) >= since - 5);
        const one = await h.admin.get(`/api/admin/gc/runs/${run.id}`);
        assert.equal(one.statusCode, 200);
        assert.equal(one.json().run.id, run.id);
      });
    });
  }
}
