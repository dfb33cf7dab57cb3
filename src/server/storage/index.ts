// Chooses the blob store driver from configuration.
import type { StorageConfig } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { createDiskBlobStore } from './disk.ts';
import { createS3BlobStore } from './s3.ts';

export function createBlobStore(config: StorageConfig): BlobStore {
  if (config.driver === 'disk') return createDiskBlobStore(config.root);
  return createS3BlobStore(config);
}
