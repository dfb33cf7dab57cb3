// Import and export on the real server: a preview stores nothing; a confirm adds the questions and
// their images (as the author's processed assets) in one step, with the draft's revision check;
// hostile files change nothing; exports in both dialects come back the same when imported.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { DraftView } from '../../shared/drafts.ts';
import type { QuizCategory } from '../../shared/quiz.ts';
import { importPreviewSchema } from '../../shared/quiz-import.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { FIXTURES } from '../testing/fixtures.ts';
import { waitFor } from '../testing/wait.ts';

const fixture = (name: string) => readFileSync(path.join(FIXTURES, 'moodle', name));
const OCTETS = { 'content-type': 'application/octet-stream' };
const BASICS = {
  title: 'Imported safety',
  versionLabel: '1',
  shortDescription: 'Questions from Moodle.',
  topics: ['Imports'],
  language: 'en',
  coverAssetId: null,
};

/** A Moodle XML file with one single-choice question showing `png` (with `alt`), and an essay. */
function moodleWithImage(png: Buffer, alt: string | null, imageName = 'diagram.png'): Buffer {
  const img = `<img src="@@PLUGINFILE@@/${imageName}"${alt === null ? '' : ` alt="${alt}"`} />`;
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Safety/Fire</text></category></question>
  <question type="multichoice">
    <name><text>Extinguisher</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which extinguisher? ${img}</p>]]></text><file name="${imageName}" path="/" encoding="base64">${png.toString('base64')}</file></questiontext>
    <generalfeedback format="html"><text>CO2 leaves no residue.</text></generalfeedback>
    <single>true</single><shuffleanswers>1</shuffleanswers>
    <answer fraction="100" format="html"><text>CO2</text><feedback format="html"><text>Right</text></feedback></answer>
    <answer fraction="-50" format="html"><text>Water</text><feedback format="html"><text>Never on electrics</text></feedback></answer>
  </question>
  <question type="essay"><name><text>Describe a fire drill</text></name><questiontext format="html"><text>Describe it.</text></questiontext></question>
