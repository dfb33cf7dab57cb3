// `npm start`: web and workers in one process (the embedded default).
// `npm run web`: web only, for scale-out behind a load balancer (workers run elsewhere).
import { buildApp } from './app.ts';
import { describeDatabase } from './db/database.ts';
import { createLogger } from './logger.ts';
import { exitWithConfigError, loadConfigOrExit, onShutdown } from './process.ts';
import { appDependencies, createRuntime, registerSchedules } from './runtime.ts';

const webOnly = process.argv.includes('--web-only');
const config = loadConfigOrExit();
const logger = createLogger(config);
const runtime = await createRuntime(config, logger).catch((err: Error) =>
  exitWithConfigError(`cannot start (${describeDatabase(config.database)}): ${err.message}`),
);

const { app } = await buildApp(appDependencies(config, logger, runtime));

if (!webOnly) {
  await runtime.queue.startWorkers(runtime.registry, { groups: config.workerGroups, concurrency: config.workerConcurrency });
  await runtime.queue.startScheduler();
  await registerSchedules(runtime.queue, config.gc.cron);
}

onShutdown(logger, async () => {
  await app.close();
  await runtime.close();
});

try {
  await app.listen({ host: config.host, port: config.port });
} catch (err) {
  exitWithConfigError(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
}
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
logger.info(
  {
    role: webOnly ? 'web' : 'web+workers',
    database: describeDatabase(config.database),
    storage: runtime.blobStore.description,
    queue: runtime.queue.driver,
    url: `http://${config.host}:${port}`,
  },
  'Lectern is running',
);
process.send?.({ type: 'listening', port });
