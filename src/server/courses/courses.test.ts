// Publishing on the real server: a draft becomes an immutable version in one step, twice-at-once
// yields one version, editing makes version N+1 reusing the files, and learners keep their version.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { CourseSummary, CourseVersionView } from '../../shared/courses.ts';
import type { DraftView } from '../../shared/drafts.ts';
import type { TestSetInput } from '../../shared/quiz.ts';
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

function testSet(imageId: string): TestSetInput {
  const answer = (text: string, fraction: number) => ({ id: crypto.randomUUID(), text, fraction });
  return {
    settings: { passMarkPercent: 60 },
    categories: [
      {
        id: crypto.randomUUID(),
        name: 'Extinguishers',
        questions: [
          {
            id: crypto.randomUUID(),
            kind: 'single',
            text: 'Which extinguisher for an electrical fire?',
            image: { assetId: imageId, alt: 'A red extinguisher' },
            answers: [answer('CO2', 1), answer('Water', 0)],
          },
        ],
      },
    ],
  };
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] publishing courses`, () => {
    let app: TestApp;
    let admin: TestClient;
    let author: TestClient;
    let learner: TestClient;
    let base: string;
    const image = (color: string) => sharp({ create: { width: 32, height: 32, channels: 3, background: color } }).png().toBuffer();
    const upload = async (color: string, draftId?: string) =>
      (
        await tusUpload(base, await image(color), {
          cookie: author.cookieHeader(),
          csrf: await author.csrf(),
          filename: `${color.slice(1)}.png`,
          kind: 'image',
          metadata: draftId ? { draftId } : {},
        })
      ).assetId;
    const ready = (id: string) =>
      waitFor(async () => (await author.get(`/api/assets/${id}`)).json().asset?.state === 'ready', `asset ${id} ready`, 30_000, 100);

    /** A draft with one file and a one-question test, saved and ready to publish. */
    async function publishableDraft(title = BASICS.title): Promise<{ draft: DraftView; fileId: string; imageId: string }> {
      const { draft } = (await author.post('/api/drafts')).json() as { draft: DraftView };
      const fileId = await upload('#aa0000', draft.id);
      const imageId = await upload('#00aa00', draft.id);
      await ready(fileId);
      await ready(imageId);
      const saved = await author.patch(`/api/drafts/${draft.id}`, {
        revision: 1,
        basics: { ...BASICS, title },
        files: [{ assetId: fileId, title: 'Floor plan', description: 'Exits marked', required: true }],
        test: testSet(imageId),
      });
      assert.equal(saved.statusCode, 200, saved.body);
      return { draft: saved.json().draft, fileId, imageId };
    }

    before(async () => {
      app = await createTestApp(dialect);
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      admin = await setUpAdmin(app);
      author = (await createSignedInUser(app, admin, 'author')).client;
      learner = (await createSignedInUser(app, admin, 'learner')).client;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });
    after(() => app.close());

    it('publishes a draft as version 1, removes the draft and lists the course in the catalog', async () => {
      const { draft } = await publishableDraft('Catalog course');
      const published = await author.post(`/api/drafts/${draft.id}/publish`);
      assert.equal(published.statusCode, 200, published.body);
      const { courseId, version } = published.json();
      assert.equal(version, 1);
      assert.equal((await author.get(`/api/drafts/${draft.id}`)).statusCode, 404);
      const catalog = (await learner.get('/api/courses')).json().courses as CourseSummary[];
      const listed = catalog.find((c) => c.id === courseId);
      assert.equal(listed?.title, 'Catalog course');
      assert.equal(listed?.latestVersion, 1);
      assert.equal(listed?.enrolledVersion, null);
      const mine = (await author.get('/api/courses/mine')).json().courses as CourseSummary[];
      assert.ok(mine.some((c) => c.id === courseId));
    });

    it('refuses to publish a draft with errors, naming the Review step', async () => {
      const { draft } = (await author.post('/api/drafts')).json();
      const refused = await author.post(`/api/drafts/${draft.id}/publish`);
      assert.equal(refused.statusCode, 422);
      assert.equal(refused.json().error, 'not_publishable');
      assert.match(refused.json().message, /Review step/);
      assert.equal((await author.get(`/api/drafts/${draft.id}`)).statusCode, 200);
    });

    it('yields one version when the same draft is published twice at once', async () => {
      const { draft } = await publishableDraft('Twice');
      const [a, b] = await Promise.all([author.post(`/api/drafts/${draft.id}/publish`), author.post(`/api/drafts/${draft.id}/publish`)]);
      assert.equal(a.statusCode, 200, a.body);
      assert.equal(b.statusCode, 200, b.body);
      assert.deepEqual(a.json(), b.json());
      const versions = await app.runtime.db
        .selectFrom('course_versions')
        .select('version')
        .where('course_id', '=', a.json().courseId)
        .execute();
      assert.equal(versions.length, 1);
    });

    it('makes version 2 from an edit that reuses the files, while an enrolled learner keeps version 1', async () => {
      const { draft, fileId, imageId } = await publishableDraft('Versioned');
      const { courseId } = (await author.post(`/api/drafts/${draft.id}/publish`)).json();

      // The learner cannot read the files before enrolling, and can afterwards.
      assert.equal((await learner.get(`/api/assets/${fileId}`)).statusCode, 404);
      const enrolled = await learner.post(`/api/courses/${courseId}/enrolment`);
      assert.equal(enrolled.json().enrolledVersion, 1);
      assert.equal((await learner.get(`/api/assets/${fileId}`)).statusCode, 200);
      assert.equal((await learner.get(`/api/assets/${fileId}/original`)).statusCode, 200);
      assert.equal((await learner.get(`/api/assets/${imageId}/derivatives/web`)).statusCode, 200);
      const learnerView = (await learner.get(`/api/courses/${courseId}`)).json().course as CourseVersionView;
      assert.equal(learnerView.test, null, 'learners do not get the answers');
      assert.equal(learnerView.testSummary.questionCount, 1);

      // The file is in use by the course: deleting it is refused, not silently breaking the course.
      const refused = await author.request('DELETE', `/api/assets/${fileId}`);
      assert.equal(refused.statusCode, 409);
      assert.match(refused.json().message, /published course/);

      const edit = await author.post(`/api/courses/${courseId}/drafts`);
      assert.equal(edit.statusCode, 201);
      const editDraft = edit.json().draft as DraftView;
      assert.equal(editDraft.courseId, courseId);
      assert.equal(editDraft.baseVersion, 1);
      assert.equal(editDraft.content.basics.title, 'Versioned');
      assert.equal(editDraft.content.files[0]?.assetId, fileId, 'files are reused, not copied');
      // Asking again continues the same draft.
      assert.equal((await author.post(`/api/courses/${courseId}/drafts`)).json().draft.id, editDraft.id);
      const mine = (await author.get('/api/courses/mine')).json().courses as CourseSummary[];
      assert.equal(mine.find((c) => c.id === courseId)?.draftId, editDraft.id);

      const newFile = await upload('#0000aa', editDraft.id);
      await ready(newFile);
      const saved = await author.patch(`/api/drafts/${editDraft.id}`, {
        revision: editDraft.revision,
        basics: { ...editDraft.content.basics, title: 'Versioned, revised' },
        files: [...editDraft.content.files, { assetId: newFile, title: 'Assembly points', description: '', required: false }],
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const second = (await author.post(`/api/drafts/${editDraft.id}/publish`)).json();
      assert.deepEqual(second, { courseId, version: 2 });

      const stillV1 = (await learner.get(`/api/courses/${courseId}`)).json().course as CourseVersionView;
      assert.equal(stillV1.version, 1);
      assert.equal(stillV1.basics.title, 'Versioned');
      assert.equal(stillV1.latestVersion, 2);
      assert.equal((await learner.get(`/api/assets/${newFile}`)).statusCode, 404, 'version 2 files are not theirs');
      const listed = ((await learner.get('/api/courses')).json().courses as CourseSummary[]).find((c) => c.id === courseId);
      assert.equal(listed?.title, 'Versioned', 'the catalog shows a learner their own version');
      assert.equal(listed?.enrolledVersion, 1);
      // Enrolling again does not move the learner.
      assert.equal((await learner.post(`/api/courses/${courseId}/enrolment`)).json().enrolledVersion, 1);
      const authorView = (await author.get(`/api/courses/${courseId}`)).json().course as CourseVersionView;
      assert.equal(authorView.version, 2);
      assert.equal(authorView.files.length, 2);
      assert.ok(authorView.test, 'the author sees the whole test set');
      assert.equal((await author.get(`/api/courses/${courseId}/versions/1`)).json().course.basics.title, 'Versioned');
      assert.equal((await learner.get(`/api/courses/${courseId}/versions/1`)).statusCode, 200);

      const newcomer = (await createSignedInUser(app, admin, 'learner')).client;
      assert.equal((await newcomer.post(`/api/courses/${courseId}/enrolment`)).json().enrolledVersion, 2);
      assert.equal((await newcomer.get(`/api/courses/${courseId}/versions/1`)).statusCode, 404);
    });

    it('refuses (409) to publish a draft that changed after the revision the author reviewed, and keeps it', async () => {
      const { draft } = await publishableDraft('Changed in another tab');
      const reviewed = draft.revision;
      const elsewhere = await author.patch(`/api/drafts/${draft.id}`, {
        revision: reviewed,
        basics: { ...BASICS, title: 'Renamed in another tab' },
      });
      assert.equal(elsewhere.statusCode, 200, elsewhere.body);
      const refused = await author.post(`/api/drafts/${draft.id}/publish`, { revision: reviewed });
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().error, 'conflict');
      assert.match(refused.json().message, /changed after you reviewed it/);
      const kept = (await author.get(`/api/drafts/${draft.id}`)).json().draft as DraftView;
      assert.equal(kept.content.basics.title, 'Renamed in another tab');
      const published = await author.post(`/api/drafts/${draft.id}/publish`, { revision: kept.revision });
      assert.equal(published.statusCode, 200, published.body);
    });

    it('refuses to publish what changed after the review, and cancelling an edit keeps the course files', async () => {
      const { draft, fileId } = await publishableDraft('Edited then cancelled');
      const { courseId } = (await author.post(`/api/drafts/${draft.id}/publish`)).json();
      const { draft: edit } = (await author.post(`/api/courses/${courseId}/drafts`)).json();
      assert.equal((await author.request('DELETE', `/api/drafts/${edit.id}`)).statusCode, 204);
      assert.equal((await author.get(`/api/assets/${fileId}`)).json().asset.state, 'ready');
      assert.equal((await author.get(`/api/courses/${courseId}`)).json().course.files[0].asset.id, fileId);
    });

    it('keeps other authors out of a course’s drafts and old versions', async () => {
      const { draft } = await publishableDraft('Private edits');
      const { courseId } = (await author.post(`/api/drafts/${draft.id}/publish`)).json();
      const other = (await createSignedInUser(app, admin, 'author')).client;
      assert.equal((await other.post(`/api/courses/${courseId}/drafts`)).statusCode, 404);
      assert.equal((await learner.post(`/api/drafts/${crypto.randomUUID()}/publish`)).statusCode, 403);
    });

    it('answers another author 404 for a published draft id, as for an open one, and its owner the course', async () => {
      const { draft } = await publishableDraft('Published, then probed');
      const other = (await createSignedInUser(app, admin, 'author')).client;
      const open = await other.post(`/api/drafts/${draft.id}/publish`);
      assert.equal(open.statusCode, 404, open.body);
      const { courseId } = (await author.post(`/api/drafts/${draft.id}/publish`)).json();
      const probed = await other.post(`/api/drafts/${draft.id}/publish`);
      assert.equal(probed.statusCode, 404, probed.body);
      assert.deepEqual(probed.json(), open.json());
      assert.doesNotMatch(probed.body, new RegExp(courseId));
      const again = await author.post(`/api/drafts/${draft.id}/publish`);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().courseId, courseId);
      assert.equal((await admin.post(`/api/drafts/${draft.id}/publish`)).json().courseId, courseId);
    });
  });
}
