// Deleting a blob without storage I/O inside a database transaction:
//   1. mark: in one short transaction, the rows that nothing in the reference list keeps alive get
//      `deleting_at` (on PostgreSQL the rows are locked first and checked by a second statement, so
//      a claim that committed meanwhile is seen);
//   2. the objects are deleted, outside any transaction;
//   3. the rows are removed (a failed object deletion un-marks its row instead: the next run tries again).
// A marked blob is never claimed: an upload of the same content waits until its row is gone, then
// registers it again and stores the object again (`claimBlob` in assets/repository.ts, `awaitGone`
// here). A mark older than STALE_MARK_MS was left by a killed process: whoever meets it finishes
// the deletion (nothing can have claimed the blob since it was marked).
import { type Kysely, sql } from 'kysely';
import { keptByNothing } from '../db/references.ts';
import type { DB } from '../db/types.ts';
import type { BlobStore } from '../storage/blob-store.ts';

export const STALE_MARK_MS = 15 * 60_000;
const OBJECT_DELETE_CONCURRENCY = 16;

export interface DeletedBlob {
  key: string;
  size: number;
}

export interface BlobDeletionResult {
  deleted: DeletedBlob[];
  failed: { key: string; error: Error }[];
}

export function createBlobDeletion(deps: {
  db: Kysely<DB>;
  blobStore: Pick<BlobStore, 'delete'>;
  now?: () => number;
  /** How often `awaitGone` looks again. */
  pollMs?: number;
}) {
  const { db, blobStore } = deps;
  const now = deps.now ?? Date.now;
  const blobKey = sql.ref<string>('blobs.key');

  /** Deletes the marked rows' objects a few at a time, then removes the rows (or un-marks the failed). */
  async function finish(rows: DeletedBlob[], mark: (key: string) => number): Promise<BlobDeletionResult> {
    const result: BlobDeletionResult = { deleted: [], failed: [] };
    for (let i = 0; i < rows.length; i += OBJECT_DELETE_CONCURRENCY) {
      const slice = rows.slice(i, i + OBJECT_DELETE_CONCURRENCY);
      const outcomes = await Promise.allSettled(slice.map((r) => blobStore.delete(r.key)));
      outcomes.forEach((o, j) => {
        const row = slice[j] as DeletedBlob;
        if (o.status === 'fulfilled') result.deleted.push(row);
        else result.failed.push({ key: row.key, error: o.reason instanceof Error ? o.reason : new Error(String(o.reason)) });
      });
    }
    // One statement per mark (a run's marks share one).
    const byMark = (rows: { key: string }[]) => {
      const groups = new Map<number, string[]>();
      for (const { key } of rows) groups.set(mark(key), [...(groups.get(mark(key)) ?? []), key]);
      return groups;
    };
    for (const [at, keys] of byMark(result.deleted)) {
      for (let i = 0; i < keys.length; i += 500)
        await db.deleteFrom('blobs').where('key', 'in', keys.slice(i, i + 500)).where('deleting_at', '=', at).execute();
    }
    for (const [at, keys] of byMark(result.failed)) {
      for (let i = 0; i < keys.length; i += 500)
        await db.updateTable('blobs').set({ deleting_at: null }).where('key', 'in', keys.slice(i, i + 500)).where('deleting_at', '=', at).execute();
    }
    return result;
  }

  return {
    /**
     * Deletes those of these blobs that nothing keeps alive (rows and objects); the others were
     * claimed since (or are being deleted by someone else) and stay.
     */
    async deleteUnreferenced(keys: string[]): Promise<BlobDeletionResult> {
      const unique = [...new Set(keys)];
      if (unique.length === 0) return { deleted: [], failed: [] };
      const at = now();
      const marked = await db.transaction().execute(async (trx) => {
        // Locks the rows (PostgreSQL; a no-op write on both) so that the check below, a new
        // statement, sees every claim that committed while we waited for them.
        await trx.updateTable('blobs').set({ deleting_at: null }).where('key', 'in', unique).where('deleting_at', 'is', null).execute();
        return trx
          .updateTable('blobs')
          .set({ deleting_at: at })
          .where('key', 'in', unique)
          .where('deleting_at', 'is', null)
          .where(keptByNothing('blob', blobKey))
          .returning(['key', 'size'])
          .execute();
      });
      return finish(
        marked.map((r) => ({ key: r.key, size: Number(r.size) })),
        () => at,
      );
    },

    /** Finishes deletions whose mark is older than STALE_MARK_MS (their process died). */
    async finishStale(limit = 500): Promise<BlobDeletionResult> {
      const rows = await db
        .selectFrom('blobs')
        .select(['key', 'size', 'deleting_at'])
        .where('deleting_at', 'is not', null)
        .where('deleting_at', '<=', now() - STALE_MARK_MS)
        .orderBy('deleting_at')
        .limit(limit)
        .execute();
      const marks = new Map(rows.map((r) => [r.key, r.deleting_at as number]));
      return finish(
        rows.map((r) => ({ key: r.key, size: Number(r.size) })),
        (key) => marks.get(key) as number,
      );
    },

    /**
     * Deletes a stored object no row knows. A marked placeholder row holds the key meanwhile, so an
     * upload of the same content waits, then stores it again. False when a row exists (not a zombie).
     */
    async deleteZombie(key: string): Promise<boolean> {
      const at = now();
      const placeholder = await db
        .insertInto('blobs')
        .values({ key, sha256: key.slice(-64), size: 0, created_at: at, deleting_at: at })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .executeTakeFirst();
      if (!placeholder) return false;
      try {
        await blobStore.delete(key);
      } finally {
        // Removed either way: un-marked, the placeholder would pass for a blob whose object is missing.
        await db.deleteFrom('blobs').where('key', '=', key).where('deleting_at', '=', at).execute();
      }
      return true;
    },

    /**
     * Until the blob's row is gone, for an upload whose claim met a deletion in progress; finishes
     * a stale one itself. Throws after `timeoutMs` (the job is retried later).
     */
    async awaitGone(key: string, timeoutMs = 60_000): Promise<void> {
      const started = now();
      for (;;) {
        const row = await db.selectFrom('blobs').select('deleting_at').where('key', '=', key).executeTakeFirst();
        if (!row || row.deleting_at === null) return;
        if (row.deleting_at <= now() - STALE_MARK_MS) {
          await finish([{ key, size: 0 }], () => row.deleting_at as number);
          return;
        }
        if (now() - started > timeoutMs) throw new Error(`The stored content ${key} is still being deleted; try again later.`);
        await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 100));
      }
    },
  };
}

export type BlobDeletion = ReturnType<typeof createBlobDeletion>;
