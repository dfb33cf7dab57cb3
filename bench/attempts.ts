// Taking the test under load: 200 simulated learners at once, each starting an attempt of a
// 20-question test, saving 20 answers (one PUT each, committed before the 200) and submitting, over
// and over, against a real server on loopback (the load generator runs in its own process:
// bench/_attempts-load.ts), on SQLite and PostgreSQL; and, in the same run, a bare Fastify route
// returning a constant under the same generator, for scale. Goal (issue 15): ≥ 3,000 answers/s and
// p99 ≤ 50 ms on SQLite on this 2-core machine. The load average is printed: other work skews it.
// Two phases per database:
// - saturated: every learner back to back: throughput, and latency at capacity. With 200 requests
//   always in flight the mean latency is 200 ÷ throughput (Little's law: 67 ms at 3,000/s), so its
//   p99 cannot meet 50 ms by construction;
// - paced: the same learners offering 3,000 answer saves/s in total (BENCH_RATE), open-loop and
//   staggered (bench/_attempts-load.ts): the latency at the goal's rate, `p99_ms_*_at_3000_per_s`.
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { EMPTY_DRAFT_CONTENT } from '../src/shared/drafts.ts';
import { category, question, testSet } from '../src/server/quizzes/testkit.ts';
import { createSignedInUser, createTestApp, setUpAdmin } from '../src/server/testing/app.ts';
import type { Dialect } from '../src/server/testing/databases.ts';
import { measureServerCpu } from './_server-cpu.ts';
import { round } from './_stats.ts';

const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 200);
const QUESTIONS = 20;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3_000);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 15_000);
const PACED_MS = Number(process.env.BENCH_PACED_MS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 3_000);
const run = promisify(execFile);

interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  startSubmitP99: number;
  rounds: number;
  answered: number;
  errors: number;
  firstError: string;
}

