// Live events pushed to browsers over server-sent events (GET /api/events).
import type { Role } from './accounts.ts';
import type { AssetView } from './assets.ts';

export interface JobEventData {
  jobId: string;
  name: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'failed' | 'cancelled';
  progress?: number;
  error?: string;
}

/** Who may receive an event: any listed role, or any listed user. */
export interface Audience {
  roles?: Role[];
  userIds?: string[];
}

export type LiveEvent =
  | { type: 'job'; audience: Audience; data: JobEventData }
  | { type: 'asset'; audience: Audience; data: AssetView }
  /** A certificate became downloadable (its holder's My certificates and course page update). */
  | { type: 'certificate'; audience: Audience; data: { certificateId: string; courseId: string } };
