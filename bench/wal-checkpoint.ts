// SQLite's WAL checkpoints on the event loop or on the checkpointer's worker thread
// (src/server/db/wal-checkpointer.ts): a progress-report-like write transaction (a row updated, the
// enrolment touched) committed at a fixed rate on the event loop, as the server does under load;
// each commit's latency counts from when it was due, and the event loop's delay is sampled.
// "autocheckpoint" is the connection as it was before the checkpointer (SQLite's default: the
// commit that passes 1,000 pages checkpoints, fsync included); "worker" is openSqlite() as the
// server opens it. The two alternate, each in a fresh process and database, BENCH_ROUNDS times.
// Options: BENCH_RATE (2000 commits/s), BENCH_SECONDS (8), BENCH_ROUNDS (3).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { openSqlite } from '../src/server/db/database.ts';
import { median, percentile, round } from './_stats.ts';

const RATE = Number(process.env.BENCH_RATE ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
type Mode = 'autocheckpoint' | 'worker';

interface Run {
  mode: Mode;
  commits: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

async function one(mode: Mode): Promise<Run> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lectern-bench-wal-'));
  const file = path.join(dir, 'bench.sqlite');
  let sqlite: SQLite.Database;
  let stop = () => {};
  if (mode === 'worker') {
    ({ sqlite, stopCheckpoints: stop } = openSqlite(file));
  } else {
    sqlite = new SQLite(file);
    for (const pragma of ['journal_mode = WAL', 'foreign_keys = ON', 'busy_timeout = 5000', 'synchronous = NORMAL'])
      sqlite.pragma(pragma);
  }
  sqlite.exec(`create table progress (id integer primary key, user_id text not null, played text not null, updated_at integer not null);
    create index progress_user on progress (user_id, updated_at);
    create table enrolments (user_id text primary key, last_activity_at integer not null)`);
  const insertProgress = sqlite.prepare('insert into progress (user_id, played, updated_at) values (?, ?, ?)');
  const insertEnrolment = sqlite.prepare('insert into enrolments values (?, ?)');
  for (let i = 0; i < 500; i++) {
    insertProgress.run(`learner-${i}`, '[]', 0);
    insertEnrolment.run(`learner-${i}`, 0);
  }
  const update = sqlite.prepare('update progress set played = ?, updated_at = ? where id = ?');
  const touch = sqlite.prepare('update enrolments set last_activity_at = ? where user_id = ?');
  const report = sqlite.transaction((n: number) => {
    update.run(JSON.stringify([[0, n % 3600]]), Date.now(), (n % 500) + 1);
    touch.run(Date.now(), `learner-${n % 500}`);
  });

  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const latencies: number[] = [];
  const start = performance.now();
  let n = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.floor(((now - start) / 1000) * RATE);
      while (n < due) {
        const dueAt = start + (n / RATE) * 1000;
        report(n++);
        latencies.push(performance.now() - dueAt);
      }
      if (now - start >= SECONDS * 1000) resolve();
      else setImmediate(tick);
    };
    tick();
  });
  loop.disable();
  stop();
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    mode,
    commits: n,
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    maxMs: round(Math.max(...latencies), 1),
    loopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
    loopDelayMaxMs: round(loop.max / 1e6, 1),
  };
}

const only = process.argv[2] as Mode | undefined;
if (only) {
  console.log(JSON.stringify(await one(only)));
} else {
  const runs: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first: the machine's load drifts within a minute.
    const order: Mode[] = round % 2 ? ['worker', 'autocheckpoint'] : ['autocheckpoint', 'worker'];
    for (const mode of order) {
      const out = execFileSync(process.execPath, [import.meta.filename, mode], { encoding: 'utf8' });
      const run = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Run;
      console.log(JSON.stringify(run));
      runs.push(run);
    }
  }
  const of = (mode: Mode, key: keyof Omit<Run, 'mode'>) => median(runs.filter((r) => r.mode === mode).map((r) => r[key]));
  console.log(
    JSON.stringify({
      commits_per_s: RATE,
      rounds: ROUNDS,
      p99_ms_autocheckpoint: of('autocheckpoint', 'p99Ms'),
      p99_ms_worker: of('worker', 'p99Ms'),
      max_ms_autocheckpoint: of('autocheckpoint', 'maxMs'),
      max_ms_worker: of('worker', 'maxMs'),
      loop_delay_max_ms_autocheckpoint: of('autocheckpoint', 'loopDelayMaxMs'),
      loop_delay_max_ms_worker: of('worker', 'loopDelayMaxMs'),
    }),
  );
}
