// `npm start`: migrate, then serve the web app and API. Stops cleanly on SIGTERM/SIGINT.
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createDatabase, describeDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createLogger } from './logger.ts';

function fail(message: string): never {
  process.stderr.write(`lectern: ${message}\n`);
  process.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

const logger = createLogger(config);
const db = createDatabase(config.database);
try {
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
} catch (err) {
  await db.destroy().catch(() => {});
  fail(`cannot prepare the database (${describeDatabase(config.database)}): ${(err as Error).message}`);
}

const { app } = await buildApp({ config, db, logger });

let stopping = false;
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'shutting down: draining requests');
  const force = setTimeout(() => {
    logger.error('shutdown took longer than 10 s; exiting');
    process.exit(1);
  }, 10_000);
  force.unref();
  await app.close();
  await db.destroy();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// Started by a test or a supervisor over IPC: stop when the parent goes away.
if (process.channel) process.on('disconnect', () => void shutdown('parent exited'));

try {
  await app.listen({ host: config.host, port: config.port });
} catch (err) {
  fail(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
}
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
logger.info({ database: describeDatabase(config.database), url: `http://${config.host}:${port}` }, 'Lectern is running');
process.send?.({ type: 'listening', port });
