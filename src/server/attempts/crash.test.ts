// An acknowledged answer survives a crash: the real server process (main.ts) is killed with SIGKILL
// while a learner is saving answers, restarted on the same data, and every answer it acknowledged
// is there (the same or a newer one, never an older), on both databases.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, startServer } from '../../../test/e2e/support/server.ts';
import type { AttemptView } from '../../shared/attempts.ts';
import type { Question } from '../../shared/quiz.ts';
import { createDatabase } from '../db/database.ts';
import { category, question, testSet } from '../quizzes/testkit.ts';
import { STRONG_PASSWORD } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { insertPublishedCourse } from '../testing/factories.ts';

/** A fetch client with a cookie jar and the CSRF token, like a browser tab. */
class HttpClient {
  private readonly cookies = new Map<string, string>();
  private token: string | undefined;
  private readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  async request(method: string, url: string, body?: unknown): Promise<{ status: number; json: () => unknown }> {
    if (method !== 'GET' && !this.token) {
      this.token = ((await this.request('GET', '/api/auth/csrf')).json() as { token: string }).token;
    }
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (method !== 'GET') {
      headers['x-csrf-token'] = this.token as string;
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.base}${url}`, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body ?? {}) });
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = (pair as string).split('=');
      this.cookies.set((name as string).trim(), value.join('='));
      // The CSRF token is bound to the session: a new session needs a new token.
      if (/lectern_session$/.test((name as string).trim())) this.token = undefined;
    }
    const text = await response.text();
    return { status: response.status, json: () => JSON.parse(text) };
  }
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] attempts survive a crash`, () => {
    let server: RunningServer;
    let webDir: string;

    before(async () => {
      webDir = mkdtempSync(path.join(tmpdir(), 'lectern-web-'));
      mkdirSync(webDir, { recursive: true });
      writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Lectern</title>');
      server = await startServer(dialect, { WEB_DIST_DIR: webDir, LOG_LEVEL: 'error' });
    });
    after(async () => {
      await server?.stop();
      rmSync(webDir, { recursive: true, force: true });
    });

    it('keeps every acknowledged answer after SIGKILL and a restart', async () => {
      const admin = new HttpClient(server.url);
      assert.equal((await admin.request('POST', '/api/setup', { email: 'a@example.org', displayName: 'Ada', password: STRONG_PASSWORD })).status, 201);
      const users: Record<string, string> = {};
      for (const role of ['author', 'learner']) {
        const created = await admin.request('POST', '/api/admin/users', { email: `${role}@example.org`, displayName: role, role, password: STRONG_PASSWORD });
        assert.equal(created.status, 201);
        users[role] = (created.json() as { user: { id: string } }).user.id;
      }
      const learner = new HttpClient(server.url);
      assert.equal((await learner.request('POST', '/api/auth/login', { email: 'learner@example.org', password: STRONG_PASSWORD })).status, 200);

      const qs: Question[] = [0, 1, 2, 3].map(() => question('single', [1, 0, 0, 0]));
      const courseId = crypto.randomUUID();
      const db = createDatabase(server.database);
      try {
        await insertPublishedCourse(db, {
          id: courseId,
          ownerId: users.author as string,
          title: 'Crash course',
          test: testSet([category(qs)], { timeLimitMinutes: 60 }),
        });
      } finally {
        await db.destroy();
      }
      assert.equal((await learner.request('POST', `/api/courses/${courseId}/enrolment`)).status, 200);
      const started = await learner.request('POST', `/api/courses/${courseId}/attempts`);
      assert.equal(started.status, 201);
      const attempt = (started.json() as { attempt: AttemptView }).attempt;

      // Saves go on in a loop; the process is killed after 20 acknowledgements, mid-stream.
      const acknowledged = new Map<string, { sequence: number; answerId: string }>();
      let acks = 0;
      let stop = false;
      const saving = (async () => {
        for (let sequence = 1; !stop; sequence++) {
          const q = qs[sequence % qs.length] as Question;
          const answerId = q.answers[sequence % 4]?.id as string;
          try {
            const r = await learner.request('PUT', `/api/attempts/${attempt.id}/answers/${q.id}`, { sequence, answerIds: [answerId] });
            if (r.status === 200) {
              acknowledged.set(q.id, { sequence, answerId });
              acks++;
            }
          } catch {
            return; // the connection died with the server
          }
        }
      })();
      while (acks < 20) await new Promise((resolve) => setTimeout(resolve, 5));
      const snapshot = new Map(acknowledged);
      await server.crashAndRestart();
      stop = true;
      await saving;

      const view = await learner.request('GET', `/api/attempts/${attempt.id}`);
      assert.equal(view.status, 200, 'the session and the attempt survived');
      const { responses } = (view.json() as { attempt: AttemptView }).attempt;
      assert.equal(snapshot.size, qs.length);
      for (const [questionId, ack] of snapshot) {
        const stored = responses[questionId];
        assert.ok(stored, `question ${questionId} lost its answer`);
        assert.ok(stored.sequence >= ack.sequence, `question ${questionId}: stored ${stored.sequence} < acknowledged ${ack.sequence}`);
        if (stored.sequence === ack.sequence) assert.deepEqual(stored.answerIds, [ack.answerId]);
      }
    });
  });
}
