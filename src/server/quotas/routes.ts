// HTTP for storage quotas: one's own usage (the account page), and every user's (the users page).
import { myStorageUsageResponseSchema, usersStorageUsageResponseSchema } from '../../shared/quotas.ts';
import type { Api } from '../http/contract.ts';
import type { UserRow } from '../users/repository.ts';
import type { QuotasService } from './service.ts';

const AUTHORS = ['author', 'admin'] as const;
const tags = ['Files'];

export function registerQuotaRoutes(app: Api, deps: { quotas: QuotasService }): void {
  const { quotas } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.get(
    '/api/assets/usage',
    { config: { access: AUTHORS }, schema: { tags, response: { 200: myStorageUsageResponseSchema } } },
    async (request) => ({ usage: await quotas.usageOf(me(request.user).id), limits: quotas.limits }),
  );

  app.get(
    '/api/admin/storage-usage',
    {
      config: { access: ['admin'] },
      schema: { tags: ['Accounts'], response: { 200: usersStorageUsageResponseSchema } },
    },
    async () => ({ users: await quotas.usageByUser(), limits: quotas.limits }),
  );
}
