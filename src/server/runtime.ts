// Builds the parts chosen once from configuration — database, blob store, job queue, event bus —
// and the job registry. main.ts (web + workers) and worker.ts (workers only) share it.
import type { FastifyBaseLogger } from 'fastify';
import { purgeExpiredSessionsHandler } from './auth/jobs.ts';
import type { Config } from './config.ts';
import { createDatabase, type Database } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createMemoryEventBus, type EventBus } from './events/bus.ts';
import { createPostgresEventBus } from './events/postgres.ts';
import { createEmbeddedJobQueue } from './jobs/embedded.ts';
import { createPgBossJobQueue } from './jobs/pgboss.ts';
import { probeHandler } from './jobs/probe.ts';
import type { JobEvent, JobQueue } from './jobs/queue.ts';
import { createJobRegistry, type JobRegistry } from './jobs/registry.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { createBlobStore } from './storage/index.ts';
import { prepareBlobStore, type StorageState } from './storage/prepare.ts';

export interface Runtime {
  db: Database;
  blobStore: BlobStore;
  storageState: StorageState;
  bus: EventBus;
  queue: JobQueue;
  registry: JobRegistry;
  close(): Promise<void>;
}

export async function createRuntime(config: Config, logger: FastifyBaseLogger): Promise<Runtime> {
  const db = createDatabase(config.database);
  await migrateToLatest(db);
  const blobStore = createBlobStore(config.storage);
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
      ? await createPgBossJobQueue({
          connectionString: config.database.connectionString,
          db,
          onEvent,
          onError: (err) => logger.warn({ err }, 'job queue problem'),
        })
      : createEmbeddedJobQueue({ db, onEvent });

  // Every job in the catalog gets exactly one handler here; a gap or a double stops the start.
  const registry = createJobRegistry([
    probeHandler(db),
    purgeExpiredSessionsHandler(db, { idleMs: config.session.idleMs, lockMs: config.loginThrottle.lockMs }),
  ]);

  return {
    db,
    blobStore,
    storageState,
    bus,
    queue,
    registry,
    async close() {
      await queue.stop(10_000);
      await bus.close();
      await db.destroy();
    },
  };
}

/** The schedules every installation runs; registering them again is harmless. */
export async function registerSchedules(queue: JobQueue): Promise<void> {
  await queue.schedule('auth.purge-expired-sessions', '17 * * * *', {});
}
