// All SQL of per-user quotas: what each user's files and uploads take.
import { type Kysely, sql } from 'kysely';
import type { StorageUsage } from '../../shared/quotas.ts';
import type { DB } from '../db/types.ts';

// Stored: a file holding a blob, or one whose finished upload waits to be ingested (its bytes are
// on our disk already). Failed uploads and ingests hold nothing; uploads in progress are reserved.
const usageColumns = sql<string>`
  count(case when state <> 'uploading' and (blob_key is not null or state = 'processing') then 1 end) as files,
  coalesce(sum(case when state <> 'uploading' and (blob_key is not null or state = 'processing') then size else 0 end), 0) as stored_bytes,
  count(case when state = 'uploading' then 1 end) as open_uploads,
  coalesce(sum(case when state = 'uploading' then size else 0 end), 0) as reserved_bytes`;

interface UsageRow {
  files: number | string;
  stored_bytes: number | string;
  open_uploads: number | string;
  reserved_bytes: number | string;
}

// PostgreSQL's sum of a bigint is numeric, which arrives as a string.
const toUsage = (row: UsageRow | undefined): StorageUsage => ({
  files: Number(row?.files ?? 0),
  storedBytes: Number(row?.stored_bytes ?? 0),
  openUploads: Number(row?.open_uploads ?? 0),
  reservedBytes: Number(row?.reserved_bytes ?? 0),
});

export function createQuotasRepository(db: Kysely<DB>) {
  return {
    /**
     * Holds the user's row until the transaction ends (a no-op update of a non-key column locks it on PostgreSQL without blocking rows that refer to it; SQLite
     * runs one write transaction at a time), so concurrent uploads of one user are decided in turn.
     */
    async lockUser(userId: string, trx: Kysely<DB>): Promise<void> {
      await trx
        .updateTable('users')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', userId)
        .execute();
    },

    async usageOf(userId: string, trx: Kysely<DB> = db): Promise<StorageUsage> {
      const result = await sql<UsageRow>`select ${usageColumns} from assets where owner_id = ${userId}`.execute(trx);
      return toUsage(result.rows[0]);
    },

    /** Every user that has files or uploads, with their usage. */
    async usageByUser(): Promise<(StorageUsage & { userId: string })[]> {
      const result = await sql<
        UsageRow & { owner_id: string }
      >`select owner_id, ${usageColumns} from assets group by owner_id`.execute(db);
      return result.rows.map((row) => ({ userId: row.owner_id, ...toUsage(row) }));
    },
  };
}

export type QuotasRepository = ReturnType<typeof createQuotasRepository>;
