// A seeded random walk of 1,000 operations — upload, attach to a draft, detach, remove, cancel a
// draft, publish, edit and republish, collector runs at zero grace — on both databases and both
// blob stores. Uploads are not awaited to the end of their processing, so collections interleave
// with ingests in flight. After every step: every file still live exists, and no stored object
// that a row references is gone. After cancelling every draft and a final run: not one
// unreferenced byte remains. Issuing a certificate (the real issue service: a PDF stored as a blob)
// joins the walk: its PDF is never taken.
//
// GC_RANDOM_OPS (1000) and GC_RANDOM_SEED replay or shorten a walk.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestSetInput } from '../../shared/quiz.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { HOUR_MS, zeroGracePolicy } from './rules.ts';
import { type GcHarness, seededRandom, startGcHarness, TEST_STORES } from './testkit.ts';

const OPS = Number(process.env.GC_RANDOM_OPS ?? 1000);
const BASE_SEED = Number(process.env.GC_RANDOM_SEED ?? 20261125);

type Role = 'file' | 'cover' | 'question' | 'answer';
interface DraftModel {
  revision: number;
  uploaded: Set<string>;
  refs: { id: string; role: Role }[];
}

const answer = (text: string, fraction: number, imageId?: string) => ({
  id: crypto.randomUUID(),
  text,
  fraction,
  ...(imageId ? { image: { assetId: imageId, alt: 'A picture' } } : {}),
});

/** The draft's sections from its references: one cover, one question image, one answer image, the rest files. */
function contentOf(model: DraftModel) {
  const first = (role: Role) => model.refs.find((r) => r.role === role)?.id;
  const cover = first('cover');
  const questionImage = first('question');
  const answerImage = first('answer');
  const single = new Set([cover, questionImage, answerImage].filter(Boolean));
  const files = [...new Set(model.refs.map((r) => r.id).filter((id) => !single.has(id)))];
  const test: TestSetInput = {
    settings: { passMarkPercent: 60 },
    categories: [
      {
        id: crypto.randomUUID(),
        name: 'Basics',
        questions: [
          {
            id: crypto.randomUUID(),
            kind: 'single',
            text: 'Which one?',
            ...(questionImage ? { image: { assetId: questionImage, alt: 'A diagram' } } : {}),
            answers: [answer('This one', 1, answerImage), answer('That one', 0)],
          },
        ],
      },
    ],
  };
  return {
    basics: {
      title: 'Random course',
      versionLabel: '',
      shortDescription: '',
      topics: [],
      language: 'en',
      coverAssetId: cover ?? null,
    },
    files: files.map((assetId, i) => ({ assetId, title: `File ${i + 1}`, description: '', required: false })),
    test,
  };
}

