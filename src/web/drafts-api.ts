// The course draft endpoints (the wizard's server-side state), and the review and publish calls.
// What each call answers is the route's response schema (src/shared), not restated here.
import type { z } from 'zod';
import type { PublishResult, publishInputSchema } from '../shared/courses.ts';
import type { DraftUpdate, draftResponseSchema, draftsResponseSchema, WizardStep } from '../shared/drafts.ts';
import type { ReviewProblem, reviewResponseSchema } from '../shared/review.ts';
import { request } from './api.ts';

export type { ReviewProblem };

type DraftAnswer = z.infer<typeof draftResponseSchema>;

const base = (id: string) => `/api/drafts/${encodeURIComponent(id)}`;

export const draftsApi = {
  create: () => request<DraftAnswer>('POST', '/api/drafts'),
  list: () => request<z.infer<typeof draftsResponseSchema>>('GET', '/api/drafts'),
  get: (id: string) => request<DraftAnswer>('GET', base(id)),
  review: (id: string) => request<z.infer<typeof reviewResponseSchema>>('GET', `${base(id)}/review`),
  /** 409 `conflict` (with the server's `current` draft) when `revision` is stale. */
  save: (id: string, update: DraftUpdate) => request<DraftAnswer>('PATCH', base(id), update),
  /** Cancels the draft: the server purges every file only it uploaded. */
  discard: (id: string) => request<void>('DELETE', base(id)),
  /** 422 `not_publishable` while the review has errors; 409 `conflict` when the draft is past `revision`. */
  publish: (id: string, revision: number) =>
    request<PublishResult>('POST', `${base(id)}/publish`, { revision } satisfies z.input<typeof publishInputSchema>),
};

/** The address of a wizard step. */
export function stepPath(draftId: string, step: WizardStep): string {
  return `/drafts/${encodeURIComponent(draftId)}/${step}`;
}
