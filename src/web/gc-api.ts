// The administrators' garbage-collector endpoints; what they answer is declared in src/shared/gc.ts.
import type { GcOverview, gcStartAnswerSchema, gcStartInputSchema } from '../shared/gc.ts';
import type { z } from 'zod';
import { request } from './api.ts';

export type { GcOverview };

export const gcApi = {
  overview: () => request<GcOverview>('GET', '/api/admin/gc'),
  /** Queues a run on a maintenance worker; `queued` is false when one is already queued or running. */
  start: (dryRun: boolean) => request<z.infer<typeof gcStartAnswerSchema>>('POST', '/api/admin/gc/runs', {
      dryRun,
    } satisfies z.input<typeof gcStartInputSchema>),
};
