// The load generator of `npm run bench -- progress`, in its own process so that it does not share
// the server's event loop. Reads its plan from the JSON file named by argv[2], prints one JSON line of results.
// Each simulated learner reports the next 10 seconds of video played (a played range and the
// position), as the player does every 10 s while a video plays.

import { readFileSync } from 'node:fs';

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
const url = `${plan.base}/api/courses/${plan.courseId}/progress`;
const latencies: number[] = [];
let errors = 0;
let measuring = false;
let stopped = false;

async function one(learner: Plan['learners'][number], t: number): Promise<void> {
  const start = performance.now();
  // Node's fetch keeps connections alive (one per learner in flight).
  const response = await fetch(url, {
    method: 'POST',
    headers: { cookie: learner.cookie, 'x-csrf-token': learner.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ assetId: plan.assetId, played: [[t, t + 10]], position: t + 10 }),
  });
  await response.text();
  const ms = performance.now() - start;
  if (response.status !== 200) errors++;
  else if (measuring) latencies.push(ms);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function learnerLoop(learner: Plan['learners'][number], index: number): Promise<void> {
  let t = 0;
  if (plan.mode === 'paced') await sleep((index / plan.learners.length) * plan.intervalMs);
  while (!stopped) {
    const started = performance.now();
    await one(learner, t).catch(() => {
      errors++;
    });
    t = (t + 10) % 3_590;
    if (plan.mode === 'paced') await sleep(Math.max(0, plan.intervalMs - (performance.now() - started)));
  }
}

const loops = plan.learners.map((l, i) => learnerLoop(l, i));
await sleep(plan.warmupMs);
measuring = true;
const start = performance.now();
await sleep(plan.measureMs);
measuring = false;
const seconds = (performance.now() - start) / 1000;
stopped = true;
await Promise.all(loops);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
console.log(JSON.stringify({ reports: latencies.length, perSecond: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), errors }));
