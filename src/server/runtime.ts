// Builds the parts chosen once from configuration — database, blob store, job queue, event bus —
// and the job registry. main.ts (web + workers) and worker.ts (workers only) share it.
import type { FastifyBaseLogger } from 'fastify';
import type { AppDependencies } from './app.ts';
import type { Config } from './config.ts';
import { createDatabase, type Database } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createMemoryEventBus, type EventBus } from './events/bus.ts';
import { createPostgresEventBus } from './events/postgres.ts';
import { createEmbeddedJobQueue } from './jobs/embedded.ts';
import { probeHandler } from './jobs/probe.ts';
import type { JobEvent, JobQueue } from './jobs/queue.ts';
import { createJobRegistry, handle, type JobRegistry } from './jobs/registry.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { createBlobStore } from './storage/index.ts';
import { checkBlobStore, prepareBlobStore, type StorageState } from './storage/prepare.ts';
import { createServices, type Services } from './services.ts';
import { createFileUploadStore, type UploadStore } from './uploads/store.ts';

export interface Runtime {
  db: Database;
  blobStore: BlobStore;
  storageState: StorageState;
  bus: EventBus;
  queue: JobQueue;
  registry: JobRegistry;
  uploads: UploadStore;
  services: Services;
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
  const services = createServices({ config, db, blobStore, uploads, queue, bus, logger });
  const { assets, attempts, auth, certificates, gc, learning } = services;

  // Every job in the catalog gets exactly one handler here; a gap or a double stops the start.
  const registry = createJobRegistry([
    probeHandler(db),
    handle('assets.ingest', ({ assetId }, ctx) => assets.ingest(assetId, ctx)),
    handle('assets.process', ({ assetId }, ctx) => assets.process(assetId, ctx)),
    handle('assets.process-media', ({ assetId }, ctx) => assets.process(assetId, ctx)),
    handle('auth.purge-expired-sessions', () => auth.purgeExpired()),
    handle('attempts.submit-overdue', ({ attemptId }) => attempts.submitOverdue(attemptId)),
    handle('learning.course-completed', async (completion) => {
      await learning.confirmCompletion(completion);
      await queue.enqueue('certificates.issue', completion, { singletonKey: `${completion.userId}:${completion.courseId}:${completion.version}` });
      logger.info(completion, 'course completed');
    }),
    handle('certificates.issue', async (completion) => {
      const certificate = await certificates.issue(completion);
      logger.info({ certificate: certificate.id, ...completion }, 'certificate issued');
    }),
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
    services,
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
export function appDependencies(config: Config, logger: FastifyBaseLogger, runtime: Runtime): AppDependencies {
  return {
    config,
    db: runtime.db,
    logger,
    storageState: () => checkBlobStore(runtime.blobStore),
    services: runtime.services,
  };
}

/** The schedules every installation runs; registering them again is harmless. */
export async function registerSchedules(queue: JobQueue, gcCron = '23 * * * *'): Promise<void> {
  await queue.schedule('auth.purge-expired-sessions', '17 * * * *', {});
  await queue.schedule('gc.collect', gcCron, { dryRun: false, trigger: 'schedule' });
}
