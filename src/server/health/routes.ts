// biome-ignore-all lint/suspicious/noExplicitAny: readiness only runs `select 1` and reads migrations.
// Liveness and readiness for load balancers and orchestrators.
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { pendingMigrations } from '../db/migrate.ts';
import type { Api } from '../http/contract.ts';
import type { StorageState } from '../storage/prepare.ts';

const tags = ['Health'];
const notReady = z.object({ status: z.literal('not_ready'), reason: z.string() });

export function registerHealthRoutes(
  app: Api,
  deps: { db: Kysely<any>; storageState: () => StorageState | Promise<StorageState> },
): void {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      logLevel: 'warn',
      schema: { tags, response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      logLevel: 'warn',
      schema: { tags, response: { 200: z.object({ status: z.literal('ready') }), 503: notReady } },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(deps.db);
        const pending = await pendingMigrations(deps.db);
        if (pending.length > 0) {
          return reply.code(503).send({ status: 'not_ready', reason: `pending migrations: ${pending.join(', ')}` });
        }
        const storage = await deps.storageState();
        if (!storage.ok) return reply.code(503).send({ status: 'not_ready', reason: storage.reason });
        return { status: 'ready' as const };
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        return reply.code(503).send({ status: 'not_ready', reason: 'database unreachable' });
      }
    },
  );
}
