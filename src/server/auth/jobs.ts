// Background work of the auth feature.
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { handle } from '../jobs/registry.ts';
import { createAuthRepository } from './repository.ts';

export function purgeExpiredSessionsHandler(db: Kysely<DB>, options: { idleMs: number; lockMs: number }) {
  const repository = createAuthRepository(db);
  return handle('auth.purge-expired-sessions', async () => {
    const now = Date.now();
    await repository.deleteExpiredSessions(now, options.idleMs);
    await repository.deleteStaleThrottles(now - options.lockMs);
  });
}
