// The load generator of `npm run bench -- progress`, in its own process so that it does not share
// the server's event loop. Reads its plan from the JSON file named by argv[2], prints one JSON line of results.
// Each simulated learner reports the next 10 seconds of video played (a played range and the
// position), as the player does every 10 s while a video plays.
// HTTP/1.1 keep-alive over node:http, one connection per learner (as bench/_attempts-load.ts):
// lighter than fetch, so on a 2-core machine the generator takes less of the server's CPU.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

interface Plan {
  base: string;
  courseId: string;
  assetId: string;
  learners: { cookie: string; csrf: string }[];
  /** paced: every learner every `intervalMs` (staggered); saturated: each learner back to back. */
  mode: 'paced' | 'saturated';
  intervalMs: number;
  warmupMs: number;
  measureMs: number;
}

const plan = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Plan;
const target = new URL(`${plan.base}/api/courses/${plan.courseId}/progress`);
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.learners.length });
const latencies: number[] = [];
/** Every report answered, warm-up included: the server's CPU time is divided by it. */
let answered = 0;
let errors = 0;
let measuring = false;
/** Reports due before the measurement began belong to the warm-up, even when answered after it. */
let measureStart = Number.POSITIVE_INFINITY;
let stopped = false;

function post(learner: Plan['learners'][number], body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: {
          cookie: learner.cookie,
          'x-csrf-token': learner.csrf,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `due`: when the report was meant to leave; a paced learner held up by a slow answer counts the wait too. */
async function one(learner: Plan['learners'][number], t: number, due: number): Promise<void> {
  const start = Math.min(due, performance.now());
  const status = await post(learner, JSON.stringify({ assetId: plan.assetId, played: [[t, t + 10]], position: t + 10 }));
  const ms = performance.now() - start;
  answered++;
  if (status !== 200) errors++;
  else if (measuring && start >= measureStart) latencies.push(ms);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function learnerLoop(learner: Plan['learners'][number], index: number): Promise<void> {
  let t = 0;
  if (plan.mode === 'paced') await sleep((index / plan.learners.length) * plan.intervalMs);
  // Paced learners keep a schedule (open loop): latency runs from when a report was due, not from when
  // a late learner got round to sending it, so a stalled server is not hidden (coordinated omission).
  let due = performance.now();
  while (!stopped) {
    await one(learner, t, plan.mode === 'paced' ? due : performance.now()).catch(() => {
      errors++;
    });
    t = (t + 10) % 3_590;
    if (plan.mode === 'paced') {
      due += plan.intervalMs;
      await sleep(Math.max(0, due - performance.now()));
    }
  }
}

const loops = plan.learners.map((l, i) => learnerLoop(l, i));
await sleep(plan.warmupMs);
// The generator's own event loop: a report it sends late counts as latency (from its due time), so
// the generator's stalls must be told apart from the server's.
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const start = performance.now();
measureStart = start;
measuring = true;
await sleep(plan.measureMs);
measuring = false;
loop.disable();
const seconds = (performance.now() - start) / 1000;
stopped = true;
await Promise.all(loops);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
agent.destroy();
console.log(JSON.stringify({ reports: latencies.length, perSecond: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), answered, errors, generatorLoopDelayP99Ms: loop.percentile(99) / 1e6, generatorLoopDelayMaxMs: loop.max / 1e6 }));
