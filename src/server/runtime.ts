// Builds the parts chosen once from configuration — database, blob store, job queue, event bus —
// and the job registry. main.ts (web + workers) and worker.ts (workers only) share it.
import { tmpdir } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { createAssetsRepository } from './assets/repository.ts';
import { type AssetsService, createAssetsService } from './assets/service.ts';
import { purgeExpiredSessionsHandler } from './auth/jobs.ts';
import { createCoursesRepository } from './courses/repository.ts';
import type { Config } from './config.ts';
import { createDatabase, type Database } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createMemoryEventBus, type EventBus } from './events/bus.ts';
import { createPostgresEventBus } from './events/postgres.ts';
import { createEmbeddedJobQueue } from './jobs/embedded.ts';
import { probeHandler } from './jobs/probe.ts';
import type { JobEvent, JobQueue } from './jobs/queue.ts';
import { createJobRegistry, handle, type JobRegistry } from './jobs/registry.ts';
import { createQuotasRepository } from './quotas/repository.ts';
import { createQuotasService } from './quotas/service.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { createBlobStore } from './storage/index.ts';
import { checkBlobStore, prepareBlobStore, type StorageState } from './storage/prepare.ts';
import { createGcRepository } from './gc/repository.ts';
import { DAY_MS, defaultPolicy } from './gc/rules.ts';
import { createGcService, type GcService } from './gc/service.ts';
import { createFileUploadStore, type UploadStore } from './uploads/store.ts';

export interface Runtime {
  db: Database;
  blobStore: BlobStore;
  storageState: StorageState;
  bus: EventBus;
  queue: JobQueue;
  registry: JobRegistry;
  uploads: UploadStore;
  assets: AssetsService;
  gc: GcService;
  close(): Promise<void>;
}

export async function createRuntime(config: Config, logger: FastifyBaseLogger): Promise<Runtime> {
  const db = createDatabase(config.database);
  await migrateToLatest(db);
  const blobStore = await createBlobStore(config.storage);
  const storageState = await prepareBlobStore(db, blobStore);
  if (!storageState.ok) logger.error(storageState.reason);

  const bus =
    config.database.dialect === 'postgres'
      ? await createPostgresEventBus({
          connectionString: config.database.connectionString,
          onError: (err) => logger.warn({ err }, 'event bus connection problem'),
        })
      : createMemoryEventBus();
  // Job state changes go to administrators' live views on every web node.
  const onEvent = (data: JobEvent) => {
    bus.publish({ type: 'job', audience: { roles: ['admin'] }, data }).catch((err) => {
      logger.warn({ err }, 'could not publish a job event');
    });
  };
  const queue =
    config.database.dialect === 'postgres'
      ? await (await import('./jobs/pgboss.ts')).createPgBossJobQueue({
          connectionString: config.database.connectionString,
          db,
          onEvent,
          onError: (err) => logger.warn({ err }, 'job queue problem'),
        })
      : createEmbeddedJobQueue({ db, onEvent, onError: (err) => logger.warn({ err }, 'job queue problem') });

  // Scale-out drivers load only when configured: less code in the heap of an embedded install.
  const uploads =
    config.storage.driver === 's3' ? await scaleOutUploads(config, db) : createFileUploadStore(config.uploadsDir);
  const courseRows = createCoursesRepository(db);
  const assets = createAssetsService({
    db,
    assets: createAssetsRepository(db),
    blobStore,
    uploads,
    queue,
    limits: config.uploadLimits,
    quota: createQuotasService({ quotas: createQuotasRepository(db), limits: config.quotas }),
    video: config.video,
    readableThroughCourses: async (userId, assetId) =>
      (await courseRows.enrolledVersionUses(userId, assetId)) || (await courseRows.ownedCourseUses(userId, assetId)),
    publish: (ownerId, asset) => {
      bus.publish({ type: 'asset', audience: { userIds: [ownerId] }, data: asset }).catch((err) => {
        logger.warn({ err }, 'could not publish an asset event');
      });
    },
  });

  const gc = createGcService({
    repo: createGcRepository(db, config.database.dialect),
    blobStore,
    uploads,
    cancelAssetWork: async (assetId) => {
      for (const job of ['assets.ingest', 'assets.process', 'assets.process-media'] as const) await queue.cancelByKey(job, assetId);
    },
    policy: defaultPolicy({ graceHours: config.gc.graceHours, draftMaxAgeDays: config.gc.draftMaxAgeDays }),
    tempRoot: tmpdir(),
    unfinishedUploadMaxAgeMs: config.gc.uploadMaxAgeDays * DAY_MS,
  });

  // Every job in the catalog gets exactly one handler here; a gap or a double stops the start.
  const registry = createJobRegistry([
    probeHandler(db),
    handle('assets.ingest', ({ assetId }, ctx) => assets.ingest(assetId, ctx)),
    handle('assets.process', ({ assetId }, ctx) => assets.process(assetId, ctx)),
    handle('assets.process-media', ({ assetId }, ctx) => assets.process(assetId, ctx)),
    purgeExpiredSessionsHandler(db, { idleMs: config.session.idleMs, lockMs: config.loginThrottle.lockMs }),
    handle('gc.collect', async ({ dryRun, trigger }) => {
      const result = await gc.run({ dryRun, trigger });
      if (result.status === 'refused' || result.status === 'failed') logger.error({ gc: result.id }, `garbage collection ${result.status}`);
    }),
  ]);

  return {
    db,
    blobStore,
    storageState,
    bus,
    queue,
    registry,
    uploads,
    assets,
    gc,
    async close() {
      await queue.stop(10_000);
      await uploads.close?.();
      await bus.close();
      await db.destroy();
    },
  };
}

async function scaleOutUploads(config: Config, db: Database): Promise<UploadStore> {
  const { createPostgresLocker, createS3UploadStore } = await import('./uploads/scale-out.ts');
  const locker =
    config.database.dialect === 'postgres' ? await createPostgresLocker(config.database.connectionString) : undefined;
  return createS3UploadStore(config.storage as Parameters<typeof createS3UploadStore>[0], db, locker);
}

/** What buildApp needs from the runtime. */
export function appDependencies(config: Config, logger: FastifyBaseLogger, runtime: Runtime) {
  return {
    config,
    db: runtime.db,
    logger,
    bus: runtime.bus,
    queue: runtime.queue,
    storageState: () => checkBlobStore(runtime.blobStore),
    files: { assets: runtime.assets, uploads: runtime.uploads, blobStore: runtime.blobStore },
    gc: runtime.gc,
  };
}

/** The schedules every installation runs; registering them again is harmless. */
export async function registerSchedules(queue: JobQueue, gcCron = '23 * * * *'): Promise<void> {
  await queue.schedule('auth.purge-expired-sessions', '17 * * * *', {});
  await queue.schedule('gc.collect', gcCron, { dryRun: false, trigger: 'schedule' });
}
