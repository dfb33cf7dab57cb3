// Administrators' view of the background jobs: counts, failures, retry, and a worker probe.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, parseInput } from '../http/errors.ts';
import type { JobInfo, JobQueue } from './queue.ts';

const jobIdParams = z.object({ id: z.string().min(1).max(64) });

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

export function registerJobRoutes(app: FastifyInstance, deps: { queue: JobQueue }): void {
  const { queue } = deps;

  app.get('/api/admin/jobs', { config: { access: ['admin'] } }, async () => {
    const [queues, failed] = await Promise.all([queue.counts(), queue.listFailed(50)]);
    return { driver: queue.driver, queues, failed: failed.map(presentJob) };
  });

  app.post('/api/admin/jobs/:id/retry', { config: { access: ['admin'] } }, async (request) => {
    const { id } = parseInput(jobIdParams, request.params);
    if (!(await queue.retry(id))) {
      throw new HttpError(409, 'not_retryable', 'Only a failed or cancelled job can be retried.');
    }
    return { retried: true };
  });

  app.post('/api/admin/jobs/probe', { config: { access: ['admin'] } }, async (_request, reply) => {
    const probeId = randomUUID();
    const jobId = await queue.enqueue('system.probe', { probeId }, { attempts: 1, timeoutMs: 60_000 });
    return reply.code(202).send({ jobId, probeId });
  });
}
