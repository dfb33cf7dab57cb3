// How roles and statuses are named on screen.
import type { Role } from '../shared/accounts.ts';
import type { AssetKind, AssetView } from '../shared/assets.ts';
import type { JobDriver, JobState } from './jobs-api.ts';

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  author: 'Author',
  learner: 'Learner',
};

/** Column headings of the job counts, in the order they are shown. */
export const JOB_STATE_LABELS: Record<JobState, string> = {
  created: 'Queued',
  retry: 'Retrying',
  active: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const JOB_DRIVER_LABELS: Record<JobDriver, string> = {
  embedded: 'Embedded queue',
  'pg-boss': 'PostgreSQL (pg-boss)',
};

export const ASSET_KIND_LABELS: Record<AssetKind, string> = {
  video: 'Video',
  audio: 'Audio',
  image: 'Image',
  pdf: 'PDF',
  office: 'Office document',
  flash: 'Flash',
  captions: 'Captions',
  other: 'Other',
};

/** The state of a file on the server, in a word or two (e.g. "Processing 42%"). */
export function assetStateLabel(asset: Pick<AssetView, 'state' | 'progress'>): string {
  switch (asset.state) {
    case 'uploading':
      return 'Uploading';
    case 'processing':
      return asset.progress === null ? 'Processing' : `Processing ${Math.round(asset.progress)}%`;
    case 'ready':
      return 'Ready';
    case 'failed':
      return 'Failed';
    case 'missing':
      return 'Missing';
  }
}
