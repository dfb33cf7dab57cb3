// Learning a course over HTTP, on both databases: only an enrolled learner records progress; reports
// are validated, bounded and idempotent; a video scrubbed to its end is not watched, one played
// through is; a PDF is done when every page was on screen; completion is recorded once, with its job;
// the author sees the learner's progress, and those who left with the progress kept from then.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { LearnerProgressView, LearningView, ProgressReportAnswer } from '../../shared/learning.ts';
import { skipIfOptedOut } from '../testing/prerequisites.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { tusUpload } from '../testing/tus.ts';
import { waitFor } from '../testing/wait.ts';

async function threePagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < 3; i++) doc.addPage([300, 400]);
  return Buffer.from(await doc.save());
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] learning a course`, { skip: skipIfOptedOut('video', 'pdf') }, () => {
    let app: TestApp;
    let admin: TestClient;
    let author: TestClient;
    let learner: TestClient;
    let learnerId: string;
    let other: TestClient;
    let base: string;
    let dir: string;
    let courseId: string;
    const ids = { pdf: '', video: '', image: '', cover: '' };
    let duration = 0;

    const upload = async (content: Buffer, filename: string, kind: string, draftId: string) =>
      (await tusUpload(base, content, { cookie: author.cookieHeader(), csrf: await author.csrf(), filename, kind, metadata: { draftId } })).assetId;
    const ready = (id: string) =>
      waitFor(async () => (await author.get(`/api/assets/${id}`)).json().asset?.state === 'ready', `asset ${id} ready`, 120_000, 200);
    const report = (client: TestClient, body: unknown) => client.post(`/api/courses/${courseId}/progress`, body);
    const progress = async (client: TestClient) => (await client.get(`/api/courses/${courseId}/progress`)).json().learning as LearningView;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-learning-'));
      const clip = path.join(dir, 'clip.mp4');
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25:duration=4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
      app = await createTestApp(dialect);
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      admin = await setUpAdmin(app);
      author = (await createSignedInUser(app, admin, 'author')).client;
      const created = await createSignedInUser(app, admin, 'learner');
      learner = created.client;
      learnerId = created.id;
      other = (await createSignedInUser(app, admin, 'learner')).client;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });

      const { draft } = (await author.post('/api/drafts')).json();
      ids.pdf = await upload(await threePagePdf(), 'rules.pdf', 'pdf', draft.id);
      ids.video = await upload(readFileSync(clip), 'clip.mp4', 'video', draft.id);
      ids.image = await upload(await sharp({ create: { width: 32, height: 32, channels: 3, background: '#0a0' } }).png().toBuffer(), 'map.png', 'image', draft.id);
      ids.cover = await upload(await sharp({ create: { width: 64, height: 32, channels: 3, background: '#a00' } }).png().toBuffer(), 'cover.png', 'image', draft.id);
      for (const id of Object.values(ids)) await ready(id);
      const saved = await author.patch(`/api/drafts/${draft.id}`, {
        revision: 1,
        basics: { title: 'Safety', versionLabel: '', shortDescription: 'Stay safe.', topics: ['Fire'], language: 'en', coverAssetId: ids.cover },
        files: [
          { assetId: ids.pdf, title: 'The rules', description: '', required: true },
          { assetId: ids.video, title: 'Welcome', description: '', required: true },
          { assetId: ids.image, title: 'The map', description: '', required: false },
        ],
        test: { settings: { enabled: false }, categories: [] },
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const published = await author.post(`/api/drafts/${draft.id}/publish`);
      assert.equal(published.statusCode, 200, published.body);
      courseId = published.json().courseId;
      assert.equal((await learner.post(`/api/courses/${courseId}/enrolment`)).statusCode, 200);
    });
    after(async () => {
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('lets only an enrolled learner read and record progress', async () => {
      for (const client of [other, author]) {
        const refused = await report(client, { assetId: ids.pdf, pagesSeen: [1] });
        assert.equal(refused.statusCode, 404, refused.body);
        assert.equal(refused.json().error, 'not_enrolled');
        assert.equal((await client.get(`/api/courses/${courseId}/progress`)).statusCode, 404);
      }
      const view = await progress(learner);
      assert.equal(view.version, 1);
      assert.deepEqual(
        view.items.map((i) => [i.rule, i.state]),
        [
          ['pages', 'not_started'],
          ['media', 'not_started'],
          ['opened', 'not_started'],
        ],
      );
      assert.equal(view.items[0]?.pageCount, 3);
      duration = view.items[1]?.durationSeconds ?? 0;
      assert.ok(duration > 3.5 && duration < 4.5, `duration ${duration}`);
      assert.equal(view.resumeAssetId, ids.pdf);
      assert.equal(view.progress.percent, 0);
      assert.equal(view.completedAt, null);
    });

    it('shows the cover to anyone signed in before enrolling, and the files only to learners', async () => {
      assert.equal((await other.get(`/api/assets/${ids.cover}/derivatives/web`)).statusCode, 200);
      assert.equal((await other.get(`/api/assets/${ids.pdf}`)).statusCode, 404);
      assert.equal((await other.get(`/api/assets/${ids.image}/derivatives/web`)).statusCode, 404);
    });

    it('refuses reports that are malformed, too large, or about another course’s file', async () => {
      assert.equal((await report(learner, { assetId: ids.pdf, pagesSeen: [0] })).statusCode, 400);
      assert.equal((await report(learner, { assetId: ids.pdf, surprise: true })).statusCode, 400);
      const many = Array.from({ length: 101 }, (_, i) => [i, i + 0.5]);
      assert.equal((await report(learner, { assetId: ids.video, played: many })).statusCode, 400);
      const stranger = await report(learner, { assetId: crypto.randomUUID(), opened: true });
      assert.equal(stranger.statusCode, 404, stranger.body);
    });

    it('counts a video played through, not one scrubbed to the end; the same report twice writes nothing', async () => {
      const scrubbed = await report(learner, { assetId: ids.video, played: [[0, 0.5], [duration - 0.3, duration]], position: duration });
      assert.equal(scrubbed.statusCode, 200, scrubbed.body);
      assert.equal((scrubbed.json() as ProgressReportAnswer).item.state, 'in_progress');
      const row = () =>
        app.db.selectFrom('learning_progress').select(['revision', 'played']).where('user_id', '=', learnerId).where('asset_id', '=', ids.video).executeTakeFirstOrThrow();
      const revision = (await row()).revision;
      await report(learner, { assetId: ids.video, played: [[0, 0.5], [duration - 0.3, duration]], position: duration });
      assert.equal((await row()).revision, revision);

      // Reports arriving at once, each with its own stretch: all of them land.
      const step = duration / 8;
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => report(learner, { assetId: ids.video, played: [[i * step, (i + 1) * step]], position: (i + 1) * step })),
      );
      assert.ok(answers.every((a) => a.statusCode === 200));
      assert.deepEqual(JSON.parse((await row()).played), [[0, duration]]);
      const view = await progress(learner);
      assert.equal(view.items[1]?.state, 'done');
      assert.equal(view.completedAt, null);
    });

    it('completes the course once every required file is done, once, with its job', async () => {
      const partly = (await report(learner, { assetId: ids.pdf, pagesSeen: [1, 2], position: 2 })).json() as ProgressReportAnswer;
      assert.equal(partly.item.state, 'in_progress');
      assert.equal(partly.item.pagesSeen, 2);
      assert.equal(partly.completedNow, false);
      const view = await progress(learner);
      assert.equal(view.resumeAssetId, ids.pdf, 'resumes at the file left');
      assert.equal(view.items[0]?.position, 2, 'and at its page');

      const last = (await report(learner, { assetId: ids.pdf, pagesSeen: [3], position: 3 })).json() as ProgressReportAnswer;
      assert.equal(last.item.state, 'done');
      assert.equal(last.completedNow, true);
      assert.ok(last.completedAt);
      assert.equal(last.progress.complete, true);
      assert.equal(last.progress.percent, 66, 'the optional image is not opened yet');

      const again = (await report(learner, { assetId: ids.image, opened: true })).json() as ProgressReportAnswer;
      assert.equal(again.completedNow, false);
      assert.equal(again.completedAt, last.completedAt);
      assert.equal(again.progress.percent, 100);

      const completions = await app.db.selectFrom('course_completions').selectAll().where('user_id', '=', learnerId).execute();
      assert.equal(completions.length, 1);
      await waitFor(
        async () => (await app.runtime.queue.counts()).some((c) => c.name === 'learning.course-completed' && c.counts.completed === 1),
        'the course-completed job ran',
        30_000,
        100,
      );
    });

    it('shows the author each learner’s progress; learners may not see it', async () => {
      const answer = await author.get(`/api/courses/${courseId}/learners`);
      assert.equal(answer.statusCode, 200, answer.body);
      const learners = answer.json().learners as LearnerProgressView[];
      assert.equal(learners.length, 1);
      assert.equal(learners[0]?.percent, 100);
      assert.ok(learners[0]?.completedAt);
      assert.ok(learners[0]?.lastActivityAt);
      assert.equal((await learner.get(`/api/courses/${courseId}/learners`)).statusCode, 403);
    });

    it('lists those who left, marked with when, with their progress from then; enrolling again makes them current', async () => {
      const list = async (status?: string) => {
        const answer = await author.get(`/api/courses/${courseId}/learners${status ? `?status=${status}` : ''}`);
        assert.equal(answer.statusCode, 200, answer.body);
        return answer.json() as { learners: LearnerProgressView[]; counts: { current: number; left: number } };
      };
      assert.equal((await other.post(`/api/courses/${courseId}/enrolment`)).statusCode, 200);
      const leavingAt = Date.now();
      assert.equal((await learner.request('DELETE', `/api/courses/${courseId}/enrolment`)).statusCode, 204);

      // Current learners stay the default.
      const current = await list();
      assert.deepEqual(current.counts, { current: 1, left: 1 });
      assert.equal(current.learners.length, 1);
      assert.notEqual(current.learners[0]?.userId, learnerId);
      assert.equal(current.learners[0]?.leftAt, null);
      assert.equal(current.learners[0]?.percent, 0);
      assert.deepEqual(await list('current'), current);

      const left = await list('left');
      assert.equal(left.learners.length, 1);
      const gone = left.learners[0];
      assert.equal(gone?.userId, learnerId);
      assert.ok(gone?.leftAt && Date.parse(gone.leftAt) >= leavingAt - 1000, `left at ${gone?.leftAt}`);
      // What they had done when they left.
      assert.equal(gone?.percent, 100);
      assert.equal(gone?.doneCount, 3);
      assert.ok(gone?.completedAt);
      assert.ok(gone?.lastActivityAt);

      const all = await list('all');
      assert.deepEqual(
        all.learners.map((l) => [l.userId === learnerId, l.leftAt !== null]),
        [
          [false, false],
          [true, true],
        ],
        'current learners first, then those who left',
      );

      assert.equal((await author.get(`/api/courses/${courseId}/learners?status=gone`)).statusCode, 400);
      assert.equal((await learner.get(`/api/courses/${courseId}/learners?status=left`)).statusCode, 403);
      const stranger = (await createSignedInUser(app, admin, 'author')).client;
      assert.equal((await stranger.get(`/api/courses/${courseId}/learners?status=left`)).statusCode, 404);
      assert.equal((await admin.get(`/api/courses/${courseId}/learners?status=left`)).json().learners.length, 1);

      // Enrolling again resumes: current, with the same progress, and no longer among those who left.
      const again = await learner.post(`/api/courses/${courseId}/enrolment`);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().outcome, 'resumed');
      const back = await list();
      assert.deepEqual(back.counts, { current: 2, left: 0 });
      const resumed = back.learners.find((l) => l.userId === learnerId);
      assert.equal(resumed?.leftAt, null);
      assert.equal(resumed?.percent, 100);
      assert.equal((await list('left')).learners.length, 0);
    });
  });
}
