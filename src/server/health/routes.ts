// biome-ignore-all lint/suspicious/noExplicitAny: readiness only runs `select 1` and reads migrations.
// Liveness and readiness for load balancers and orchestrators.
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { pendingMigrations } from '../db/migrate.ts';
import type { StorageState } from '../storage/prepare.ts';

export function registerHealthRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<any>; storageState: () => StorageState | Promise<StorageState> },
): void {
  app.get('/healthz', { config: { access: 'public' }, logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: 'public' }, logLevel: 'warn' }, async (request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      const pending = await pendingMigrations(deps.db);
      if (pending.length > 0) {
        return reply.code(503).send({ status: 'not_ready', reason: `pending migrations: ${pending.join(', ')}` });
      }
      const storage = await deps.storageState();
      if (!storage.ok) return reply.code(503).send({ status: 'not_ready', reason: storage.reason });
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return reply.code(503).send({ status: 'not_ready', reason: 'database unreachable' });
    }
  });
}
