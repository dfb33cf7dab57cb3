// Process plumbing shared by the entry points: clean configuration errors and graceful shutdown.
import type { FastifyBaseLogger } from 'fastify';
import { type Config, ConfigError, loadConfig } from './config.ts';

export function exitWithConfigError(message: string): never {
  process.stderr.write(`lectern: ${message}\n`);
  process.exit(1);
}

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) exitWithConfigError(err.message);
    throw err;
  }
}

/** Runs `stop` once on SIGTERM, SIGINT, or when an IPC parent (a test, a supervisor) goes away. */
export function onShutdown(logger: FastifyBaseLogger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down: draining');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      await stop();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  if (process.channel) process.on('disconnect', () => void shutdown('parent exited'));
}