for (const dialect of TEST_DIALECTS) {
  for (const store of TEST_STORES) {
    const seed = BASE_SEED + (dialect === 'postgres' ? 2 : 0) + (store === 's3' ? 1 : 0);
    describe(`[${dialect}] [${store}] collector under a random walk (seed ${seed})`, () => {
      let h: GcHarness;
      before(async () => {
        // Zero grace, except for storage temporaries: a put in flight writes one, and taking it
        // would only make that put fail and retry.
        const zero = zeroGracePolicy();
        h = await startGcHarness(dialect, store, {
          policy: { ...zero, graceMs: { ...zero.graceMs, temporaries: HOUR_MS } },
        });
      });
      after(() => h.close());

      it(`keeps every live file through ${OPS} operations and leaves no unreferenced byte`, async () => {
        const random = seededRandom(seed);
        const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
        const library = new Set<string>();
        const drafts = new Map<string, DraftModel>();
        const published = new Set<string>();
        const courses: string[] = [];
        // A few contents come back again and again: identical files share one blob.
        const pool = Array.from({ length: 8 }, () => randomBytes(512 + Math.floor(random() * 2048)));
        const content = () =>
          random() < 0.35 ? (pick(pool) as Buffer) : randomBytes(256 + Math.floor(random() * 4096));
        const counts: Record<string, number> = {};
        const db = h.app.db;

        const live = () => {
          const ids = new Set([...library, ...published]);
          for (const d of drafts.values()) {
            for (const id of d.uploaded) ids.add(id);
            for (const r of d.refs) ids.add(r.id);
          }
          return ids;
        };

        async function save(draftId: string, model: DraftModel): Promise<boolean> {
          const response = await h.author.patch(`/api/drafts/${draftId}`, {
            revision: model.revision,
            ...contentOf(model),
          });
          if (response.statusCode === 200) {
            model.revision = response.json().draft.revision;
            return true;
          }
          assert.fail(`save ${draftId}: ${response.statusCode} ${response.body}`);
        }

        /** No row may point at a stored object that is gone. A re-store after a race heals within moments; a loss does not. */
        async function checkNothingReferencedIsGone(step: number, op: string): Promise<void> {
          for (let attempt = 0; ; attempt++) {
            const stored = await h.storedKeys();
            const rows = await db.selectFrom('assets').select(['id', 'state', 'blob_key']).execute();
            const derivatives = await db.selectFrom('asset_derivatives').select(['asset_id', 'blob_key']).execute();
            const problems: string[] = [];
            const present = new Set(rows.map((r) => r.id));
            for (const id of live()) if (!present.has(id)) problems.push(`live file ${id} was deleted`);
            for (const r of rows) {
              if (r.state === 'missing') problems.push(`file ${r.id} is marked missing`);
              if (r.blob_key && !stored.has(r.blob_key)) problems.push(`file ${r.id}: object ${r.blob_key} is gone`);
            }
            for (const d of derivatives)
              if (!stored.has(d.blob_key)) problems.push(`derivative of ${d.asset_id}: object ${d.blob_key} is gone`);
            const certificates = await db.selectFrom('certificates').select(['id', 'pdf_blob_key']).execute();
            for (const c of certificates)
              if (c.pdf_blob_key && !stored.has(c.pdf_blob_key)) problems.push(`certificate ${c.id}: object ${c.pdf_blob_key} is gone`);
            if (problems.length === 0) return;
            if (attempt >= 20 || problems.some((p) => !p.includes('object'))) {
              assert.fail(`after step ${step} (${op}), seed ${seed}: ${problems.join('; ')}`);
            }
            await sleep(100);
          }
        }

        const operations: [string, number, () => Promise<void>][] = [
          [
            'upload to My files',
            12,
            async () => {
              library.add(await h.upload(content()));
            },
          ],
          [
            'new draft',
            6,
            async () => {
              const draft = await h.newDraft();
              drafts.set(draft.id, { revision: draft.revision, uploaded: new Set(), refs: [] });
            },
          ],
          [
            'upload for a draft',
            16,
            async () => {
              const draftId = pick([...drafts.keys()]);
              if (!draftId) return;
              const model = drafts.get(draftId) as DraftModel;
              const id = await h.upload(content(), { draftId });
              model.uploaded.add(id);
              if (random() < 0.7) {
                model.refs.push({ id, role: pick(['file', 'file', 'cover', 'question', 'answer'] as Role[]) as Role });
                await save(draftId, model);
              }
            },
          ],
          [
            'attach a file to a draft',
            10,
            async () => {
              const draftId = pick([...drafts.keys()]);
              const id = pick([...live()]);
              if (!draftId || !id) return;
              const model = drafts.get(draftId) as DraftModel;
              model.refs.push({ id, role: pick(['file', 'file', 'question', 'answer'] as Role[]) as Role });
              await save(draftId, model);
            },
          ],
          [
            'detach a file from a draft',
            6,
            async () => {
              const draftId = pick([...drafts.keys()].filter((id) => (drafts.get(id)?.refs.length ?? 0) > 0));
              if (!draftId) return;
              const model = drafts.get(draftId) as DraftModel;
              model.refs.splice(Math.floor(random() * model.refs.length), 1);
              await save(draftId, model);
            },
          ],
          [
            'remove a file',
            8,
            async () => {
              const id = pick([...live()]);
              if (!id) return;
              const response = await h.author.request('DELETE', `/api/assets/${id}`);
              // A file a draft or a course uses is refused (409): then nothing changes.
              if (response.statusCode === 204) {
                library.delete(id);
                published.delete(id);
                // A draft's own upload may be deleted even while its content lists it (the wizard's remove).
                // The wizard then saves the draft without it (publishing a draft whose question image is
                // gone fails on a foreign key: reported to the courses feature).
                for (const [draftId, d] of drafts) {
                  d.uploaded.delete(id);
                  if (!d.refs.some((r) => r.id === id)) continue;
                  d.refs = d.refs.filter((r) => r.id !== id);
                  await save(draftId, d);
                }
              } else assert.equal(response.statusCode, 409, response.body);
            },
          ],
          [
            'cancel a draft',
            6,
            async () => {
              const draftId = pick([...drafts.keys()]);
              if (!draftId) return;
              const response = await h.author.request('DELETE', `/api/drafts/${draftId}`);
              assert.equal(response.statusCode, 204, response.body);
              drafts.delete(draftId);
            },
          ],
          [
            'publish',
            6,
            async () => {
              const draftId = pick([...drafts.keys()]);
              if (!draftId) return;
              const model = drafts.get(draftId) as DraftModel;
              const response = await h.author.post(`/api/drafts/${draftId}/publish`);
              // A file that failed processing blocks publishing (422): the draft stays.
              if (response.statusCode === 422) return;
              assert.equal(response.statusCode, 200, response.body);
              for (const r of model.refs) published.add(r.id);
              drafts.delete(draftId);
              const { courseId } = response.json();
              if (!courses.includes(courseId)) courses.push(courseId);
            },
          ],
          [
            'edit a course (a draft of its next version)',
            4,
            async () => {
              const courseId = pick(courses);
              if (!courseId) return;
              const response = await h.author.post(`/api/courses/${courseId}/drafts`);
              assert.ok(response.statusCode === 201 || response.statusCode === 200, response.body);
              const { draft } = response.json();
              if (drafts.has(draft.id)) return;
              const refs: DraftModel['refs'] = [];
              for (const f of draft.content.files) refs.push({ id: f.assetId, role: 'file' });
              if (draft.content.basics.coverAssetId)
                refs.push({ id: draft.content.basics.coverAssetId, role: 'cover' });
              for (const c of draft.content.test.categories) {
                for (const q of c.questions) {
                  if (q.image) refs.push({ id: q.image.assetId, role: 'question' });
                  for (const a of q.answers) if (a.image) refs.push({ id: a.image.assetId, role: 'answer' });
                }
              }
              drafts.set(draft.id, { revision: draft.revision, uploaded: new Set(), refs });
            },
          ],
          [
            'issue a certificate',
            4,
            async () => {
              const courseId = pick(courses);
              if (!courseId) return;
              const { latest_version: version } = await db.selectFrom('courses').select('latest_version').where('id', '=', courseId).executeTakeFirstOrThrow();
              const { id: userId } = await db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow();
              await db
                .insertInto('course_completions')
                .values({ user_id: userId, course_id: courseId, version, completed_at: Date.now() })
                .onConflict((oc) => oc.columns(['user_id', 'course_id', 'version']).doNothing())
                .execute();
              const certificate = await h.app.runtime.services.certificates.issue({ userId, courseId, version });
              assert.ok(certificate.pdfSha256);
            },
          ],
          [
            'collect at zero grace',
            10,
            async () => {
              const result = await h.gc.run({ dryRun: false, trigger: 'manual' });
              assert.equal(result.status, 'completed');
              assert.ok(result.status === 'completed');
              assert.deepEqual(result.report.errors, []);
              assert.equal(result.report.flaggedCount, 0);
            },
          ],
        ];
        const totalWeight = operations.reduce((sum, [, w]) => sum + w, 0);

        for (let step = 1; step <= OPS; step++) {
          const roll = random() * totalWeight;
          let cumulative = 0;
          const chosen =
            operations.find(([, w]) => {
              cumulative += w;
              return roll < cumulative;
            }) ?? (operations[0] as (typeof operations)[number]);
          const [name, , run] = chosen;
          counts[name] = (counts[name] ?? 0) + 1;
          await run();
          await checkNothingReferencedIsGone(step, name);
        }

        // The end: every upload processed, every draft cancelled, one last collection.
        await waitSettled(h);
        for (const draftId of drafts.keys()) {
          assert.equal((await h.author.request('DELETE', `/api/drafts/${draftId}`)).statusCode, 204);
        }
        drafts.clear();
        const final = await h.gc.run({ dryRun: false, trigger: 'manual' });
        assert.ok(final.status === 'completed');
        assert.deepEqual(final.report.errors, []);

        const expected = new Set([...library, ...published]);
        const rows = await db.selectFrom('assets').select(['id', 'blob_key']).execute();
        assert.deepEqual(new Set(rows.map((r) => r.id)), expected, 'exactly the library and published files remain');
        const derivatives = await db.selectFrom('asset_derivatives').select('blob_key').execute();
        const certificatePdfs = await db.selectFrom('certificates').select('pdf_blob_key').execute();
        const referenced = new Set([
          ...rows.map((r) => r.blob_key).filter((k): k is string => !!k),
          ...derivatives.map((d) => d.blob_key),
          ...certificatePdfs.map((c) => c.pdf_blob_key).filter((k): k is string => !!k),
        ]);
        const blobRows = new Set((await db.selectFrom('blobs').select('key').execute()).map((b) => b.key));
        const stored = await h.storedKeys();
        assert.deepEqual(blobRows, referenced, 'every blob row is referenced');
        assert.deepEqual(
          new Set(stored.keys()),
          referenced,
          'every stored object is referenced, and no referenced one is gone',
        );
        for await (const t of h.app.runtime.blobStore.listTemporary()) assert.fail(`temporary left: ${t.key}`);
        for await (const u of h.app.runtime.uploads.listPartial()) assert.fail(`partial upload left: ${u.id}`);
        const kv = await db.selectFrom('upload_kv').select('key').execute();
        assert.deepEqual(kv, [], 'no upload record left');
        console.log(
          `[${dialect}] [${store}] seed ${seed}: ${JSON.stringify(counts)}; ${expected.size} files and ${stored.size} objects remain`,
        );
      });
    });
  }
}

async function waitSettled(h: GcHarness): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const busy = await h.app.db
      .selectFrom('assets')
      .select('id')
      .where('state', 'in', ['uploading', 'processing'])
      .executeTakeFirst();
    if (!busy) return;
    if (Date.now() > deadline) assert.fail(`asset ${busy.id} never settled`);
    await sleep(100);
  }
}
