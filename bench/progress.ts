// Progress reports: 500 simulated learners, each reporting the played range of a video as the player
// does every 10 s, against a real server on loopback (the load generator runs in its own process:
// bench/_progress-load.ts), on SQLite and PostgreSQL. Two phases per database:
// - paced: every learner every 10 s (the real load, 50 reports/s): latency;
// - at the goal rate: the same learners offering 2,000 reports/s in all (each every 250 ms): latency;
// - saturated: every learner back to back: throughput and latency at capacity.
// Goal (issue 14): ≥ 2,000 reports/s and p99 ≤ 50 ms on SQLite on this machine. Read as a service level,
// "2,000 reports/s answered with p99 ≤ 50 ms", the p99 is the one at the goal rate: saturated, 500
// learners back to back keep 500 reports in flight, so by Little's law the mean wait alone is
// 500 / throughput (53 ms at 9,500/s) whatever the server does.
const GOAL_RATE = 2_000;
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import path from 'node:path';
import { promisify } from 'node:util';
import { createSignedInUser, createTestApp, setUpAdmin } from '../src/server/testing/app.ts';
import type { Dialect } from '../src/server/testing/databases.ts';
import { measureServerCpu } from './_server-cpu.ts';
import { round } from './_stats.ts';

const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 500);
const run = promisify(execFile);

interface LoadResult {
  reports: number;
  perSecond: number;
  p50: number;
  p99: number;
  answered: number;
  errors: number;
}

interface Phases {
  paced: LoadResult;
  atGoalRate: LoadResult;
  saturated: LoadResult;
  serverCpuUsPerReport: number;
}

