// Scale-out on one machine: PostgreSQL + a local S3 server, two web nodes and two workers as
// separate processes. Jobs run exactly once, survive a worker killed mid-job, schedules fire
// once per period across the cluster, and live events cross web nodes.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobEventData } from '../../src/shared/events.ts';
import { createDatabase, type Database } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { createPgBossJobQueue } from '../../src/server/jobs/pgboss.ts';
import type { JobQueue } from '../../src/server/jobs/queue.ts';
import { category, question, testSet } from '../../src/server/quizzes/testkit.ts';
import { createS3BlobStore } from '../../src/server/storage/s3.ts';
import { createTestDatabase, type TestDatabase } from '../../src/server/testing/databases.ts';
import { type LocalS3, startLocalS3 } from '../../src/server/testing/s3.ts';
import { openEventStream } from '../../src/server/testing/sse.ts';
import { waitFor } from '../../src/server/testing/wait.ts';
import { HttpClient, type LecternProcess, startProcess } from './processes.ts';

const waitUntil = (check: () => Promise<boolean>, what: string, timeoutMs: number) => waitFor(check, what, timeoutMs, 200);

describe('[postgres+s3] scale-out cluster: two web nodes, two workers', () => {
  let testDb: TestDatabase;
  let s3: LocalS3;
  let db: Database;
  let queue: JobQueue;
  let env: Record<string, string>;
  const processes: LecternProcess[] = [];
  let webA: LecternProcess;
  let webB: LecternProcess;
  let worker1: LecternProcess;
  let worker2: LecternProcess;

  const probeRuns = async (probeId: string) =>
    (await db.selectFrom('worker_probes').selectAll().where('probe_id', '=', probeId).executeTakeFirst()) ?? null;
  const start = async (kind: 'web' | 'worker') => {
    const p = await startProcess(kind, env);
    processes.push(p);
    return p;
  };

  before(async () => {
    testDb = await createTestDatabase('postgres');
    s3 = await startLocalS3();
    if (testDb.config.dialect !== 'postgres') throw new Error('unreachable');
    env = {
      DATABASE_URL: testDb.config.connectionString,
      ...s3.env('cluster/blobs'),
      SESSION_SECRET: 'a shared secret for every web node of the cluster',
      PASSWORD_SCRYPT_LOG_N: '12',
      WORKER_CONCURRENCY: '4',
      // A test attempt left open is submitted 1 s after its deadline (the last test below).
      ATTEMPT_GRACE_SECONDS: '1',
    };
    db = createDatabase(testDb.config);
    await migrateToLatest(db);
    // The test's own client of the same queue, as any web node has.
    queue = await createPgBossJobQueue({ connectionString: testDb.config.connectionString, db });
    [webA, webB, worker1, worker2] = await Promise.all([start('web'), start('web'), start('worker'), start('worker')]);
  });

  after(async () => {
    await Promise.allSettled(processes.map((p) => p.stop()));
    await queue?.stop(0);
    await db?.destroy();
    await testDb?.drop();
    await s3?.stop();
  });

  it('starts every node ready, with the storage marker in S3', async () => {
    for (const web of [webA, webB]) {
      const ready = await fetch(`${web.url}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
    }
    assert.equal(await createS3BlobStore(s3.options('cluster/blobs')).hasMarker(), true);
  });

  it('runs 200 jobs to completion exactly once, spread over both workers', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const id = await queue.enqueue('system.probe', { probeId: `batch-${i}`, holdMs: 20 });
      assert.ok(id);
      ids.push(id);
    }
    await waitUntil(
      async () => {
        const { count } = await db
          .selectFrom('worker_probes')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('probe_id', 'like', 'batch-%')
          .executeTakeFirstOrThrow();
        return Number(count) === 200;
      },
      '200 probes',
      60_000,
    );
    const rows = await db.selectFrom('worker_probes').selectAll().where('probe_id', 'like', 'batch-%').execute();
    assert.deepEqual(
      rows.filter((r) => r.runs !== 1).map((r) => r.probe_id),
      [],
      'every job ran exactly once',
    );
    const workers = new Set(rows.map((r) => r.worker.split(':')[1]));
    assert.deepEqual([...workers].sort(), [String(worker1.pid), String(worker2.pid)].sort());
    for (const id of ids.slice(0, 20)) assert.equal((await queue.getJob(id))?.state, 'completed');
  });

  it('finishes on another worker a job whose worker was killed with SIGKILL mid-job', async () => {
    // Only worker 1 runs while the job starts, so we know which process to kill.
    await worker2.stop();
    const id = await queue.enqueue('system.probe', { probeId: 'killed-mid-job', holdMs: 4000 }, { timeoutMs: 6000 });
    assert.ok(id);
    await waitUntil(async () => (await queue.getJob(id))?.state === 'active', 'the job to start on worker 1', 20_000);
    // Killed before the next worker starts: under load, starting one took longer than the job's 4 s,
    // and worker 1 finished the job before it was killed.
    await worker1.kill();
    const worker3 = await start('worker');
    await waitUntil(async () => (await probeRuns('killed-mid-job')) !== null, 'the job to finish elsewhere', 90_000);
    const probe = await probeRuns('killed-mid-job');
    assert.equal(probe?.runs, 1);
    assert.equal(probe?.worker.split(':')[1], String(worker3.pid));
    // The probe's row is written by the handler, before the queue marks the job completed.
    await waitUntil(async () => (await queue.getJob(id))?.state !== 'active', 'the job to leave the active state', 30_000);
    const job = await queue.getJob(id);
    assert.equal(job?.state, 'completed');
    assert.equal(job?.attempt, 2);
  });

  it('fires a per-second schedule once per period with two schedulers running', async () => {
    await start('worker');
    await queue.schedule('system.probe', '* * * * * *', { probeId: 'tick' });
    await waitUntil(async () => (await probeRuns('tick')) !== null, 'the first tick', 20_000);
    const first = (await probeRuns('tick'))?.runs ?? 0;
    // The window is what is tested: how often a per-second schedule fired in 6 s with two schedulers.
    await sleep(6000);
    const fired = ((await probeRuns('tick'))?.runs ?? 0) - first;
    await queue.unschedule('system.probe');
    assert.ok(fired >= 4 && fired <= 7, `fired ${fired} times in 6 s`);
  });

  const admin = new HttpClient();

  it('delivers an event raised on one web node to an SSE client of the other', async () => {
    const setup = await admin.request(webA.url as string, 'POST', '/api/setup', {
      email: 'ops@example.org',
      displayName: 'Ops',
      password: 'correct horse battery staple',
    });
    assert.equal(setup.status, 201);
    const stream = await openEventStream(`${webB.url}/api/events`, admin.cookieHeader());
    assert.equal(stream.status, 200);
    try {
      const probe = await admin.request(webA.url as string, 'POST', '/api/admin/jobs/probe');
      assert.equal(probe.status, 202);
      const { jobId } = (await probe.json()) as { jobId: string };
      await stream.waitFor((e) => (e.data as JobEventData).jobId === jobId && (e.data as JobEventData).state === 'created');
      await stream.waitFor((e) => (e.data as JobEventData).jobId === jobId && (e.data as JobEventData).state === 'completed', 20_000);
    } finally {
      stream.close();
    }
    const jobs = await admin.request(webB.url as string, 'GET', '/api/admin/jobs');
    assert.equal(((await jobs.json()) as { driver: string }).driver, 'pg-boss');
  });

  it('ends, on the other web node, the event stream of a session signed out on this one', async () => {
    const device = new HttpClient();
    const login = await device.request(webA.url as string, 'POST', '/api/auth/login', {
      email: 'ops@example.org',
      password: 'correct horse battery staple',
    });
    assert.equal(login.status, 200);
    const stream = await openEventStream(`${webB.url}/api/events`, device.cookieHeader());
    const kept = await openEventStream(`${webB.url}/api/events`, admin.cookieHeader());
    assert.equal(stream.status, 200);
    try {
      assert.equal((await device.request(webA.url as string, 'POST', '/api/auth/logout')).status, 204);
      // Well within the 30-second re-check: the signal crossed nodes through PostgreSQL.
      assert.equal(await stream.endsWithin(5000), true, 'the stream on the other node ended');
      assert.equal(await kept.endsWithin(500), false, "another session's stream goes on");
    } finally {
      stream.close();
      kept.close();
    }
  });

  it('takes the chunks of one upload on both web nodes, in turn, and stores the file whole in S3', async () => {
    const chunk = 6 * 1024 * 1024;
    const content = randomBytes(chunk * 2 + 12345);
    const meta = `filename ${Buffer.from('lecture notes.bin').toString('base64')},kind ${Buffer.from('other').toString('base64')}`;
    const created = await admin.raw(webA.url as string, 'POST', '/api/uploads', {
      'tus-resumable': '1.0.0',
      'upload-length': String(content.length),
      'upload-metadata': meta,
    });
    assert.equal(created.status, 201, await created.text());
    const location = created.headers.get('location') as string;
    const id = location.split('/').pop() as string;
    const nodes = [webB, webA, webB];
    for (let offset = 0, i = 0; offset < content.length; offset += chunk, i++) {
      const body = content.subarray(offset, Math.min(offset + chunk, content.length));
      const patched = await admin.raw(
        (nodes[i] as LecternProcess).url as string,
        'PATCH',
        `/api/uploads/${id}`,
        { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        body,
      );
      assert.equal(patched.status, 204, `chunk ${i}: ${await patched.text()}\n${(nodes[i] as LecternProcess).stderr().slice(-3000)}`);
    }
    let state = '';
    await waitUntil(
      async () => {
        const r = await admin.request(webB.url as string, 'GET', `/api/assets/${id}`);
        state = ((await r.json()) as { asset: { state: string } }).asset.state;
        return state === 'ready' || state === 'failed';
      },
      'the upload to be ingested',
      60_000,
    );
    assert.equal(state, 'ready');
    const original = await admin.request(webA.url as string, 'GET', `/api/assets/${id}/original`);
    const bytes = Buffer.from(await original.arrayBuffer());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), createHash('sha256').update(content).digest('hex'));
  });

  it('submits and grades on a worker a test attempt whose deadline passed with the browser closed', async () => {
    // Its own administrator's session: set up here when this test runs alone.
    const ops = new HttpClient();
    const credentials = { email: 'ops@example.org', displayName: 'Ops', password: 'correct horse battery staple' };
    if ((await ops.request(webA.url as string, 'POST', '/api/setup', credentials)).status !== 201) {
      const login = await ops.request(webA.url as string, 'POST', '/api/auth/login', { email: credentials.email, password: credentials.password });
      assert.equal(login.status, 200);
    }
    const created = async (email: string, role: string) => {
      const r = await ops.request(webA.url as string, 'POST', '/api/admin/users', {
        email,
        displayName: email,
        role,
        password: 'correct horse battery staple',
      });
      const text = await r.text();
      assert.equal(r.status, 201, text);
      return (JSON.parse(text) as { user: { id: string } }).user.id;
    };
    const authorId = await created('teacher@example.org', 'author');
    await created('pupil@example.org', 'learner');
    const signedIn = async (email: string) => {
      const client = new HttpClient();
      const login = await client.request(webA.url as string, 'POST', '/api/auth/login', {
        email,
        password: 'correct horse battery staple',
      });
      assert.equal(login.status, 200);
      return client;
    };
    const [teacher, pupil] = [await signedIn('teacher@example.org'), await signedIn('pupil@example.org')];
    // A published course with a one-question test and a one-minute limit, written directly.
    const at = Date.now();
    const courseId = crypto.randomUUID();
    const q = question('single', [1, 0]);
    const [questionId, rightId] = [q.id, q.answers[0]?.id as string];
    const test = testSet([category([q])], { timeLimitMinutes: 1, passMarkPercent: 50 });
    const basics = {
      title: 'Cluster test',
      versionLabel: '',
      shortDescription: '',
      topics: [],
      language: 'en',
      coverAssetId: null,
    };
    await db
      .insertInto('courses')
      .values({ id: courseId, owner_id: authorId, latest_version: 1, created_at: at, updated_at: at })
      .execute();
    await db
      .insertInto('course_versions')
      .values({
        course_id: courseId,
        version: 1,
        title: 'Cluster test',
        content: JSON.stringify({ basics, files: [], test }),
        source_draft_id: crypto.randomUUID(),
        published_by: authorId,
        published_at: at,
      })
      .execute();
    assert.equal((await pupil.request(webA.url as string, 'POST', `/api/courses/${courseId}/enrolment`)).status, 200);
    const started = await pupil.request(webA.url as string, 'POST', `/api/courses/${courseId}/attempts`);
    assert.equal(started.status, 201, await started.clone().text());
    const attemptId = ((await started.json()) as { attempt: { id: string } }).attempt.id;
    const saved = await pupil.request(webB.url as string, 'PUT', `/api/attempts/${attemptId}/answers/${questionId}`, {
      sequence: 1,
      answerIds: [rightId],
    });
    assert.equal(saved.status, 200);
    // The browser is gone. Its minute is up (it started 61 s ago): the author's accommodation change,
    // on the other web node, requeues the deadline job for now + the 1 s grace; a worker runs it.
    await db
      .updateTable('quiz_attempts')
      .set({ started_at: Date.now() - 61_000 })
      .where('id', '=', attemptId)
      .execute();
    const userId = (
      await db.selectFrom('users').select('id').where('email', '=', 'pupil@example.org').executeTakeFirstOrThrow()
    ).id;
    const put = await teacher.request(
      webB.url as string,
      'PUT',
      `/api/courses/${courseId}/learners/${userId}/allowance`,
      {
        timeMultiplier: 1,
        extraMinutes: 0,
        extraAttempts: 0,
      },
    );
    assert.equal(put.status, 200);
    await waitUntil(
      async () =>
        (await db.selectFrom('quiz_attempts').select('state').where('id', '=', attemptId).executeTakeFirst())?.state ===
        'submitted',
      'a worker to submit the attempt',
      60_000,
    );
    const row = await db.selectFrom('quiz_attempts').selectAll().where('id', '=', attemptId).executeTakeFirstOrThrow();
    assert.equal(row.submitted_by, 'deadline');
    assert.equal(row.percent, 100);
    // Passing it completed the course (no files): recorded once, by the worker.
    await waitUntil(
      async () =>
        (await db.selectFrom('course_completions').select('user_id').where('course_id', '=', courseId).execute())
          .length === 1,
      'the completion to be recorded',
      30_000,
    );
  });
});
