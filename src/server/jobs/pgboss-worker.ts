// Runs pg-boss jobs in this process: one fetch loop for all the job names served, and at most
// `concurrency` handlers at once in total, not per name, so a process's load is a single number.
// Every settle is fenced to the claim the job was fetched under ({ id, retryCount }): a job that was
// cancelled, expired or claimed by another worker meanwhile is left as it is.
import type { CommandResponse, JobWithMetadata, PgBoss } from 'pg-boss';
import { type JobName, parsePayload } from './catalog.ts';
import type { JobSql } from './pgboss-sql.ts';
import type { JobEventSink } from './queue.ts';
import type { JobRegistry } from './registry.ts';

/** How often running jobs are checked for a cancel decided in another process. */
const CLAIM_CHECK_MS = 500;

export interface WorkerPoolDeps {
  boss: PgBoss;
  jobs: JobSql;
  emit: JobEventSink;
  onError: (err: unknown) => void;
  pollMs: number;
}

export interface WorkerPool {
  /** Fetches now rather than at the next poll. */
  wake(): void;
  /** The job was cancelled: aborts its handler if it runs here, and leaves the job as it is. */
  cancelled(jobId: string): void;
  stop(graceMs: number): Promise<void>;
}

interface Attempt {
  job: JobWithMetadata<unknown>;
  name: JobName;
  controller: AbortController;
  /** Its outcome is written, or no longer ours to write (cancelled, taken over, handed back). */
  decided: boolean;
  finished: Promise<void>;
}

type Outcome = { ok: true } | { ok: false; error: unknown };

// pg-boss's types declare CommandResponse empty; at run time it carries the number of jobs changed.
const affected = (response: CommandResponse) => ((response as { affected?: number }).affected ?? 0) > 0;

