// All SQL of the garbage collector: the lease, the runs, and page-by-page scans whose deletions
// re-check, in the same transaction, that nothing claimed the row since it was marked.
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { DatabaseConfig } from '../config.ts';
import { keptAlive, keptByNothing } from '../db/references.ts';
import type { DB, GcRunsTable } from '../db/types.ts';

const assetId = sql.ref<string>('assets.id');
const blobKey = sql.ref<string>('blobs.key');

/**
 * The collector's rule for an asset, the one both the scan and the deletion's re-check run: a file
 * uploaded for a draft (a library file lives until its owner deletes it), untouched since the
 * cutoff (the grace period), that nothing in the reference list (`db/references.ts`) keeps alive.
 */
function garbageAsset(cutoff: number) {
  return (eb: ExpressionBuilder<DB, 'assets'>) =>
    eb.and([
      eb('assets.uploaded_for_draft_at', 'is not', null),
      eb('assets.updated_at', '<=', cutoff),
      keptByNothing('asset', assetId),
    ]);
}

export type GcRunRow = GcRunsTable;

export interface GarbageAsset {
  id: string;
  upload_id: string | null;
  size: number;
}

export function createGcRepository(db: Kysely<DB>, dialect: DatabaseConfig['dialect']) {
  const postgres = dialect === 'postgres';

  return {
    // --- the lease: one run at a time across every node -------------------------------------

    /** Takes the lease if it is free or expired; true when this holder has it. */
    async acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
      await db
        .insertInto('gc_leases')
        .values({ name, holder, expires_at: now + ttlMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder, expires_at: now + ttlMs })
            .where('gc_leases.expires_at', '<', now),
        )
        .execute();
      const row = await db.selectFrom('gc_leases').select('holder').where('name', '=', name).executeTakeFirst();
      return row?.holder === holder;
    },

    async renewLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
      const r = await db
        .updateTable('gc_leases')
        .set({ expires_at: now + ttlMs })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async releaseLease(name: string, holder: string): Promise<void> {
      await db.deleteFrom('gc_leases').where('name', '=', name).where('holder', '=', holder).execute();
    },

    // --- runs and reports ------------------------------------------------------------------

    async insertRun(row: GcRunRow): Promise<void> {
      await db.insertInto('gc_runs').values(row).execute();
    },

    async finishRun(id: string, patch: Pick<GcRunRow, 'status' | 'finished_at' | 'report'>): Promise<void> {
      await db.updateTable('gc_runs').set(patch).where('id', '=', id).execute();
    },

    listRuns(limit: number): Promise<GcRunRow[]> {
      return db
        .selectFrom('gc_runs')
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
    },

    findRun(id: string): Promise<GcRunRow | undefined> {
      return db.selectFrom('gc_runs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Keeps the newest `keep` runs. */
    async pruneRuns(keep: number): Promise<void> {
      const boundary = await db
        .selectFrom('gc_runs')
        .select('started_at')
        .orderBy('started_at', 'desc')
        .offset(keep)
        .limit(1)
        .executeTakeFirst();
      if (boundary)
        await db
          .deleteFrom('gc_runs')
          .where('started_at', '<=', boundary.started_at)
          .where('status', '!=', 'running')
          .execute();
    },

    /** A run left 'running' by a killed process is closed as failed. */
    async closeAbandonedRuns(now: number): Promise<void> {
      await db
        .updateTable('gc_runs')
        .set({ status: 'failed', finished_at: now })
        .where('status', '=', 'running')
        .execute();
    },

    // --- drafts ----------------------------------------------------------------------------

    /** Drafts last saved at or before `cutoff`, oldest first, one page after `after`. */
    staleDraftsPage(cutoff: number, after: { updatedAt: number; id: string } | null, limit: number) {
      let q = db
        .selectFrom('drafts')
        .select(['id', 'owner_id', 'content', 'updated_at'])
        .where('updated_at', '<=', cutoff)
        .orderBy('updated_at')
        .orderBy('id')
        .limit(limit);
      if (after) {
        q = q.where((eb) =>
          eb.or([
            eb('updated_at', '>', after.updatedAt),
            eb.and([eb('updated_at', '=', after.updatedAt), eb('id', '>', after.id)]),
          ]),
        );
      }
      return q.execute();
    },

    /** Deletes the draft if it is still untouched since the cutoff; its asset links go with it. */
    async deleteDraftIfStale(id: string, cutoff: number): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const stale = await trx
          .selectFrom('drafts')
          .select('id')
          .where('id', '=', id)
          .where('updated_at', '<=', cutoff)
          .executeTakeFirst();
        if (!stale) return false;
        await trx.deleteFrom('draft_assets').where('draft_id', '=', id).execute();
        const r = await trx
          .deleteFrom('drafts')
          .where('id', '=', id)
          .where('updated_at', '<=', cutoff)
          .executeTakeFirst();
        return r.numDeletedRows > 0n;
      });
    },

    // --- assets ----------------------------------------------------------------------------

    /** Assets uploaded for a draft that nothing references any more, untouched since the cutoff. */
    garbageAssetsPage(cutoff: number, afterId: string, limit: number): Promise<GarbageAsset[]> {
      return db
        .selectFrom('assets')
        .select(['id', 'upload_id', 'size'])
        .where('id', '>', afterId)
        .where(garbageAsset(cutoff))
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    /**
     * Deletes those of the given assets (and their derivative rows) that are still garbage, in one
     * transaction, and returns them with the blob keys they held; the others were claimed since
     * they were marked. On PostgreSQL the rows are locked first, so a draft save or a publish that
     * references one either committed before the check (it stays) or waits and then fails on its
     * foreign key — never a silent loss.
     */
    async deleteAssetsIfGarbage(ids: string[], cutoff: number): Promise<{ deleted: string[]; blobKeys: string[] }> {
      if (ids.length === 0) return { deleted: [], blobKeys: [] };
      return db.transaction().execute(async (trx) => {
        if (postgres)
          await trx.selectFrom('assets').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
        const still = await trx
          .selectFrom('assets')
          .select(['id', 'blob_key'])
          .where('id', 'in', ids)
          .where(garbageAsset(cutoff))
          .execute();
        if (still.length === 0) return { deleted: [], blobKeys: [] };
        const deleted = still.map((a) => a.id);
        const derived = await trx
          .selectFrom('asset_derivatives')
          .select('blob_key')
          .where('asset_id', 'in', deleted)
          .execute();
        await trx.deleteFrom('asset_derivatives').where('asset_id', 'in', deleted).execute();
        await trx.deleteFrom('assets').where('id', 'in', deleted).execute();
        const keys = [...still.map((a) => a.blob_key), ...derived.map((d) => d.blob_key)].filter(
          (k): k is string => !!k,
        );
        return { deleted, blobKeys: [...new Set(keys)] };
      });
    },

    /** Is this upload still some asset's? */
    async uploadOwner(uploadId: string): Promise<{ id: string; state: string } | undefined> {
      return db.selectFrom('assets').select(['id', 'state']).where('upload_id', '=', uploadId).executeTakeFirst();
    },

    /** An upload left unfinished past its limit: the asset says so instead of waiting forever. */
    async failStaleUpload(uploadId: string, reason: string, now: number): Promise<boolean> {
      const r = await db
        .updateTable('assets')
        .set({ state: 'failed', reason, upload_id: null, progress: null, updated_at: now })
        .where('upload_id', '=', uploadId)
        .where('state', '=', 'uploading')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /** Scale-out upload records (offsets in upload_kv) that no asset claims, untouched since the cutoff. */
    orphanUploadRecordsPage(cutoff: number, afterKey: string, limit: number): Promise<{ key: string }[]> {
      return db
        .selectFrom('upload_kv')
        .select('key')
        .where('updated_at', '<=', cutoff)
        .where('key', '>', afterKey)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('assets').select('id').whereRef('assets.upload_id', '=', 'upload_kv.key'))),
        )
        .orderBy('key')
        .limit(limit)
        .execute();
    },

    // --- blobs -----------------------------------------------------------------------------

    /** Blob rows nothing in the reference list keeps alive, created at or before the cutoff, not being deleted. */
    unreferencedBlobsPage(cutoff: number, afterKey: string, limit: number): Promise<{ key: string; size: number }[]> {
      return db
        .selectFrom('blobs')
        .select(['key', 'size'])
        .where('created_at', '<=', cutoff)
        .where('key', '>', afterKey)
        // A marked row is being deleted already (or its stale mark is finished separately).
        .where('deleting_at', 'is', null)
        .where(keptByNothing('blob', blobKey))
        .orderBy('key')
        .limit(limit)
        .execute();
    },

    /** Every blob row after `afterKey`, in key order: one side of the storage walk. */
    blobsPage(
      afterKey: string,
      limit: number,
    ): Promise<{ key: string; size: number; created_at: number; deleting_at: number | null }[]> {
      return db
        .selectFrom('blobs')
        .select(['key', 'size', 'created_at', 'deleting_at'])
        .where('key', '>', afterKey)
        .orderBy('key')
        .limit(limit)
        .execute();
    },

    async blobReferenced(key: string): Promise<boolean> {
      const row = await db
        .selectFrom('blobs')
        .select('key')
        .where('key', '=', key)
        .where(keptAlive('blob', blobKey))
        .executeTakeFirst();
      return !!row;
    },

    async blobExists(key: string): Promise<boolean> {
      return !!(await db.selectFrom('blobs').select('key').where('key', '=', key).executeTakeFirst());
    },

    /** The assets whose original or derivative lives in this blob become `missing`; their ids. */
    async markMissing(key: string, reason: string, now: number): Promise<string[]> {
      const rows = await db
        .selectFrom('assets')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('blob_key', '=', key),
            eb(
              'id',
              'in',
              eb.selectFrom('asset_derivatives').select('asset_id').where('asset_derivatives.blob_key', '=', key),
            ),
          ]),
        )
        .execute();
      const ids = rows.map((r) => r.id);
      if (ids.length > 0) {
        await db
          .updateTable('assets')
          .set({ state: 'missing', reason, progress: null, updated_at: now })
          .where('id', 'in', ids)
          .where('state', '!=', 'missing')
          .execute();
      }
      return ids;
    },
  };
}

export type GcRepository = ReturnType<typeof createGcRepository>;
