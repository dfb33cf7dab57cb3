// Crash tests: a Lectern process killed (SIGKILL) between storing an upload's bytes and writing
// their row, and in the middle of a publish. The next collection takes exactly what the crash
// left behind, and nothing live; the work then completes as if nothing had happened.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GC_CLASSES, type GcClass } from '../../shared/gc.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import type { GcRunResult } from './service.ts';
import { type GcHarness, startGcHarness, TEST_STORES } from './testkit.ts';

interface Reached {
  type: 'reached';
  key?: string;
  size?: number;
  table?: string;
}

/** Runs crash-child.ts until it reports the chosen point, then kills it like a power cut. */
async function runUntilKilled(h: GcHarness, env: Record<string, string>): Promise<Reached> {
  const child = fork(path.join(import.meta.dirname, 'crash-child.ts'), [], {
    env: { ...process.env, LECTERN_CRASH_CONFIG: JSON.stringify(h.app.config), ...env },
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    return await new Promise<Reached>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the child never reached the crash point')), 60_000);
      child.on('message', (message: { type: string }) => {
        clearTimeout(timer);
        if (message.type === 'reached') resolve(message as Reached);
        else reject(new Error(`the child finished without reaching the crash point: ${JSON.stringify(message)}`));
      });
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before the crash point`)));
    });
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

function freedOnly(result: GcRunResult, expected: Partial<Record<GcClass, { items: number; bytes: number }>>): void {
  assert.ok(result.status === 'completed', `run ${result.status}`);
  assert.deepEqual(result.report.errors, []);
  for (const c of GC_CLASSES) {
    const want = expected[c] ?? { items: 0, bytes: 0 };
    assert.deepEqual(result.report.classes[c], want, `class ${c}`);
  }
}

for (const dialect of TEST_DIALECTS) {
  for (const store of TEST_STORES) {
    describe(`[${dialect}] [${store}] crashes, then a collection`, () => {
      let h: GcHarness;
      before(async () => {
        // No workers at first: the child, not this process, takes the upload's ingest.
        h = await startGcHarness(dialect, store, { workers: false });
      });
      after(() => h.close());

      it('killed between storing an upload and writing its row: the zombie object goes, the file survives', async () => {
        const content = randomBytes(5000);
        const assetId = await h.upload(content, { name: 'report.bin' });
        const reached = await runUntilKilled(h, { LECTERN_CRASH_MODE: 'ingest', LECTERN_CRASH_TARGET: assetId });
        assert.ok(reached.key);
        assert.equal(reached.size, content.length);
        assert.ok((await h.storedKeys()).has(reached.key), 'the object was stored');
        assert.equal(
          await h.app.db.selectFrom('blobs').select('key').where('key', '=', reached.key).executeTakeFirst(),
          undefined,
        );
        const asset = await h.app.db
          .selectFrom('assets')
          .selectAll()
          .where('id', '=', assetId)
          .executeTakeFirstOrThrow();
        assert.equal(asset.state, 'processing');
        assert.equal(asset.blob_key, null);

        // Exactly the leftover: one object nobody knows. The file and its upload stay (its job will retry).
        freedOnly(await h.gc.run({ dryRun: false, trigger: 'manual' }), {
          zombies: { items: 1, bytes: content.length },
        });
        assert.ok(!(await h.storedKeys()).has(reached.key));
        const partial: string[] = [];
        for await (const u of h.app.runtime.uploads.listPartial()) partial.push(u.id);
        assert.ok(partial.includes(assetId), 'the upload of a file still processing is kept');

        // A worker takes the queued ingest: the file is stored again and ready; nothing else to collect.
        await h.app.runtime.queue.startWorkers(h.app.runtime.registry, { concurrency: 2 });
        await h.settled(assetId);
        const done = await h.app.db
          .selectFrom('assets')
          .selectAll()
          .where('id', '=', assetId)
          .executeTakeFirstOrThrow();
        assert.equal(done.state, 'ready');
        assert.equal(done.blob_key, reached.key);
        assert.ok((await h.storedKeys()).has(reached.key));
        freedOnly(await h.gc.run({ dryRun: false, trigger: 'manual' }), {});
      });

      it('killed in the middle of a publish: the draft is intact, no half version, and a collection frees nothing live', async () => {
        const draft = await h.newDraft();
        const file = await h.upload(randomBytes(3000), { draftId: draft.id, name: 'plan.bin' });
        const image = await h.upload(randomBytes(3100), { draftId: draft.id, name: 'diagram.bin' });
        const spare = await h.upload(randomBytes(3200), { draftId: draft.id, name: 'unused.bin' });
        for (const id of [file, image, spare]) await h.settled(id);
        const saved = await h.author.patch(`/api/drafts/${draft.id}`, {
          revision: draft.revision,
          basics: {
            title: 'Evacuation',
            versionLabel: '',
            shortDescription: '',
            topics: [],
            language: 'en',
            coverAssetId: null,
          },
          files: [{ assetId: file, title: 'Floor plan', description: '', required: true }],
          test: {
            settings: { passMarkPercent: 60 },
            categories: [
              {
                id: crypto.randomUUID(),
                name: 'Exits',
                questions: [
                  {
                    id: crypto.randomUUID(),
                    kind: 'single',
                    text: 'Which exit?',
                    image: { assetId: image, alt: 'A floor plan' },
                    answers: [
                      { id: crypto.randomUUID(), text: 'North', fraction: 1 },
                      { id: crypto.randomUUID(), text: 'Lift', fraction: 0 },
                    ],
                  },
                ],
              },
            ],
          },
        });
        assert.equal(saved.statusCode, 200, saved.body);
        const revision = saved.json().draft.revision;
        const links = async () =>
          (
            await h.app.db
              .selectFrom('draft_assets')
              .select(['asset_id', 'relation'])
              .where('draft_id', '=', draft.id)
              .orderBy('asset_id')
              .execute()
          ).map((r) => `${r.asset_id}:${r.relation}`);
        const linksBefore = await links();
        const storedBefore = await h.storedKeys();

        const reached = await runUntilKilled(h, {
          LECTERN_CRASH_MODE: 'publish',
          LECTERN_CRASH_TARGET: draft.id,
          LECTERN_CRASH_USER: h.authorId,
        });
        assert.equal(
          reached.table,
          'course_version_assets',
          'killed after the version rows were written, before the draft went',
        );

        const row = await h.app.db.selectFrom('drafts').selectAll().where('id', '=', draft.id).executeTakeFirst();
        assert.equal(row?.revision, revision, 'the draft is intact');
        assert.deepEqual(await links(), linksBefore);
        assert.equal(
          await h.app.db
            .selectFrom('course_versions')
            .select('course_id')
            .where('source_draft_id', '=', draft.id)
            .executeTakeFirst(),
          undefined,
        );
        assert.equal(
          await h.app.db.selectFrom('course_version_assets').select('asset_id').executeTakeFirst(),
          undefined,
          'no half version',
        );
        assert.equal(await h.app.db.selectFrom('courses').select('id').executeTakeFirst(), undefined);

        freedOnly(await h.gc.run({ dryRun: false, trigger: 'manual' }), {});
        assert.deepEqual([...(await h.storedKeys()).keys()].sort(), [...storedBefore.keys()].sort());

        // The same draft publishes afterwards; then only its unused upload is garbage.
        const published = await h.author.post(`/api/drafts/${draft.id}/publish`);
        assert.equal(published.statusCode, 200, published.body);
        const result = await h.gc.run({ dryRun: false, trigger: 'manual' });
        assert.ok(result.status === 'completed');
        assert.equal(result.report.classes.assets.items, 1);
        const remaining = (
          await h.app.db.selectFrom('assets').select('id').where('id', 'in', [file, image, spare]).execute()
        ).map((r) => r.id);
        assert.deepEqual(remaining.sort(), [file, image].sort());
      });
    });
  }
}