export function startWorkerPool(
  deps: WorkerPoolDeps,
  registry: JobRegistry,
  names: readonly JobName[],
  concurrency: number,
): WorkerPool {
  const { boss, jobs, emit, onError, pollMs } = deps;
  const running = new Map<string, Attempt>();
  let stopping = false;
  let wakeLoop: (() => void) | null = null;

  // Names whose last fetch came back empty are not asked again until the next poll or an
  // enqueue in this process: otherwise every freed slot costs a round-trip per idle name.
  const idle = new Set<JobName>();

  /** Resolves true when the poll interval elapsed, false when woken early. */
  function pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (elapsed: boolean) => {
        clearTimeout(timer);
        wakeLoop = null;
        resolve(elapsed);
      };
      const timer = setTimeout(() => done(true), ms);
      wakeLoop = () => done(false);
    });
  }

  async function fetchLoop(): Promise<void> {
    let first = 0;
    while (!stopping) {
      let fetched = 0;
      for (let i = 0; i < names.length && running.size < concurrency && !stopping; i++) {
        const name = names[(first + i) % names.length] as JobName;
        if (idle.has(name)) continue;
        try {
          const batch = await boss.fetch<unknown>(name, {
            batchSize: concurrency - running.size,
            includeMetadata: true,
          });
          for (const job of batch) start(name, job);
          fetched += batch.length;
          if (batch.length === 0) idle.add(name);
        } catch (err) {
          onError(err);
        }
      }
      // The next round asks another name first, so one busy name cannot starve the rest.
      first = (first + 1) % names.length;
      if (fetched === 0 || running.size >= concurrency) {
        if (await pause(pollMs)) idle.clear();
      }
    }
  }

  function start(name: JobName, job: JobWithMetadata<unknown>): void {
    const attempt: Attempt = {
      job,
      name,
      controller: new AbortController(),
      decided: false,
      finished: Promise.resolve(),
    };
    running.set(job.id, attempt);
    attempt.finished = execute(attempt).finally(() => {
      running.delete(job.id);
      wakeLoop?.();
    });
  }

  async function execute(attempt: Attempt): Promise<void> {
    const { job, name, controller } = attempt;
    emit({ jobId: job.id, name, state: 'active' });
    // The job's expiration is its timeout: pg-boss expires it after as long if this process dies.
    const timeoutMs = job.expireInSeconds * 1000;
    const timer = setTimeout(() => controller.abort(new Error(`Timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      const payload = parsePayload(name, job.data);
      const handler = registry.handlerFor(name);
      // Settled by the handler or by the abort, whichever comes first: a handler that ignores its
      // signal does not hold its slot, nor decide the attempt's outcome, past the abort.
      await new Promise<void>((resolve, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
        handler(payload, {
          jobId: job.id,
          attempt: job.retryCount + 1,
          signal: controller.signal,
          progress: async (percent) => {
            emit({ jobId: job.id, name, state: 'active', progress: Math.max(0, Math.min(100, Math.round(percent))) });
          },
        }).then(resolve, reject);
      });
      await settle(attempt, { ok: true });
    } catch (error) {
      await settle(attempt, { ok: false, error });
    } finally {
      clearTimeout(timer);
    }
  }

  async function settle(attempt: Attempt, outcome: Outcome): Promise<void> {
    if (attempt.decided) return;
    attempt.decided = true;
    const { job, name } = attempt;
    const claim = { id: job.id, retryCount: job.retryCount };
    try {
      if (outcome.ok) {
        if (affected(await boss.complete(name, claim))) emit({ jobId: job.id, name, state: 'completed' });
        return;
      }
      const error = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
      if (affected(await boss.fail(name, claim, { message: error.message, stack: error.stack }))) {
        // pg-boss retries while retry_count < retry_limit.
        const state = job.retryCount < job.retryLimit ? 'retry' : 'failed';
        emit({ jobId: job.id, name, state, error: error.message });
      }
    } catch (err) {
      // The job stays active and runs again once pg-boss expires it.
      onError(err);
    }
  }

  /** The job is no longer ours (cancelled, taken over, or handed back): stop its handler. */
  function drop(attempt: Attempt, reason: string): void {
    if (attempt.decided) return;
    attempt.decided = true;
    attempt.controller.abort(new Error(reason));
  }

  async function checkClaims(): Promise<void> {
    const open = [...running.values()].filter((a) => !a.decided);
    if (open.length === 0) return;
    const claims = await jobs.claims(open.map((a) => a.job.id));
    for (const attempt of open) {
      const claim = claims.get(attempt.job.id);
      if (claim?.state === 'active' && claim.retryCount === attempt.job.retryCount) continue;
      drop(attempt, claim?.state === 'cancelled' ? 'The job was cancelled' : 'The job was taken from this worker');
    }
  }

  let checking: Promise<void> | null = null;
  const claimTimer = setInterval(() => {
    checking ??= checkClaims()
      .catch(onError)
      .finally(() => {
        checking = null;
      });
  }, CLAIM_CHECK_MS);
  claimTimer.unref();

  const loop = fetchLoop();

  return {
    wake: () => {
      idle.clear();
      wakeLoop?.();
    },

    cancelled(jobId) {
      const attempt = running.get(jobId);
      if (attempt) drop(attempt, 'The job was cancelled');
    },

    async stop(graceMs) {
      stopping = true;
      wakeLoop?.();
      await loop;
      clearInterval(claimTimer);
      await checking;
      const finished = () => Promise.allSettled([...running.values()].map((a) => a.finished));
      if (running.size > 0 && graceMs > 0) await within(graceMs, finished());
      // Jobs still running go back to the queue uncounted, for another process or the next start.
      const left = [...running.values()].filter((a) => !a.decided);
      for (const attempt of left) drop(attempt, 'The worker is shutting down');
      await Promise.all(left.map((a) => jobs.handBack(a.job.id, a.job.retryCount).catch(onError)));
      await finished();
    },
  };
}

async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([work, elapsed]);
  clearTimeout(timer);
}
