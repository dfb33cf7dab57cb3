// `npm run worker`: runs background jobs only (no HTTP). WORKER_GROUPS limits which queues it
// serves, so video encoding can have machines of its own.
import { describeDatabase } from './db/database.ts';
import { createLogger } from './logger.ts';
import { exitWithConfigError, loadConfigOrExit, onShutdown } from './process.ts';
import { createRuntime, registerSchedules } from './runtime.ts';

const config = loadConfigOrExit();
const logger = createLogger(config);
if (config.database.dialect !== 'postgres') {
  exitWithConfigError('a separate worker needs DATABASE_URL=postgres://… (the embedded mode runs workers inside `npm start`)');
}
const runtime = await createRuntime(config, logger).catch((err: Error) =>
  exitWithConfigError(`cannot start (${describeDatabase(config.database)}): ${err.message}`),
);
await runtime.queue.startWorkers(runtime.registry, { groups: config.workerGroups, concurrency: config.workerConcurrency });
await runtime.queue.startScheduler();
await registerSchedules(runtime.queue, config.gc.cron);

onShutdown(logger, () => runtime.close());
logger.info(
  { role: 'worker', groups: config.workerGroups ?? 'all', concurrency: config.workerConcurrency, pid: process.pid },
  'Lectern worker is running',
);
process.send?.({ type: 'ready', pid: process.pid });
