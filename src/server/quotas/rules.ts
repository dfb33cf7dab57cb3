// Per-user upload quotas, as a pure rule: may this user start an upload of this size now?
import { formatBytes } from '../../shared/format-bytes.ts';
import type { StorageLimits, StorageUsage } from '../../shared/quotas.ts';

export interface QuotaRefusal {
  status: 413 | 429;
  code: 'too_many_uploads' | 'quota_exceeded';
  message: string;
}

/**
 * Whether a new upload of `size` bytes fits: one more open upload, its size reserved with the other
 * open uploads', and stored files plus every reservation under the storage limit. Null when it fits.
 */
export function refuseUpload(usage: StorageUsage, size: number, limits: StorageLimits): QuotaRefusal | null {
  if (usage.openUploads + 1 > limits.openUploads) {
    return {
      status: 429,
      code: 'too_many_uploads',
      message: `You have ${usage.openUploads} uploads in progress; the limit is ${limits.openUploads} at once. Let one finish (or cancel one), then try again.`,
    };
  }
  if (usage.reservedBytes + size > limits.reservedBytes) {
    return {
      status: 413,
      code: 'quota_exceeded',
      message: `This file (${formatBytes(size)}) and your uploads in progress (${formatBytes(usage.reservedBytes)}) would pass the limit of ${formatBytes(limits.reservedBytes)} uploading at once. Let some finish, then try again.`,
    };
  }
  const taken = usage.storedBytes + usage.reservedBytes;
  if (taken + size > limits.storedBytes) {
    return {
      status: 413,
      code: 'quota_exceeded',
      message: `This file (${formatBytes(size)}) would pass your storage limit of ${formatBytes(limits.storedBytes)}: your files${usage.reservedBytes > 0 ? ' and uploads in progress' : ''} take ${formatBytes(taken)}. Delete files you no longer need, then try again.`,
    };
  }
  return null;
}