async function load(plan: object): Promise<LoadResult> {
  const { stdout } = await run(
    process.execPath,
    [path.join(import.meta.dirname, '_attempts-load.ts'), JSON.stringify(plan)],
    {
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult;
}

async function bench(dialect: Dialect): Promise<LoadResult & { serverCpuUsPerRequest: number; paced: LoadResult }> {
  const app = await createTestApp(dialect, { LOG_LEVEL: 'silent' });
  try {
    await app.app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const admin = await setUpAdmin(app);
    const author = await createSignedInUser(app, admin, 'author');

    // A published course whose test has 20 single-choice questions of 4 answers, unlimited attempts.
    const at = Date.now();
    const courseId = crypto.randomUUID();
    const questions = Array.from({ length: QUESTIONS }, () => question('single', [1, 0, 0, 0]));
    const content = {
      ...EMPTY_DRAFT_CONTENT,
      basics: { ...EMPTY_DRAFT_CONTENT.basics, title: 'Bench' },
      test: testSet([category(questions)], { passMarkPercent: 60, shuffleAnswers: true }),
    };
    await app.db
      .insertInto('courses')
      .values({ id: courseId, owner_id: author.id, latest_version: 1, created_at: at, updated_at: at })
      .execute();
    await app.db
      .insertInto('course_versions')
      .values({
        course_id: courseId,
        version: 1,
        title: 'Bench',
        content: JSON.stringify(content),
        source_draft_id: crypto.randomUUID(),
        published_by: author.id,
        published_at: at,
      })
      .execute();

    const learners: { cookie: string; csrf: string }[] = [];
    for (let i = 0; i < LEARNERS; i++) {
      const { client } = await createSignedInUser(app, admin, 'learner', `learner-${i}@example.org`);
      const enrolled = await client.post(`/api/courses/${courseId}/enrolment`);
      if (enrolled.statusCode !== 200) throw new Error(`enrol: ${enrolled.body}`);
      learners.push({ cookie: client.cookieHeader(), csrf: await client.csrf() });
    }
    const { result: loaded, cpuMs } = await measureServerCpu(`attempts-${dialect}`, () =>
      load({ base, mode: 'attempts', courseId, learners, warmupMs: WARMUP_MS, measureMs: MEASURE_MS }),
    );
    const saturated = { ...loaded, serverCpuUsPerRequest: (cpuMs * 1000) / loaded.answered };
    console.log(
      `${dialect}: ${JSON.stringify(saturated)} (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    // The server's event loop held up during the paced phase (warm-up included): stalls show here.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const pacedLoad = await load({
      base,
      mode: 'paced',
      courseId,
      learners,
      ratePerS: RATE,
      warmupMs: WARMUP_MS,
      measureMs: PACED_MS,
    });
    loop.disable();
    const paced = {
      ...pacedLoad,
      loopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
      loopDelayMaxMs: round(loop.max / 1e6, 1),
    };
    console.log(
      `${dialect} paced at ${RATE} answers/s: ${JSON.stringify(paced)} (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    return { ...saturated, paced };
  } finally {
    await app.close();
  }
}

async function bare(): Promise<LoadResult & { serverCpuUsPerRequest: number }> {
  const app = Fastify({ logger: false });
  app.get('/bare', async () => ({ ok: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const learners = Array.from({ length: LEARNERS }, () => ({ cookie: '', csrf: '' }));
    const { result: loaded, cpuMs } = await measureServerCpu('bare', () =>
      load({ base, mode: 'bare', learners, warmupMs: WARMUP_MS, measureMs: MEASURE_MS }),
    );
    const result = { ...loaded, serverCpuUsPerRequest: (cpuMs * 1000) / loaded.answered };
    console.log(
      `bare Fastify: ${JSON.stringify(result)} (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    return result;
  } finally {
    await app.close();
  }
}

const loadBefore = loadavg()[0] ?? 0;
const baseline = await bare();
const sqlite = await bench('sqlite');
// BENCH_DIALECTS=sqlite while profiling: PostgreSQL's figures are then those of SQLite's run.
const postgres = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').includes('postgres')
  ? await bench('postgres')
  : sqlite;
console.log(
  JSON.stringify({
    learners: LEARNERS,
    questions: QUESTIONS,
    answers_per_s_sqlite: round(sqlite.perSecond, 0),
    answers_per_s_postgres: round(postgres.perSecond, 0),
    p99_ms_sqlite: round(sqlite.p99, 1),
    p99_ms_postgres: round(postgres.p99, 1),
    [`p99_ms_sqlite_at_${RATE}_per_s`]: round(sqlite.paced.p99, 1),
    [`p99_ms_postgres_at_${RATE}_per_s`]: round(postgres.paced.p99, 1),
    [`p50_ms_sqlite_at_${RATE}_per_s`]: round(sqlite.paced.p50, 1),
    [`p50_ms_postgres_at_${RATE}_per_s`]: round(postgres.paced.p50, 1),
    [`start_submit_p99_ms_sqlite_at_${RATE}_per_s`]: round(sqlite.paced.startSubmitP99, 1),
    [`start_submit_p99_ms_postgres_at_${RATE}_per_s`]: round(postgres.paced.startSubmitP99, 1),
    paced_answers_per_s_sqlite: round(sqlite.paced.perSecond, 0),
    paced_answers_per_s_postgres: round(postgres.paced.perSecond, 0),
    p50_ms_sqlite: round(sqlite.p50, 1),
    p50_ms_postgres: round(postgres.p50, 1),
    start_submit_p99_ms_sqlite: round(sqlite.startSubmitP99, 1),
    start_submit_p99_ms_postgres: round(postgres.startSubmitP99, 1),
    server_cpu_us_per_request_sqlite: round(sqlite.serverCpuUsPerRequest, 0),
    server_cpu_us_per_request_postgres: round(postgres.serverCpuUsPerRequest, 0),
    attempts_per_s_sqlite: round(sqlite.rounds / (MEASURE_MS / 1000), 1),
    attempts_per_s_postgres: round(postgres.rounds / (MEASURE_MS / 1000), 1),
    bare_requests_per_s: round(baseline.perSecond, 0),
    bare_server_cpu_us_per_request: round(baseline.serverCpuUsPerRequest, 0),
    ratio_to_bare: round(sqlite.perSecond / baseline.perSecond, 3),
    errors:
      sqlite.errors +
      sqlite.paced.errors +
      (postgres === sqlite ? 0 : postgres.errors + postgres.paced.errors) +
      baseline.errors,
    load_average_1m_before: round(loadBefore, 1),
    load_average_1m_after: round(loadavg()[0] ?? 0, 1),
  }),
);