</quiz>`);
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] test-set import and export`, () => {
    let app: TestApp;
    let admin: TestClient;
    let author: TestClient;
    let other: TestClient;
    let png: Buffer;

    const newDraft = async (client = author) =>
      ((await client.post('/api/drafts')).json() as { draft: DraftView }).draft;
    const assetCount = async () =>
      Number(
        (
          await app.runtime.db
            .selectFrom('assets')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const preview = (client: TestClient, draftId: string, bytes: Buffer, name: string) =>
      client.request('POST', `/api/drafts/${draftId}/test/import/preview?name=${encodeURIComponent(name)}`, bytes, {
        headers: OCTETS,
      });
    const confirm = (client: TestClient, draftId: string, bytes: Buffer, query: string) =>
      client.request('POST', `/api/drafts/${draftId}/test/import?${query}`, bytes, { headers: OCTETS });

    before(async () => {
      app = await createTestApp(dialect);
      admin = await setUpAdmin(app);
      author = (await createSignedInUser(app, admin, 'author')).client;
      other = (await createSignedInUser(app, admin, 'author')).client;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
      png = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#cc2200' } })
        .png()
        .toBuffer();
    });
    after(() => app.close());

    it('a preview shows categories, questions, images and the skipped essay, and stores nothing', async () => {
      const draft = await newDraft();
      const before = await assetCount();
      const res = await preview(author, draft.id, moodleWithImage(png, null), 'bank.xml');
      assert.equal(res.statusCode, 200, res.body);
      // The answer keeps to the shared schema the browser reads it by.
      const p = importPreviewSchema.parse(res.json().preview);
      assert.equal(p.format, 'moodle-xml');
      assert.equal(p.questionCount, 1);
      assert.deepEqual(
        p.categories.map((c) => [c.name, c.children.map((x) => x.name)]),
        [['Safety', ['Fire']]],
      );
      const q = p.categories[0]?.children[0]?.questions[0];
      assert.equal(q?.text, 'Which extinguisher?');
      assert.deepEqual(
        q?.answers.map((a) => [a.text, a.fraction, a.feedback]),
        [
          ['CO2', 1, 'Right'],
          ['Water', -0.5, 'Never on electrics'],
        ],
      );
      assert.match(q?.problems[0]?.message ?? '', /diagram\.png has no alt text/);
      assert.deepEqual(p.skipped, [
        {
          name: 'Describe a fire drill',
          kind: 'essay',
          reason: 'Lectern has no essay questions (they are marked by hand).',
        },
      ]);
      assert.equal(p.images[0]?.mime, 'image/png');
      assert.match(p.images[0]?.dataUrl ?? '', /^data:image\/png;base64,iVBOR/);
      assert.equal(await assetCount(), before, 'no asset stored');
      assert.equal((await author.get(`/api/drafts/${draft.id}`)).json().draft.revision, 1, 'the draft is unchanged');
    });

    it('confirm adds the questions into a new category in one save; the image becomes the author’s processed asset', async () => {
      const draft = await newDraft();
      const res = await confirm(
        author,
        draft.id,
        moodleWithImage(png, 'A CO2 extinguisher'),
        'name=bank.xml&revision=1&newCategory=From%20Moodle',
      );
      assert.equal(res.statusCode, 200, res.body);
      const { draft: saved, added } = res.json() as { draft: DraftView; added: number };
      assert.equal(added, 1);
      assert.equal(saved.revision, 2);
      const [root] = saved.content.test.categories as [QuizCategory];
      assert.equal(root.name, 'From Moodle');
      const q = root.children[0]?.children[0]?.questions[0];
      assert.equal(root.children[0]?.name, 'Safety');
      assert.equal(q?.kind, 'single');
      assert.equal(q?.image?.alt, 'A CO2 extinguisher');
      const assetId = q?.image?.assetId ?? '';
      await waitFor(
        async () => (await author.get(`/api/assets/${assetId}`)).json().asset?.state === 'ready',
        'image processed',
        30_000,
        100,
      );
      const asset = (await author.get(`/api/assets/${assetId}`)).json().asset;
      assert.equal(asset.kind, 'image');
      assert.equal(asset.originalName, 'diagram.png');
      const link = await app.runtime.db
        .selectFrom('draft_assets')
        .selectAll()
        .where('draft_id', '=', draft.id)
        .where('asset_id', '=', assetId)
        .executeTakeFirst();
      assert.ok(link, 'the draft keeps its imported image');
      assert.equal((await other.get(`/api/assets/${assetId}`)).statusCode, 404, 'the image is the author’s');
    });

    it('confirm adds GIFT questions into an existing category', async () => {
      const draft = await newDraft();
      const categoryId = crypto.randomUUID();
      const first = await author.patch(`/api/drafts/${draft.id}`, {
        revision: 1,
        test: { categories: [{ id: categoryId, name: 'Mine' }] },
      });
      assert.equal(first.statusCode, 200, first.body);
      const res = await confirm(
        author,
        draft.id,
        fixture('questions.gift.txt'),
        `name=q.gift&revision=2&categoryId=${categoryId}`,
      );
      assert.equal(res.statusCode, 200, res.body);
      const [mine] = (res.json().draft as DraftView).content.test.categories;
      assert.equal(mine?.id, categoryId);
      assert.deepEqual(
        mine?.questions.map((q) => q.kind),
        ['single', 'multiple', 'true-false', 'true-false', 'true-false'],
      );
    });

    it('a stale revision, an unknown category or another author’s draft change nothing', async () => {
      const draft = await newDraft();
      const before = await assetCount();
      const stale = await confirm(author, draft.id, moodleWithImage(png, 'x'), 'name=b.xml&revision=7&newCategory=X');
      assert.equal(stale.statusCode, 409, stale.body);
      const unknown = await confirm(
        author,
        draft.id,
        moodleWithImage(png, 'x'),
        `name=b.xml&revision=1&categoryId=${crypto.randomUUID()}`,
      );
      assert.equal(unknown.statusCode, 404, unknown.body);
      assert.equal((await preview(other, draft.id, moodleWithImage(png, 'x'), 'b.xml')).statusCode, 404);
      assert.equal(
        (await confirm(admin, draft.id, moodleWithImage(png, 'x'), 'name=b.xml&revision=1&newCategory=X')).statusCode,
        403,
      );
      assert.equal(await assetCount(), before);
      assert.equal((await author.get(`/api/drafts/${draft.id}`)).json().draft.revision, 1);
    });

    it('hostile files: each a clear error, nothing stored', async () => {
      const draft = await newDraft();
      const before = await assetCount();
      const cases: [string, Buffer, number, RegExp][] = [
        ['malformed XML', Buffer.from('<quiz><question></quiz>'), 400, /not well-formed XML/],
        [
          'XXE',
          Buffer.from('<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>'),
          400,
          /XXE/,
        ],
        [
          'billion laughs',
          Buffer.from(
            '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>',
          ),
          400,
          /entity expansion/,
        ],
        [
          'a text file posing as a PNG',
          moodleWithImage(Buffer.from('#!/bin/sh\necho not an image\n'), 'x'),
          400,
          /diagram\.png was refused/,
        ],
        ['a GIFT file in UTF-16', Buffer.from('\ufeff::Q::Sure?{T}', 'utf16le'), 400, /UTF-16/],
        ['a GIFT file in Windows-1252', Buffer.from('::Q::Caf\xe9?{T}', 'latin1'), 400, /not UTF-8/],
      ];
      for (const [what, bytes, status, message] of cases) {
        for (const res of [
          await preview(author, draft.id, bytes, 'x'),
          await confirm(author, draft.id, bytes, 'name=x&revision=1&newCategory=X'),
        ]) {
          assert.equal(res.statusCode, status, `${what}: ${res.body}`);
          assert.match(res.json().message, message, what);
        }
      }
      const big = Buffer.alloc(50 * 1024 * 1024, 0x20);
      const tooBig = await preview(author, draft.id, big, 'big.xml');
      assert.equal(tooBig.statusCode, 413);
      assert.match(tooBig.json().message, /at most 20 MB/);
      assert.equal(await assetCount(), before);
      assert.equal((await author.get(`/api/drafts/${draft.id}`)).json().draft.revision, 1);
    });

    it('exports a draft as Moodle XML (image embedded) and GIFT; importing the export gives the same test set', async () => {
      const source = await newDraft();
      const imported = await confirm(
        author,
        source.id,
        moodleWithImage(png, 'A CO2 extinguisher'),
        'name=bank.xml&revision=1&newCategory=Bank',
      );
      assert.equal(imported.statusCode, 200, imported.body);
      const original = (imported.json().draft as DraftView).content.test.categories;

      const xml = await author.get(`/api/drafts/${source.id}/test/export?format=moodle-xml`);
      assert.equal(xml.statusCode, 200);
      assert.match(String(xml.headers['content-type']), /^application\/xml/);
      assert.match(String(xml.headers['content-disposition']), /^attachment; filename=".*\.moodle\.xml"$/);
      assert.match(xml.body, /<file name="diagram\.png" path="\/" encoding="base64">iVBOR/);

      const gift = await author.get(`/api/drafts/${source.id}/test/export?format=gift`);
      assert.equal(gift.statusCode, 200);
      assert.match(gift.body, /GIFT files cannot hold images/);
      assert.equal((await other.get(`/api/drafts/${source.id}/test/export`)).statusCode, 404);

      const strip = (cs: QuizCategory[]): unknown =>
        cs.map((c) => ({
          name: c.name,
          questions: c.questions.map((q) => ({
            ...q,
            id: 0,
            image: q.image && { alt: q.image.alt },
            answers: q.answers.map((a) => ({ ...a, id: 0 })),
          })),
          children: strip(c.children),
        }));
      const target = await newDraft();
      const again = await confirm(
        author,
        target.id,
        Buffer.from(xml.body),
        'name=export.xml&revision=1&newCategory=Again',
      );
      assert.equal(again.statusCode, 200, again.body);
      const back = (again.json().draft as DraftView).content.test.categories[0]?.children ?? [];
      // The export's top category is "Bank" (the first import's target): the same tree below it.
      assert.deepEqual(strip(back), strip(original));
    });

    it('exports a published course version’s test set for its author only', async () => {
      const draft = await newDraft();
      const res = await confirm(
        author,
        draft.id,
        fixture('questions.aiken.txt'),
        'name=a.txt&revision=1&newCategory=Aiken',
      );
      assert.equal(res.statusCode, 200, res.body);
      const saved = await author.patch(`/api/drafts/${draft.id}`, { revision: 2, basics: BASICS });
      assert.equal(saved.statusCode, 200, saved.body);
      const published = await author.post(`/api/drafts/${draft.id}/publish`);
      assert.equal(published.statusCode, 200, published.body);
      const { courseId, version } = published.json();
      const gift = await author.get(`/api/courses/${courseId}/versions/${version}/test/export?format=gift`);
      assert.equal(gift.statusCode, 200, gift.body);
      assert.match(gift.body, /\$CATEGORY: \$course\$\/top\/Aiken/);
      assert.match(gift.body, /=Martin Dougiamas/);
      assert.equal((await other.get(`/api/courses/${courseId}/versions/${version}/test/export`)).statusCode, 404);
    });
  });
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] test-set import over the author's storage quota`, () => {
    let app: TestApp;
    let author: TestClient;

    before(async () => {
      // About 1 KB of storage: the embedded image does not fit.
      app = await createTestApp(dialect, { QUOTA_STORED_GB: String(1 / 1024 / 1024) });
      author = (await createSignedInUser(app, await setUpAdmin(app), 'author')).client;
    });
    after(() => app.close());

    it('refuses the confirm with the quota’s message; no image, blob or question is left', async () => {
      const png = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#123456' } })
        .png({ compressionLevel: 0 })
        .toBuffer();
      const draft = ((await author.post('/api/drafts')).json() as { draft: DraftView }).draft;
      const res = await author.request(
        'POST',
        `/api/drafts/${draft.id}/test/import?name=b.xml&revision=1&newCategory=X`,
        moodleWithImage(png, 'A square'),
        { headers: OCTETS },
      );
      assert.equal(res.statusCode, 413, res.body);
      assert.equal(res.json().error, 'quota_exceeded');
      const count = async (table: 'assets' | 'blobs') =>
        Number(
          (
            await app.runtime.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      assert.equal(await count('assets'), 0);
      assert.equal(await count('blobs'), 0);
      assert.equal((await author.get(`/api/drafts/${draft.id}`)).json().draft.revision, 1);
    });
  });
}
