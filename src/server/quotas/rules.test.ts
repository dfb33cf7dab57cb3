import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_USAGE } from '../../shared/quotas.ts';
import { refuseUpload } from './rules.ts';

const MiB = 1024 * 1024;
const limits = { openUploads: 2, reservedBytes: 10 * MiB, storedBytes: 20 * MiB };

describe('refuseUpload', () => {
  it('lets an upload in while every quota holds, up to each limit exactly', () => {
    assert.equal(refuseUpload(EMPTY_USAGE, 10 * MiB, limits), null);
    assert.equal(
      refuseUpload({ ...EMPTY_USAGE, openUploads: 1, reservedBytes: 4 * MiB, storedBytes: 10 * MiB }, 6 * MiB, limits),
      null,
    );
  });

  it('refuses one upload too many with 429, before looking at sizes', () => {
    const refusal = refuseUpload({ ...EMPTY_USAGE, openUploads: 2, reservedBytes: 30 * MiB }, 1, limits);
    assert.equal(refusal?.status, 429);
    assert.equal(refusal?.code, 'too_many_uploads');
    assert.match(refusal?.message ?? '', /the limit is 2 at once/);
  });

  it('refuses with 413 what would pass the reservation or the storage limit, naming it', () => {
    const reserved = refuseUpload({ ...EMPTY_USAGE, openUploads: 1, reservedBytes: 6 * MiB }, 5 * MiB, limits);
    assert.equal(reserved?.status, 413);
    assert.match(reserved?.message ?? '', /limit of 10 MB uploading at once/);
    const stored = refuseUpload(
      { ...EMPTY_USAGE, storedBytes: 15 * MiB, openUploads: 1, reservedBytes: 1 },
      5 * MiB,
      limits,
    );
    assert.equal(stored?.code, 'quota_exceeded');
    assert.match(stored?.message ?? '', /storage limit of 20 MB: your files and uploads in progress take 15 MB/);
  });
});
