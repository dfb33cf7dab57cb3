// `npm test`: checks (and, where it can, installs) what the tests need from the machine, then runs
// every stage — type-check, lint, unit and integration tests, the scale-out cluster, the browser
// tests — and ends with one summary: the time each stage took, what was opted out, and the counts.
import { spawn, spawnSync } from 'node:child_process';
import pg from 'pg';
import { TEST_DIALECTS } from '../src/server/testing/databases.ts';
import {
  parseTestSkip,
  REQUIREMENTS,
  type Requirement,
  TEST_GROUPS,
  type TestGroup,
} from '../src/server/testing/prerequisites.ts';

const started = Date.now();
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function fail(lines: string[]): never {
  for (const line of lines) console.error(line);
  process.exit(1);
}

let optedOut: Set<TestGroup>;
try {
  optedOut = parseTestSkip(process.env.TEST_SKIP);
} catch (err) {
  fail([(err as Error).message]);
}

// 1. Tools: one line per thing missing; installed with apt-get when we are root, else named.
function missingRequirements(): { requirement: Requirement; problem: string; groups: TestGroup[] }[] {
  const byName = new Map<string, { requirement: Requirement; groups: TestGroup[] }>();
  for (const group of TEST_GROUPS) {
    if (optedOut.has(group)) continue;
    for (const requirement of REQUIREMENTS[group]) {
      const entry = byName.get(requirement.name) ?? { requirement, groups: [] };
      entry.groups.push(group);
      byName.set(requirement.name, entry);
    }
  }
  return [...byName.values()].flatMap(({ requirement, groups }) => {
    const problem = requirement.check();
    return problem ? [{ requirement, problem, groups }] : [];
  });
}

let missing = missingRequirements();
const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (missing.length && canInstall) {
  // One line per package set (ffmpeg brings both ffmpeg and ffprobe).
  const reasons = new Map<string, string[]>();
  for (const { requirement } of missing) {
    const key = requirement.debianPackages.join(' ');
    reasons.set(key, [...(reasons.get(key) ?? []), requirement.why]);
  }
  for (const [packages, why] of reasons) console.log(`prerequisites: installing ${packages} — ${why.join('; ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const packages = [...new Set(missing.flatMap((m) => m.requirement.debianPackages))];
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
  if (update.status !== 0 || install.status !== 0) console.error('prerequisites: apt-get did not finish cleanly');
  missing = missingRequirements();
}
if (missing.length) {
  fail(
    missing.map(
      ({ requirement, problem, groups }) =>
        `prerequisites: ${requirement.name} is missing (${problem}); ${requirement.why}. ` +
        `Install: apt-get install ${requirement.debianPackages.join(' ')} — or opt out: TEST_SKIP=${groups.join(',')}`,
    ),
  );
}

// 2. PostgreSQL: one line instead of a failure in every database test.
if (TEST_DIALECTS.includes('postgres')) {
  const url = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    fail([
      `PostgreSQL is not reachable at ${url} (${reason}): start it, or run the SQLite half only with TEST_DIALECTS=sqlite npm test`,
    ]);
  } finally {
    await client.end().catch(() => {});
  }
}

if (process.argv.includes('--prerequisites-only')) {
  console.log('prerequisites: everything the tests need is here');
  process.exit(0);
}

// 3. The stages, in order; the first that fails stops the run.
interface Stage {
  name: string;
  script: string;
  /** Why it does not run, when it does not. */
  skipped?: string;
}
const stages: Stage[] = [
  { name: 'typecheck', script: 'typecheck' },
  { name: 'lint', script: 'lint' },
  { name: 'unit and integration', script: 'test:unit' },
  {
    name: 'scale-out',
    script: 'test:scale-out',
    skipped: TEST_DIALECTS.includes('postgres') ? undefined : 'needs PostgreSQL (TEST_DIALECTS)',
  },
  { name: 'browser', script: 'test:e2e', skipped: optedOut.has('browser') ? 'TEST_SKIP=browser' : undefined },
];

const counts = { pass: 0, fail: 0, skipped: 0 };
const timings: string[] = [];

/** Runs `npm run script`, passing its output through and adding up node's test counts. */
function runStage(script: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // node --test's closing lines: "ℹ pass 12" (spec) or "# pass 12" (tap).
        const found = line.match(/^(?:ℹ|#) (pass|fail|skipped) (\d+)$/);
        if (found) counts[found[1] as keyof typeof counts] += Number(found[2]);
      }
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let failedStage: string | undefined;
for (const stage of stages) {
  if (stage.skipped) {
    timings.push(`${stage.name} skipped (${stage.skipped})`);
    continue;
  }
  const stageStarted = Date.now();
  const code = await runStage(stage.script);
  timings.push(`${stage.name} ${seconds(Date.now() - stageStarted)}`);
  if (code !== 0) {
    failedStage = stage.name;
    break;
  }
}

console.log('');
console.log(`npm test: ${timings.join(', ')}; wall time ${seconds(Date.now() - started)}`);
console.log(
  optedOut.size || !TEST_DIALECTS.includes('postgres')
    ? `Not run: ${[...[...optedOut].map((g) => `${g} (TEST_SKIP)`), ...(TEST_DIALECTS.includes('postgres') ? [] : ['PostgreSQL (TEST_DIALECTS)'])].join(', ')}`
    : 'Not run: nothing (no TEST_SKIP, both databases)',
);
if (failedStage) console.log(`Failed at: ${failedStage}`);
console.log(`tests: ${counts.pass} passed, ${counts.fail} failed, ${counts.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
