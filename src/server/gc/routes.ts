// Administrators' view of the garbage collector: its runs and what each found and freed, the
// drafts it will remove next, and a button for a run or a dry run (queued on a maintenance worker).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, parseInput } from '../http/errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { GcService } from './service.ts';

const runInput = z.object({ dryRun: z.boolean() });
const runParams = z.object({ id: z.uuid() });

export function registerGcRoutes(
  app: FastifyInstance,
  deps: { gc: GcService; queue: JobQueue; schedule: string },
): void {
  const { gc, queue } = deps;

  app.get('/api/admin/gc', { config: { access: ['admin'] } }, async () => {
    const [runs, upcomingDrafts] = await Promise.all([gc.listRuns(50), gc.upcomingDraftRemovals(50)]);
    const g = gc.policy.graceMs;
    return {
      runs,
      upcomingDrafts,
      settings: {
        schedule: deps.schedule,
        graceHours: g.assets / 3_600_000,
        draftMaxAgeDays: gc.policy.draftMaxAgeMs / 86_400_000,
      },
    };
  });

  app.get('/api/admin/gc/runs/:id', { config: { access: ['admin'] } }, async (request) => {
    const { id } = parseInput(runParams, request.params);
    const run = await gc.getRun(id);
    if (!run) throw new HttpError(404, 'not_found', 'No such run.');
    return { run };
  });

  app.post('/api/admin/gc/runs', { config: { access: ['admin'] } }, async (request, reply) => {
    const { dryRun } = parseInput(runInput, request.body);
    // One queued or running collection at a time: a second click is a no-op.
    const jobId = await queue.enqueue('gc.collect', { dryRun, trigger: 'manual' }, { singletonKey: 'gc' });
    return reply.code(202).send({ jobId, queued: jobId !== null });
  });
}
