// A local S3-compatible server (s3rver) on 127.0.0.1 for tests and benchmarks.
// s3rver makes listing continuation tokens with DES: run under --openssl-legacy-provider.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import type { S3Options } from '../storage/s3.ts';

export interface LocalS3 {
  endpoint: string;
  options(prefix?: string): S3Options;
  /** STORAGE_URL and friends, for a server process. */
  env(prefix?: string): Record<string, string>;
  stop(): Promise<void>;
}

export const LOCAL_S3_BUCKET = 'lectern-test';

export async function startLocalS3(): Promise<LocalS3> {
  const directory = mkdtempSync(path.join(tmpdir(), 'lectern-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: LOCAL_S3_BUCKET }],
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    options: (prefix = '') => ({
      bucket: LOCAL_S3_BUCKET,
      prefix,
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    }),
    env: (prefix = 'blobs') => ({
      STORAGE_URL: `s3://${LOCAL_S3_BUCKET}/${prefix}`,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    }),
    async stop() {
      await server.close();
      // A request a client gave up on may still be writing its body (s3rver finishes it after close):
      // the folder goes when the process ends, so such a late write never fails on a missing folder.
      process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
    },
  };
}
