// Chooses the blob store driver from configuration.
import type { StorageConfig } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { createDiskBlobStore } from './disk.ts';

/** The S3 driver (and the AWS SDK) loads only when configured. */
export async function createBlobStore(config: StorageConfig): Promise<BlobStore> {
  if (config.driver === 'disk') return createDiskBlobStore(config.root);
  const { createS3BlobStore } = await import('./s3.ts');
  return createS3BlobStore(config);
}
