// The load generator of `npm run bench -- attempts`, in its own process so that it does not share the
// server's event loop. Reads its plan as JSON from argv[2], prints one JSON line of results.
// - attempts: each simulated learner starts (or resumes) an attempt, saves an answer to each of its
//   questions (one PUT each, as the attempt page does), submits, and starts again;
// - paced: the same rounds, open-loop: each learner sends its requests on a fixed schedule (the 200
//   learners staggered over one round, so that starts and submits are spread out too) so that answer saves are offered at `ratePerS` in total,
//   whatever the server's latency. A request's latency counts from the time it was due, so a learner
//   held up by a slow answer is not let off the wait it causes (no coordinated omission);
// - bare: each simulated client GETs a constant from a bare Fastify route, back to back.
// HTTP/1.1 keep-alive over node:http, one connection per simulated learner.
import http from 'node:http';

interface Plan {
  base: string;
  mode: 'attempts' | 'paced' | 'bare';
  courseId?: string;
  /** paced: answer saves offered per second, all learners together. */
  ratePerS?: number;
  learners: { cookie: string; csrf: string }[];
  warmupMs: number;
  measureMs: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan;
const base = new URL(plan.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.learners.length });
const saves: number[] = [];
const starts: number[] = [];
const submits: number[] = [];
let rounds = 0;
/** Every request answered, warm-up included: the server's CPU time is divided by it. */
let answered = 0;
let errors = 0;
let firstError = '';
let measuring = false;
let stopped = false;

function call(
  method: string,
  path: string,
  learner: Plan['learners'][number],
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        agent,
        headers: {
          cookie: learner.cookie,
          'x-csrf-token': learner.csrf,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * paced: the time each learner's next request is due. Every request (start, saves, submit) has its
 * slot; the slots are spaced so that the saves (QUESTIONS of every QUESTIONS + 2 requests) come at
 * `ratePerS` in total. Before each request the learner waits for its slot (if it is not late).
 */
const SAVES_PER_ROUND = 20;
const slotMs =
  plan.mode === 'paced'
    ? ((plan.learners.length * SAVES_PER_ROUND) / (SAVES_PER_ROUND + 2) / (plan.ratePerS ?? 1)) * 1000
    : 0;
const due = new Map<Plan['learners'][number], number>();

async function timed(
  kind: number[],
  method: string,
  path: string,
  learner: Plan['learners'][number],
  body?: unknown,
  ok = [200],
) {
  let start = performance.now();
  const slot = due.get(learner);
  if (slot !== undefined) {
    if (slot > start) await sleep(slot - start);
    due.set(learner, slot + slotMs);
    start = slot;
  }
  const response = await call(method, path, learner, body);
  const ms = performance.now() - start;
  answered++;
  if (!ok.includes(response.status)) {
    errors++;
    firstError ||= `${method} ${path}: ${response.status} ${response.text.slice(0, 200)}`;
    throw new Error('refused');
  }
  if (measuring) kind.push(ms);
  return response;
}

interface StartedAttempt {
  attempt: { id: string; questions: { id: string; answers: { id: string }[] }[] };
}

async function learnerLoop(learner: Plan['learners'][number], index: number): Promise<void> {
  let sequence = 0;
  // Staggered over one round (start, saves, submit): learner i's first slot is i / n of a round
  // after the first learner's. Over one slot only, every learner would start its attempt within the
  // same few milliseconds of each round: a burst of starts no class of real learners makes.
  if (plan.mode === 'paced') {
    due.set(learner, performance.now() + (index / plan.learners.length) * slotMs * (SAVES_PER_ROUND + 2));
  }
  while (!stopped) {
    try {
      if (plan.mode === 'bare') {
        await timed(saves, 'GET', '/bare', learner);
        continue;
      }
      const started = await timed(
        starts,
        'POST',
        `/api/courses/${plan.courseId}/attempts`,
        learner,
        undefined,
        [200, 201],
      );
      const { attempt } = JSON.parse(started.text) as StartedAttempt;
      for (const [i, q] of attempt.questions.entries()) {
        const answerId = q.answers[(i + sequence) % q.answers.length]?.id as string;
        await timed(saves, 'PUT', `/api/attempts/${attempt.id}/answers/${q.id}`, learner, {
          sequence: ++sequence,
          answerIds: [answerId],
        });
      }
      await timed(submits, 'POST', `/api/attempts/${attempt.id}/submit`, learner);
      if (measuring) rounds++;
    } catch {
      // Counted in `errors`; the learner goes on.
    }
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
agent.destroy();
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};
console.log(
  JSON.stringify({
    requests: saves.length,
    perSecond: saves.length / seconds,
    p50: pct(saves, 0.5),
    p99: pct(saves, 0.99),
    startSubmitP99: pct([...starts, ...submits], 0.99),
    startP99: pct(starts, 0.99), submitP99: pct(submits, 0.99), startP50: pct(starts, 0.5), submitP50: pct(submits, 0.5),
    rounds,
    answered,
    errors,
    firstError,
  }),
);
