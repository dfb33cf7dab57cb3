// The collector alone in its own process for bench/gc.ts: a dry run (the scan), then a real run.
// Sends its timings and peak RSS to the parent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig, StorageConfig } from '../src/server/config.ts';
import { createDatabase } from '../src/server/db/database.ts';
import { createBlobDeletion } from '../src/server/blobs/deletion.ts';
import { createGcRepository } from '../src/server/gc/repository.ts';
import { DAY_MS, zeroGracePolicy } from '../src/server/gc/rules.ts';
import { createGcService } from '../src/server/gc/service.ts';
import { createBlobStore } from '../src/server/storage/index.ts';
import type { S3Options } from '../src/server/storage/s3.ts';
import { createS3UploadStore } from '../src/server/uploads/scale-out.ts';
import { createFileUploadStore } from '../src/server/uploads/store.ts';
import { round } from './_stats.ts';

const setup = JSON.parse(process.env.BENCH_GC_SETUP ?? '') as { database: DatabaseConfig; storage: StorageConfig };
const db = createDatabase(setup.database);
const work = mkdtempSync(path.join(tmpdir(), 'lectern-bench-gc-work-'));
const blobStore = await createBlobStore(setup.storage);
const gc = createGcService({
  repo: createGcRepository(db, setup.database.dialect),
  blobStore,
  blobs: createBlobDeletion({ db, blobStore }),
  uploads:
    setup.storage.driver === 's3'
      ? createS3UploadStore(setup.storage as S3Options, db)
      : createFileUploadStore(path.join(work, 'uploads')),
  // No job exists in the benchmark's database.
  cancelAssetWork: async () => {},
  policy: zeroGracePolicy(),
  tempRoot: work,
  unfinishedUploadMaxAgeMs: 7 * DAY_MS,
});

// For scale: the bare storage listing alone (no database), what the storage itself costs.
const listStarted = performance.now();
let listed = 0;
for await (const _ of blobStore.list()) listed++;
const listSeconds = (performance.now() - listStarted) / 1000;

// Where the memory goes: the V8 heap (live and garbage) against memory outside it.
const peaks = { heapTotal: 0, heapUsed: 0, external: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peaks.heapTotal = Math.max(peaks.heapTotal, m.heapTotal);
  peaks.heapUsed = Math.max(peaks.heapUsed, m.heapUsed);
  peaks.external = Math.max(peaks.external, m.external);
}, 50);

const dry = await gc.run({ dryRun: true, trigger: 'cli' });
globalThis.gc?.();
const heapAfterScan = process.memoryUsage().heapUsed;
const real = await gc.run({ dryRun: false, trigger: 'cli' });
if (dry.status !== 'completed' || real.status !== 'completed') throw new Error(`runs: ${dry.status}, ${real.status}`);
clearInterval(sampler);
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
process.send?.({
  list_s: round(listSeconds, 2),
  listed,
  peak_heap_total_mb: mb(peaks.heapTotal),
  peak_heap_used_mb: mb(peaks.heapUsed),
  peak_external_mb: mb(peaks.external),
  scan_s: round(dry.report.durationMs / 1000, 2),
  collect_s: round(real.report.durationMs / 1000, 2),
  max_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
  heap_mb_after_scan: round(heapAfterScan / 1024 / 1024, 1),
  dry: { assets: dry.report.classes.assets.items, blobs: dry.report.classes.blobs.items },
  real: {
    assets: real.report.classes.assets.items,
    blobs: real.report.classes.blobs.items,
    errors: real.report.errorCount,
  },
});
await db.destroy();
rmSync(work, { recursive: true, force: true });
process.exit(0);
