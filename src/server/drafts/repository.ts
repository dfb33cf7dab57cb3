// All SQL of course drafts.
import { type Kysely, type Selectable, sql } from 'kysely';
import { keptByNothing } from '../db/references.ts';
import type { DB, DraftsTable } from '../db/types.ts';

export type DraftRow = Selectable<DraftsTable>;

export function createDraftsRepository(db: Kysely<DB>) {
  return {
    async insert(row: DraftRow, trx: Kysely<DB> = db): Promise<void> {
      await trx.insertInto('drafts').values(row).execute();
    },

    find(id: string, trx: Kysely<DB> = db): Promise<DraftRow | undefined> {
      return trx.selectFrom('drafts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    listByOwner(ownerId: string): Promise<DraftRow[]> {
      return db.selectFrom('drafts').selectAll().where('owner_id', '=', ownerId).orderBy('updated_at', 'desc').execute();
    },

    /** Saves only if nobody saved since `revision`; true when it did (the revision moved on by one). */
    async saveIfCurrent(
      id: string,
      revision: number,
      patch: Pick<DraftRow, 'content' | 'step' | 'visited_steps'>,
      now: number,
      trx: Kysely<DB> = db,
    ): Promise<boolean> {
      const r = await trx
        .updateTable('drafts')
        .set({ ...patch, revision: revision + 1, updated_at: now })
        .where('id', '=', id)
        .where('revision', '=', revision)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /**
     * Records which assets the draft's content lists: listed ones are marked (a row 'uses' is added for
     * those it did not upload), the others unmarked (a 'uses' row goes; an upload stays the draft's).
     */
    async setUsedAssets(draftId: string, assetIds: string[], trx: Kysely<DB> = db, now = Date.now()): Promise<void> {
      const rows = await trx.selectFrom('draft_assets').select(['asset_id', 'listed_at']).where('draft_id', '=', draftId).execute();
      const known = new Map(rows.map((r) => [r.asset_id, r.listed_at]));
      const wanted = new Set(assetIds);
      const unlisted = rows.filter((r) => !wanted.has(r.asset_id)).map((r) => r.asset_id);
      const newlyListed = assetIds.filter((id) => known.has(id) && known.get(id) === null);
      const added = assetIds.filter((id) => !known.has(id));
      for (let i = 0; i < unlisted.length; i += 1000) {
        const batch = unlisted.slice(i, i + 1000);
        await trx.deleteFrom('draft_assets').where('draft_id', '=', draftId).where('relation', '=', 'uses').where('asset_id', 'in', batch).execute();
        await trx.updateTable('draft_assets').set({ listed_at: null }).where('draft_id', '=', draftId).where('asset_id', 'in', batch).execute();
      }
      for (let i = 0; i < newlyListed.length; i += 1000) {
        await trx
          .updateTable('draft_assets')
          .set({ listed_at: now })
          .where('draft_id', '=', draftId)
          .where('asset_id', 'in', newlyListed.slice(i, i + 1000))
          .execute();
      }
      for (let i = 0; i < added.length; i += 1000) {
        await trx
          .insertInto('draft_assets')
          .values(added.slice(i, i + 1000).map((asset_id) => ({ draft_id: draftId, asset_id, relation: 'uses' as const, listed_at: now })))
          .onConflict((oc) => oc.columns(['draft_id', 'asset_id']).doUpdateSet({ listed_at: now }))
          .execute();
      }
    },

    async linkUpload(draftId: string, assetId: string, trx: Kysely<DB> = db): Promise<void> {
      await trx
        .insertInto('draft_assets')
        .values({ draft_id: draftId, asset_id: assetId, relation: 'uploaded', listed_at: null })
        .onConflict((oc) => oc.columns(['draft_id', 'asset_id']).doUpdateSet({ relation: 'uploaded' }))
        .execute();
      // Outlives the draft's rows: the collector then knows the asset was never a library file.
      await trx.updateTable('assets').set({ uploaded_for_draft_at: Date.now() }).where('id', '=', assetId).where('uploaded_for_draft_at', 'is', null).execute();
    },

    /**
     * Assets this draft uploaded that nothing else keeps alive (another draft, a published version,
     * a video the file captions… every source of `db/references.ts`): what cancelling it purges.
     */
    async uploadsOnlyItUses(draftId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('draft_assets as mine')
        .select('mine.asset_id')
        .where('mine.draft_id', '=', draftId)
        .where('mine.relation', '=', 'uploaded')
        .where(keptByNothing('asset', sql.ref<string>('mine.asset_id'), { except: { table: 'draft_assets', holderId: draftId } }))
        .execute();
      return rows.map((r) => r.asset_id);
    },

    async delete(id: string, trx: Kysely<DB> = db): Promise<boolean> {
      await trx.deleteFrom('draft_assets').where('draft_id', '=', id).execute();
      const r = await trx.deleteFrom('drafts').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}

export type DraftsRepository = ReturnType<typeof createDraftsRepository>;
