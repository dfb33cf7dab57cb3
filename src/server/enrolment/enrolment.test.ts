// Enrolment and the catalog's search over HTTP, on both databases: search by words, topic and language
// (wildcards match only themselves); a course by invitation only refuses self-enrolment; its author enrols
// in bulk by address with a due date, each unknown address named; a learner marks a file done when its
// author chose so; leaving keeps the history and enrolling again resumes it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { BulkEnrolResult, CatalogAnswer, CourseVersionView, MyCourseView } from '../../shared/courses.ts';
import type { LearningView, ProgressReportAnswer } from '../../shared/learning.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { tusUpload } from '../testing/tus.ts';
import { waitFor } from '../testing/wait.ts';

const png = (colour: string) =>
  sharp({ create: { width: 32, height: 32, channels: 3, background: colour } })
    .png()
    .toBuffer();

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] enrolment and catalog search`, () => {
    let app: TestApp;
    let admin: TestClient;
    let author: TestClient;
    let otherAuthor: TestClient;
    let learner: { client: TestClient; id: string; email: string };
    let second: { client: TestClient; id: string; email: string };
    let base: string;
    let courseId: string;
    const ids = { checklist: '', poster: '' };
    const due = '2027-01-31T17:00:00.000Z';

    const catalog = async (client: TestClient, query: string) => {
      const answer = await client.get(`/api/courses${query}`);
      assert.equal(answer.statusCode, 200, answer.body);
      return answer.json() as CatalogAnswer;
    };
    const titles = async (query: string) => (await catalog(learner.client, query)).courses.map((c) => c.title);
    const view = async (client: TestClient) =>
      (await client.get(`/api/courses/${courseId}`)).json().course as CourseVersionView;
    const progress = async (client: TestClient) =>
      (await client.get(`/api/courses/${courseId}/progress`)).json().learning as LearningView;
    const report = (client: TestClient, body: unknown) => client.post(`/api/courses/${courseId}/progress`, body);

    before(async () => {
      app = await createTestApp(dialect);
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      admin = await setUpAdmin(app);
      author = (await createSignedInUser(app, admin, 'author')).client;
      otherAuthor = (await createSignedInUser(app, admin, 'author')).client;
      learner = await createSignedInUser(app, admin, 'learner');
      second = await createSignedInUser(app, admin, 'learner');
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });

      const { draft } = (await author.post('/api/drafts')).json();
      const upload = async (content: Buffer, filename: string) =>
        (
          await tusUpload(base, content, {
            cookie: author.cookieHeader(),
            csrf: await author.csrf(),
            filename,
            kind: 'image',
            metadata: { draftId: draft.id },
          })
        ).assetId;
      ids.checklist = await upload(await png('#0a0'), 'checklist.png');
      ids.poster = await upload(await png('#00a'), 'poster.png');
      for (const id of Object.values(ids)) {
        await waitFor(
          async () => (await author.get(`/api/assets/${id}`)).json().asset?.state === 'ready',
          `asset ${id} ready`,
          60_000,
          100,
        );
      }
      const saved = await author.patch(`/api/drafts/${draft.id}`, {
        revision: 1,
        basics: {
          title: 'Fire Safety',
          versionLabel: '',
          shortDescription: 'Stay **safe** at 100% of our sites.',
          topics: ['First Aid', 'Evacuation'],
          language: 'fr',
          coverAssetId: null,
        },
        files: [
          { assetId: ids.checklist, title: 'The checklist', description: '', required: true, learnerMarksDone: true },
          { assetId: ids.poster, title: 'The poster', description: '', required: false },
        ],
        test: { settings: { enabled: false }, categories: [] },
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const published = await author.post(`/api/drafts/${draft.id}/publish`);
      assert.equal(published.statusCode, 200, published.body);
      courseId = published.json().courseId;
    });
    after(() => app?.close());

    it('finds the course by words of its title, topics and description, by topic and by language', async () => {
      assert.deepEqual(await titles(''), ['Fire Safety']);
      assert.deepEqual(await titles('?q=FIRST'), ['Fire Safety']);
      assert.deepEqual(await titles('?q=evacuation%20safe'), ['Fire Safety']);
      assert.deepEqual(await titles('?q=100%25'), ['Fire Safety'], 'a literal percent sign');
      assert.deepEqual(await titles('?q=_'), [], 'an underscore matches only itself');
      assert.deepEqual(await titles('?q=fire%20flood'), [], 'every word must match');
      assert.deepEqual(await titles('?topic=first%20aid'), ['Fire Safety']);
      assert.deepEqual(await titles('?topic=first'), [], 'a topic matches whole');
      assert.deepEqual(await titles('?language=fr'), ['Fire Safety']);
      assert.deepEqual(await titles('?language=en'), []);
      const all = await catalog(learner.client, '?q=nothing-like-it');
      assert.deepEqual(all.topics, ['Evacuation', 'First Aid']);
      assert.deepEqual(all.languages, ['fr']);
      assert.equal((await learner.client.get('/api/courses?surprise=1')).statusCode, 400);
    });

    it('lets only the course’s managers make it invitation-only; then learners cannot enrol themselves', async () => {
      assert.equal(
        (await learner.client.request('PUT', `/api/courses/${courseId}/settings`, { selfEnrolment: 'invitation' }))
          .statusCode,
        403,
      );
      assert.equal(
        (await otherAuthor.request('PUT', `/api/courses/${courseId}/settings`, { selfEnrolment: 'invitation' }))
          .statusCode,
        404,
      );
      assert.equal(
        (await author.request('PUT', `/api/courses/${courseId}/settings`, { selfEnrolment: 'nobody' })).statusCode,
        400,
      );
      const set = await author.request('PUT', `/api/courses/${courseId}/settings`, { selfEnrolment: 'invitation' });
      assert.equal(set.statusCode, 200, set.body);
      const visitor = await view(learner.client);
      assert.equal(visitor.selfEnrolment, 'invitation');
      assert.equal(visitor.mayEnrol, false);
      const refused = await learner.client.post(`/api/courses/${courseId}/enrolment`);
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().error, 'invitation_only');
    });

    it('enrols in bulk by address and by account, with a due date, naming each address it cannot', async () => {
      assert.equal(
        (await otherAuthor.post(`/api/courses/${courseId}/learners`, { emails: [learner.email] })).statusCode,
        404,
      );
      assert.equal((await author.post(`/api/courses/${courseId}/learners`, {})).statusCode, 400);
      const answer = await author.post(`/api/courses/${courseId}/learners`, {
        emails: [learner.email.toUpperCase(), 'nobody@example.org', 'not an address'],
        userIds: [second.id],
        dueAt: due,
      });
      assert.equal(answer.statusCode, 200, answer.body);
      const result = answer.json() as BulkEnrolResult;
      assert.deepEqual(
        result.enrolled.map((e) => [e.email, e.outcome]).sort(),
        [
          [learner.email, 'enrolled'],
          [second.email, 'enrolled'],
        ].sort(),
      );
      assert.deepEqual(result.errors, [
        { address: 'not an address', message: 'This is not an email address.' },
        { address: 'nobody@example.org', message: 'No account uses this address.' },
      ]);
      const summary = (await catalog(learner.client, '')).courses[0];
      assert.equal(summary?.enrolledVersion, 1);
      assert.equal(summary?.dueAt, due);
      assert.equal((await view(learner.client)).dueAt, due);
      // Already enrolled: enrolled again, nothing changes but the due date given.
      const again = (
        await author.post(`/api/courses/${courseId}/learners`, { emails: [second.email] })
      ).json() as BulkEnrolResult;
      assert.deepEqual(
        again.enrolled.map((e) => e.outcome),
        ['already'],
      );
      const candidates = (await author.get(`/api/courses/${courseId}/enrol-candidates?q=example`)).json()
        .candidates as { userId: string }[];
      assert.ok(
        !candidates.some((c) => c.userId === learner.id || c.userId === second.id),
        'enrolled people are not offered',
      );
    });

    it('lets the learner mark a file done when its author chose so, and only then counts it', async () => {
      const start = await progress(learner.client);
      assert.deepEqual(
        start.items.map((i) => i.rule),
        ['manual', 'opened'],
      );
      const opened = (
        await report(learner.client, { assetId: ids.checklist, opened: true })
      ).json() as ProgressReportAnswer;
      assert.equal(opened.item.state, 'in_progress', 'opening is not enough');
      // Sent twice at once (as the player's pause and end do): both answers carry the one completion.
      const answers = (
        await Promise.all([1, 2].map(() => report(learner.client, { assetId: ids.checklist, markedDone: true })))
      ).map((a) => a.json() as ProgressReportAnswer);
      assert.deepEqual(
        answers.map((a) => a.item.state),
        ['done', 'done'],
      );
      assert.equal(answers.filter((a) => a.completedNow).length, 1, 'the one required file is done: completed once');
      assert.ok(
        answers.every((a) => a.completedAt !== null && a.completedAt === answers[0]?.completedAt),
        JSON.stringify(answers),
      );
      const unmarked = (
        await report(learner.client, { assetId: ids.checklist, markedDone: false })
      ).json() as ProgressReportAnswer;
      assert.equal(unmarked.item.state, 'in_progress');
      await report(learner.client, { assetId: ids.checklist, markedDone: true });
      await report(learner.client, { assetId: ids.poster, opened: true });
    });

    it('leaves with the history kept, and resumes it on enrolling again, even by invitation only', async () => {
      const before = await progress(learner.client);
      const mine = async () => (await learner.client.get('/api/me/courses')).json().courses as MyCourseView[];
      const dashboard = await mine();
      assert.deepEqual(
        dashboard.map((m) => [
          m.course.title,
          m.percent,
          m.doneCount,
          m.total,
          m.course.dueAt,
          !!m.completedAt,
          m.resumeAssetId,
        ]),
        [['Fire Safety', 100, 2, 2, due, true, before.resumeAssetId]],
      );
      const left = await learner.client.request('DELETE', `/api/courses/${courseId}/enrolment`);
      assert.equal(left.statusCode, 204, left.body);
      assert.equal((await learner.client.request('DELETE', `/api/courses/${courseId}/enrolment`)).statusCode, 404);
      assert.equal((await learner.client.get(`/api/courses/${courseId}/progress`)).statusCode, 404);
      assert.equal((await catalog(learner.client, '')).courses[0]?.enrolledVersion, null);
      assert.deepEqual(await mine(), []);
      const visitor = await view(learner.client);
      assert.ok(visitor.leftAt);
      assert.equal(visitor.mayEnrol, true, 'a learner who left may come back');
      const back = await learner.client.post(`/api/courses/${courseId}/enrolment`);
      assert.equal(back.statusCode, 200, back.body);
      assert.equal(back.json().outcome, 'resumed');
      const after = await progress(learner.client);
      assert.deepEqual(after.items, before.items);
      assert.equal(after.resumeAssetId, before.resumeAssetId);
      assert.equal(after.completedAt, before.completedAt);
      assert.equal((await view(learner.client)).dueAt, due, 'the due date came back too');
      assert.equal((await view(learner.client)).leftAt, null);
      assert.deepEqual(
        (await mine()).map((m) => m.percent),
        [100],
      );
    });
  });
}
