// Administrators' view of the garbage collector: its runs and what each found and freed, the
// drafts it will remove next, and a button for a run or a dry run (queued on a maintenance worker).
import { z } from 'zod';
import { gcOverviewSchema, gcRunViewSchema, gcStartAnswerSchema, gcStartInputSchema } from '../../shared/gc.ts';
import type { Api } from '../http/contract.ts';
import { HttpError } from '../http/errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { GcService } from './service.ts';

const runParams = z.object({ id: z.uuid() });
const tags = ['Storage clean-up'];
const ADMINS = ['admin'] as const;

export function registerGcRoutes(app: Api, deps: { gc: GcService; queue: JobQueue; schedule: string }): void {
  const { gc, queue } = deps;

  app.get(
    '/api/admin/gc',
    { config: { access: ADMINS }, schema: { tags, response: { 200: gcOverviewSchema } } },
    async () => {
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
    },
  );

  app.get(
    '/api/admin/gc/runs/:id',
    {
      config: { access: ADMINS },
      schema: { tags, params: runParams, response: { 200: z.object({ run: gcRunViewSchema }) } },
    },
    async (request) => {
      const run = await gc.getRun(request.params.id);
      if (!run) throw new HttpError(404, 'not_found', 'No such run.');
      return { run };
    },
  );

  app.post(
    '/api/admin/gc/runs',
    { config: { access: ADMINS }, schema: { tags, body: gcStartInputSchema, response: { 202: gcStartAnswerSchema } } },
    async (request, reply) => {
      // One queued or running collection at a time: a second click is a no-op.
      const jobId = await queue.enqueue(
        'gc.collect',
        { dryRun: request.body.dryRun, trigger: 'manual' },
        { singletonKey: 'gc' },
      );
      return reply.code(202).send({ jobId, queued: jobId !== null });
    },
  );
}
