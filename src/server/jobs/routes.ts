// Administrators' view of the background jobs: counts, failures, retry, and a worker probe.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { jobRetryAnswerSchema, jobsOverviewSchema, probeAnswerSchema } from '../../shared/jobs.ts';
import type { Api } from '../http/contract.ts';
import { HttpError } from '../http/errors.ts';
import type { JobInfo, JobQueue } from './queue.ts';

const jobIdParams = z.object({ id: z.string().min(1).max(64) });
const tags = ['Jobs'];
const ADMINS = ['admin'] as const;

function presentJob(job: JobInfo) {
  return {
    id: job.id,
    name: job.name,
    state: job.state,
    attempt: job.attempt,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export function registerJobRoutes(app: Api, deps: { queue: JobQueue }): void {
  const { queue } = deps;

  app.get(
    '/api/admin/jobs',
    { config: { access: ADMINS }, schema: { tags, response: { 200: jobsOverviewSchema } } },
    async () => {
      const [queues, failed] = await Promise.all([queue.counts(), queue.listFailed(50)]);
      return { driver: queue.driver, queues, failed: failed.map(presentJob) };
    },
  );

  app.post(
    '/api/admin/jobs/:id/retry',
    {
      config: { access: ADMINS },
      schema: { tags, params: jobIdParams, response: { 200: jobRetryAnswerSchema } },
    },
    async (request) => {
      if (!(await queue.retry(request.params.id))) {
        throw new HttpError(409, 'not_retryable', 'Only a failed or cancelled job can be retried.');
      }
      return { retried: true as const };
    },
  );

  app.post(
    '/api/admin/jobs/probe',
    { config: { access: ADMINS }, schema: { tags, response: { 202: probeAnswerSchema } } },
    async (_request, reply) => {
      const probeId = randomUUID();
      const jobId = await queue.enqueue('system.probe', { probeId }, { attempts: 1, timeoutMs: 60_000 });
      // Only a singleton key makes enqueue answer null, and the probe has none.
      if (!jobId) throw new Error('the probe job was not queued');
      return reply.code(202).send({ jobId, probeId });
    },
  );
}