async function bench(dialect: Dialect): Promise<Phases> {
  const app = await createTestApp(dialect, { LOG_LEVEL: 'silent' });
  try {
    await app.app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const admin = await setUpAdmin(app);
    const author = await createSignedInUser(app, admin, 'author');

    // A published course with one hour-long video, written directly (no transcoding needed to measure reports).
    const at = Date.now();
    const assetId = crypto.randomUUID();
    const courseId = crypto.randomUUID();
    await app.db
      .insertInto('assets')
      .values({
        id: assetId,
        owner_id: author.id,
        kind: 'video',
        original_name: 'lecture.mp4',
        state: 'ready',
        reason: null,
        progress: null,
        size: 1,
        mime: 'video/mp4',
        blob_key: null,
        upload_id: null,
        uploaded_for_draft_at: null,
        metadata: JSON.stringify({ durationSeconds: 3600 }),
        created_at: at,
        updated_at: at,
      })
      .execute();
    await app.db.insertInto('courses').values({ id: courseId, owner_id: author.id, latest_version: 1, created_at: at, updated_at: at }).execute();
    const content = {
      basics: { title: 'Bench', versionLabel: '', shortDescription: '', topics: [], language: 'en', coverAssetId: null },
      files: [{ assetId, title: 'Lecture', description: '', required: true }],
      test: { settings: { enabled: false }, categories: [] },
    };
    await app.db
      .insertInto('course_versions')
      .values({ course_id: courseId, version: 1, title: 'Bench', content: JSON.stringify(content), source_draft_id: crypto.randomUUID(), published_by: author.id, published_at: at })
      .execute();
    await app.db.insertInto('course_version_assets').values({ course_id: courseId, version: 1, asset_id: assetId }).execute();

    const learners: { cookie: string; csrf: string }[] = [];
    for (let i = 0; i < LEARNERS; i++) {
      const { client } = await createSignedInUser(app, admin, 'learner', `learner-${i}@example.org`);
      const enrolled = await client.post(`/api/courses/${courseId}/enrolment`);
      if (enrolled.statusCode !== 200) throw new Error(`enrol: ${enrolled.body}`);
      const csrf = await client.csrf();
      learners.push({ cookie: client.cookieHeader(), csrf });
    }

    const load = async (mode: 'paced' | 'saturated', measureMs: number, intervalMs = 10_000): Promise<LoadResult> => {
      // At least 2 s, and one whole interval when paced: 500 fresh connections and a cold generator
      // make a backlog in the first few hundred ms that is the harness starting, not the service.
      const warmupMs = mode === 'paced' ? Math.max(intervalMs, 2_000) : 2_000;
      const plan = { base, courseId, assetId, learners, mode, intervalMs, warmupMs, measureMs };
      // The plan goes through a file: 500 learners' cookies and tokens are more than one argument may hold (E2BIG).
      const planFile = path.join(await mkdtemp(path.join(tmpdir(), 'lectern-bench-progress-')), 'plan.json');
      await writeFile(planFile, JSON.stringify(plan));
      const { stdout } = await run(process.execPath, [path.join(import.meta.dirname, '_progress-load.ts'), planFile], {
        maxBuffer: 1 << 20,
      }).finally(() => rm(path.dirname(planFile), { recursive: true, force: true }));
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult;
    };
    const paced = await load('paced', 20_000);
    // The server's event loop held up and its GC pauses during the phase at the goal rate
    // (warm-up included): a tail of stalls shows here rather than in the steady cost.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    const pauses: number[] = [];
    const gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) pauses.push(entry.duration);
    });
    gc.observe({ entryTypes: ['gc'] });
    loop.enable();
    const { result: atGoalRateLoad, cpuMs: atGoalRateCpuMs } = await measureServerCpu(`progress-${dialect}-at-${GOAL_RATE}`, () =>
      load('paced', 10_000, (LEARNERS * 1000) / GOAL_RATE),
    );
    loop.disable();
    gc.disconnect();
    const atGoalRate = {
      ...atGoalRateLoad,
      loopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
      loopDelayMaxMs: round(loop.max / 1e6, 1),
      gcPauseMaxMs: round(Math.max(0, ...pauses), 1),
      gcPauseTotalMs: round(pauses.reduce((a, b) => a + b, 0), 0),
      serverCpuUsPerReport: round((atGoalRateCpuMs * 1000) / atGoalRateLoad.answered, 0),
    };
    const { result: saturated, cpuMs } = await measureServerCpu(`progress-${dialect}`, () => load('saturated', 10_000));
    const serverCpuUsPerReport = (cpuMs * 1000) / saturated.answered;
    console.log(
      `${dialect}: paced ${JSON.stringify(paced)}; at ${GOAL_RATE}/s ${JSON.stringify(atGoalRate)}; saturated ${JSON.stringify(saturated)}; server CPU ${round(serverCpuUsPerReport, 0)} µs per report (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    return { paced, atGoalRate, saturated, serverCpuUsPerReport };
  } finally {
    await app.close();
  }
}

const sqlite = await bench('sqlite');
// BENCH_DIALECTS=sqlite while comparing trees: PostgreSQL's figures are then those of SQLite's run.
const postgres = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').includes('postgres') ? await bench('postgres') : sqlite;
console.log(
  JSON.stringify({
    learners: LEARNERS,
    progress_reports_per_s_sqlite: round(sqlite.saturated.perSecond, 0),
    progress_reports_per_s_postgres: round(postgres.saturated.perSecond, 0),
    p99_ms_sqlite: round(sqlite.saturated.p99, 1),
    p99_ms_postgres: round(postgres.saturated.p99, 1),
    p99_ms_sqlite_at_2000_per_s: round(sqlite.atGoalRate.p99, 1),
    p99_ms_postgres_at_2000_per_s: round(postgres.atGoalRate.p99, 1),
    answered_per_s_sqlite_at_2000_per_s: round(sqlite.atGoalRate.perSecond, 0),
    paced_p99_ms_sqlite: round(sqlite.paced.p99, 1),
    paced_p99_ms_postgres: round(postgres.paced.p99, 1),
    server_cpu_us_per_report_sqlite: round(sqlite.serverCpuUsPerReport, 0),
    server_cpu_us_per_report_postgres: round(postgres.serverCpuUsPerReport, 0),
    errors: [sqlite, postgres].reduce((n, d) => n + d.paced.errors + d.atGoalRate.errors + d.saturated.errors, 0),
  }),
);
