// The administrators' garbage-collector endpoints and what they answer.
import type { GcReport, GcRunView } from '../shared/gc.ts';
import { request } from './api.ts';

export interface GcOverview {
  runs: GcRunView[];
  upcomingDrafts: GcReport['drafts'];
  settings: { schedule: string; graceHours: number; draftMaxAgeDays: number };
}

export const gcApi = {
  overview: () => request<GcOverview>('GET', '/api/admin/gc'),
  /** Queues a run on a maintenance worker; `queued` is false when one is already queued or running. */
  start: (dryRun: boolean) =>
    request<{ jobId: string | null; queued: boolean }>('POST', '/api/admin/gc/runs', { dryRun }),
};
