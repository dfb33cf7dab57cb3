// Drafts on the real server: saved section by section, stale tabs refused, cancel leaves nothing
// it uploaded behind (and keeps library files it only used).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { DraftView } from '../../shared/drafts.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { tusUpload } from '../testing/tus.ts';
import { waitFor } from '../testing/wait.ts';

const BASICS = {
  title: 'Fire safety',
  versionLabel: '2026',
  shortDescription: 'What to do **before** the alarm.',
  topics: ['Extinguishers', 'Evacuation'],
  language: 'en',
  coverAssetId: null,
};

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] course drafts`, () => {
    let app: TestApp;
    let author: TestClient;
    let base: string;
    const image = (color: string) => sharp({ create: { width: 32, height: 32, channels: 3, background: color } }).png().toBuffer();
    const upload = async (content: Buffer, filename: string, metadata: Record<string, string> = {}) =>
      (await tusUpload(base, content, { cookie: author.cookieHeader(), csrf: await author.csrf(), filename, kind: 'image', metadata })).assetId;
    const ready = (id: string) =>
      waitFor(async () => (await author.get(`/api/assets/${id}`)).json().asset?.state === 'ready', `asset ${id} ready`, 30_000, 100);

    before(async () => {
      app = await createTestApp(dialect);
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      author = (await createSignedInUser(app, await setUpAdmin(app), 'author')).client;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });
    after(() => app.close());

    it('starts empty at Basics and saves each change with the next revision', async () => {
      const created = await author.post('/api/drafts');
      assert.equal(created.statusCode, 201);
      const draft = created.json().draft as DraftView;
      assert.equal(draft.revision, 1);
      assert.equal(draft.step, 'basics');
      assert.equal(draft.content.basics.title, '');
      const saved = await author.patch(`/api/drafts/${draft.id}`, { revision: 1, basics: BASICS, step: 'files' });
      assert.equal(saved.statusCode, 200, saved.body);
      assert.equal(saved.json().draft.revision, 2);
      assert.deepEqual(saved.json().draft.content.basics, BASICS);
      assert.equal((await author.get(`/api/drafts/${draft.id}`)).json().draft.step, 'files');
      assert.ok((await author.get('/api/drafts')).json().drafts.some((d: DraftView) => d.id === draft.id));
      // The steps opened are remembered, in wizard order, for the flowchart's "not visited yet".
      assert.deepEqual(draft.visitedSteps, ['basics']);
      const reviewed = await author.patch(`/api/drafts/${draft.id}`, { revision: 2, step: 'review' });
      assert.deepEqual(reviewed.json().draft.visitedSteps, ['basics', 'files', 'review']);
      const back = await author.patch(`/api/drafts/${draft.id}`, { revision: 3, step: 'basics' });
      assert.deepEqual(back.json().draft.visitedSteps, ['basics', 'files', 'review']);
    });

    it('refuses a save from a stale tab with the latest version, instead of overwriting it', async () => {
      const { draft } = (await author.post('/api/drafts')).json();
      await author.patch(`/api/drafts/${draft.id}`, { revision: 1, basics: { ...BASICS, title: 'From tab A' } });
      const stale = await author.patch(`/api/drafts/${draft.id}`, { revision: 1, basics: { ...BASICS, title: 'From tab B' } });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().error, 'conflict');
      assert.equal(stale.json().current.content.basics.title, 'From tab A');
      assert.equal(stale.json().current.revision, 2);
      const invalid = await author.patch(`/api/drafts/${draft.id}`, { revision: 2, basics: { ...BASICS, language: 'English!' } });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.json().message, /^basics\.language: /);
    });

    it('answers 400 naming the limit, not 500, for categories nested 1,000 deep, and keeps the draft', async () => {
      const { draft } = (await author.post('/api/drafts')).json();
      let categories: unknown[] = [];
      for (let depth = 1000; depth >= 1; depth--) {
        categories = [{ id: crypto.randomUUID(), name: `Depth ${depth}`, questions: [], children: categories }];
      }
      const deep = await author.patch(`/api/drafts/${draft.id}`, { revision: 1, test: { categories } });
      assert.equal(deep.statusCode, 400, deep.body);
      assert.equal(deep.json().error, 'validation_failed');
      assert.match(deep.json().message, /^test\.categories\.0(\.children\.0){5}: Categories can be nested at most 5 deep\.$/);
      const kept = (await author.get(`/api/drafts/${draft.id}`)).json().draft;
      assert.equal(kept.revision, 1);
      assert.deepEqual(kept.content.test.categories, []);
    });

    it('keeps drafts private and refuses files that are not the author’s', async () => {
      const { draft } = (await author.post('/api/drafts')).json();
      const admin = app.client();
      await admin.post('/api/auth/login', { email: 'admin@example.org', password: 'correct horse battery staple' });
      const other = (await createSignedInUser(app, admin, 'author')).client;
      assert.equal((await other.get(`/api/drafts/${draft.id}`)).statusCode, 404);
      assert.equal((await other.request('DELETE', `/api/drafts/${draft.id}`)).statusCode, 404);
      const foreign = (await tusUpload(base, await image('#010203'), { cookie: other.cookieHeader(), csrf: await other.csrf(), filename: 'x.png', kind: 'image' })).assetId;
      const refused = await author.patch(`/api/drafts/${draft.id}`, {
        revision: 1,
        files: [{ assetId: foreign, title: 'Not mine', description: '', required: false }],
      });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().error, 'unknown_file');
      // An upload naming somebody else's draft is refused before any byte arrives, and leaves no file behind.
      await assert.rejects(
        tusUpload(base, await image('#040506'), { cookie: other.cookieHeader(), csrf: await other.csrf(), filename: 'y.png', kind: 'image', metadata: { draftId: draft.id } }),
        /404/,
      );
      assert.deepEqual(await app.db.selectFrom('assets').select('id').where('original_name', '=', 'y.png').execute(), []);
    });

    it('cancels a draft with every file it uploaded, and keeps a library file it only used', async () => {
      const { draft } = (await author.post('/api/drafts')).json();
      const listed = await upload(await image('#aa0000'), 'slide.png', { draftId: draft.id });
      const neverListed = await upload(await image('#00aa00'), 'abandoned.png', { draftId: draft.id });
      const library = await upload(await image('#0000aa'), 'logo.png');
      for (const id of [listed, neverListed, library]) await ready(id);
      const saved = await author.patch(`/api/drafts/${draft.id}`, {
        revision: 1,
        files: [
          { assetId: listed, title: 'Slide', description: 'First slide', required: true },
          { assetId: library, title: 'Logo', description: '', required: false },
        ],
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const blobKeys = async (id: string) => [
        ...(await app.db.selectFrom('assets').select('blob_key as key').where('id', '=', id).execute()).map((r) => r.key as string),
        ...(await app.db.selectFrom('asset_derivatives').select('blob_key as key').where('asset_id', '=', id).execute()).map((r) => r.key),
      ];
      const purgedKeys = [...(await blobKeys(listed)), ...(await blobKeys(neverListed))];

      assert.equal((await author.request('DELETE', `/api/drafts/${draft.id}`)).statusCode, 204);
      assert.equal((await author.get(`/api/drafts/${draft.id}`)).statusCode, 404);
      assert.equal((await author.get(`/api/assets/${listed}`)).statusCode, 404);
      assert.equal((await author.get(`/api/assets/${neverListed}`)).statusCode, 404);
      assert.equal((await author.get(`/api/assets/${library}`)).statusCode, 200);
      for (const key of purgedKeys) {
        assert.equal(await app.runtime.blobStore.stat(key), null, `${key} deleted from storage`);
      }
    });

    it('keeps a caption file it uploaded while a video it is attached to lives, and purges it once detached', async () => {
      const { draft } = (await author.post('/api/drafts')).json();
      // The rule is about rows: a library file stands in for the video, an image for the WebVTT file.
      const video = await upload(await image('#102030'), 'talk.png');
      const captions = await upload(await image('#203040'), 'talk.en.png', { draftId: draft.id });
      for (const id of [video, captions]) await ready(id);
      await app.db
        .insertInto('video_captions')
        .values({ video_asset_id: video, captions_asset_id: captions, label: 'English', language: 'en', position: 0, created_at: Date.now() })
        .execute();
      const captionsBlob = (await app.db.selectFrom('assets').select('blob_key').where('id', '=', captions).executeTakeFirstOrThrow()).blob_key;
      assert.ok(captionsBlob);

      assert.equal((await author.request('DELETE', `/api/drafts/${draft.id}`)).statusCode, 204);
      assert.equal((await author.get(`/api/assets/${captions}`)).statusCode, 200, 'the video still shows its captions');
      assert.ok(await app.runtime.blobStore.stat(captionsBlob), 'its bytes are kept');
      const refused = await author.request('DELETE', `/api/assets/${captions}`);
      assert.equal(refused.statusCode, 409);
      assert.match(refused.json().message, /used by a video/);

      // Once the video goes (its links with it), the file is the owner's to delete.
      assert.equal((await author.request('DELETE', `/api/assets/${video}`)).statusCode, 204);
      assert.equal((await author.request('DELETE', `/api/assets/${captions}`)).statusCode, 204);
      assert.equal(await app.runtime.blobStore.stat(captionsBlob), null);
    });

    it('keeps the test set with the draft and reviews it with the files', async () => {
      const { draft } = (await author.post('/api/drafts')).json();
      const slide = await upload(await image('#123456'), 'question.png', { draftId: draft.id });
      await ready(slide);
      const test = {
        settings: { passMarkPercent: 70 },
        categories: [
          {
            id: '10000000-0000-4000-8000-000000000001',
            name: 'Extinguishers',
            drawCount: null,
            children: [],
            questions: [
              {
                id: '10000000-0000-4000-8000-000000000002',
                kind: 'single',
                text: 'Which extinguisher for electrical fires?',
                image: { assetId: slide, alt: 'Three extinguishers side by side' },
                allOrNothing: false,
                generalFeedback: '',
                answers: [
                  { id: '10000000-0000-4000-8000-000000000003', text: 'CO2', image: null, fraction: 1, feedback: '' },
                  { id: '10000000-0000-4000-8000-000000000004', text: 'Water', image: null, fraction: 1, feedback: 'Never.' },
                ],
              },
            ],
          },
        ],
      };
      const saved = await author.patch(`/api/drafts/${draft.id}`, { revision: 1, basics: BASICS, test, step: 'test' });
      assert.equal(saved.statusCode, 200, saved.body);
      assert.equal(saved.json().draft.content.test.settings.passMarkPercent, 70);
      const problems = (await author.get(`/api/drafts/${draft.id}/review`)).json().problems as { step: string; code: string; severity: string }[];
      assert.deepEqual(
        problems.map((p) => `${p.severity} ${p.step} ${p.code}`),
        ['warning files no-files', 'error test single-several-full-marks'],
      );
      // The image on the question is one of the draft's files: cancelling purges it too.
      assert.equal((await author.request('DELETE', `/api/drafts/${draft.id}`)).statusCode, 204);
      assert.equal((await author.get(`/api/assets/${slide}`)).statusCode, 404);
    });

    it('keeps an answer not written yet in the draft, and its review says it must be', async () => {
      const { draft } = (await author.post('/api/drafts')).json();
      const answer = (id: string, text: string, fraction: number) => ({
        id,
        text,
        image: null,
        fraction,
        feedback: '',
      });
      const test = {
        settings: {},
        categories: [
          {
            id: '20000000-0000-4000-8000-000000000001',
            name: 'Alarms',
            drawCount: null,
            children: [],
            questions: [
              {
                id: '20000000-0000-4000-8000-000000000002',
                kind: 'single',
                text: 'What do you do first?',
                image: null,
                allOrNothing: false,
                generalFeedback: '',
                answers: [
                  answer('20000000-0000-4000-8000-000000000003', 'Leave the building', 1),
                  answer('20000000-0000-4000-8000-000000000004', '', 0),
                ],
              },
            ],
          },
        ],
      };
      const saved = await author.patch(`/api/drafts/${draft.id}`, { revision: 1, basics: BASICS, test });
      assert.equal(saved.statusCode, 200, saved.body);
      assert.equal(saved.json().draft.content.test.categories[0].questions[0].answers[1].text, '');
      const problems = (await author.get(`/api/drafts/${draft.id}/review`)).json().problems as {
        path: string;
        code: string;
        severity: string;
      }[];
      assert.ok(
        problems.some(
          (p) =>
            p.code === 'answer-text-blank' &&
            p.severity === 'error' &&
            p.path === 'test.categories.0.questions.0.answers.1.text',
        ),
        JSON.stringify(problems),
      );
      assert.equal((await author.request('DELETE', `/api/drafts/${draft.id}`)).statusCode, 204);
    });

    it('refuses to delete a file the draft still lists, even one it uploaded, and deletes it once unlisted', async () => {
      const { draft } = (await author.post('/api/drafts')).json();
      const cover = await upload(await image('#445566'), 'cover.png', { draftId: draft.id });
      await ready(cover);
      const listed = await author.patch(`/api/drafts/${draft.id}`, { revision: 1, basics: { ...BASICS, coverAssetId: cover } });
      assert.equal(listed.statusCode, 200, listed.body);
      const refused = await author.request('DELETE', `/api/assets/${cover}`);
      assert.equal(refused.statusCode, 409);
      assert.match(refused.json().message, /course draft/);
      const unlisted = await author.patch(`/api/drafts/${draft.id}`, { revision: 2, basics: BASICS });
      assert.equal(unlisted.statusCode, 200, unlisted.body);
      assert.equal((await author.request('DELETE', `/api/assets/${cover}`)).statusCode, 204);
      // Listed again after it is gone (a stale tab): the save is refused, nothing breaks at publish.
      const stale = await author.patch(`/api/drafts/${draft.id}`, { revision: 3, basics: { ...BASICS, coverAssetId: cover } });
      assert.equal(stale.statusCode, 400);
    });
  });
}
