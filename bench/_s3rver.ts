// A local S3 (s3rver) in a process of its own for bench/gc.ts; sends its client options, stops on SIGTERM.
import { startLocalS3 } from '../src/server/testing/s3.ts';

const s3 = await startLocalS3();
process.send?.(s3.options());
process.on('SIGTERM', () => {
  void s3.stop().then(() => process.exit(0));
});
