// A local S3-compatible server (s3rver) on 127.0.0.1 for tests and benchmarks.
// s3rver makes listing continuation tokens with DES: run under --openssl-legacy-provider.
import { fork } from 'node:child_process';
import path from 'node:path';
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
  const child = fork(path.join(import.meta.dirname, 's3-server.ts'), [LOCAL_S3_BUCKET], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the local S3 server exited (${code}) before listening`)));
  });
  // The test process may end without stopping it: the server then stops on the IPC disconnect.
  child.unref();
  child.channel?.unref();
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
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Unreferenced above: without this, a caller with nothing else pending would end (an
      // "unsettled top-level await") before the exit arrives.
      child.ref();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
