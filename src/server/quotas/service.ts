// Per-user quotas: the check made when an upload starts (atomic with creating its row), and the
// usage shown to the user and to administrators.
import type { Kysely } from 'kysely';
import type { StorageLimits, StorageUsage } from '../../shared/quotas.ts';
import type { DB } from '../db/types.ts';
import { DomainError } from '../errors.ts';
import type { QuotasRepository } from './repository.ts';
import { refuseUpload } from './rules.ts';

export function createQuotasService(deps: { quotas: QuotasRepository; limits: StorageLimits }) {
  const { quotas, limits } = deps;
  return {
    limits,

    /**
     * Inside the transaction that creates the upload's row: locks the user, then refuses (429 or
     * 413, naming the limit) an upload that would pass a quota. Concurrent uploads of one user are
     * decided one after the other, each seeing the rows the ones before it created.
     */
    async checkNewUpload(userId: string, size: number, trx: Kysely<DB>): Promise<void> {
      await quotas.lockUser(userId, trx);
      const refusal = refuseUpload(await quotas.usageOf(userId, trx), size, limits);
      if (refusal) throw new DomainError(refusal.status === 429 ? 'rate_limited' : 'too_large', refusal.code, refusal.message);
    },

    usageOf(userId: string): Promise<StorageUsage> {
      return quotas.usageOf(userId);
    },

    usageByUser(): Promise<(StorageUsage & { userId: string })[]> {
      return quotas.usageByUser();
    },
  };
}

export type QuotasService = ReturnType<typeof createQuotasService>;
export type UploadQuota = Pick<QuotasService, 'checkNewUpload'>;
