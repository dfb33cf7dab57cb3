// HTTP for storage quotas: one's own usage (the account page), and every user's (the users page).
import type { FastifyInstance } from 'fastify';
import { myStorageUsageResponseSchema, usersStorageUsageResponseSchema } from '../../shared/quotas.ts';
import type { UserRow } from '../users/repository.ts';
import type { QuotasService } from './service.ts';

const AUTHORS = ['author', 'admin'] as const;

export function registerQuotaRoutes(app: FastifyInstance, deps: { quotas: QuotasService }): void {
  const { quotas } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.get('/api/assets/usage', { config: { access: AUTHORS } }, async (request) => {
    return myStorageUsageResponseSchema.parse({
      usage: await quotas.usageOf(me(request.user).id),
      limits: quotas.limits,
    });
  });

  app.get('/api/admin/storage-usage', { config: { access: ['admin'] } }, async () => {
    return usersStorageUsageResponseSchema.parse({ users: await quotas.usageByUser(), limits: quotas.limits });
  });
}
