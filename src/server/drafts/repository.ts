// All SQL of course drafts.
import type { Kysely, Selectable } from 'kysely';
import type { DB, DraftsTable } from '../db/types.ts';

export type DraftRow = Selectable<DraftsTable>;

export function createDraftsRepository(db: Kysely<DB>) {
  return {
    async insert(row: DraftRow): Promise<void> {
      await db.insertInto('drafts').values(row).execute();
    },

    find(id: string): Promise<DraftRow | undefined> {
      return db.selectFrom('drafts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    listByOwner(ownerId: string): Promise<DraftRow[]> {
      return db.selectFrom('drafts').selectAll().where('owner_id', '=', ownerId).orderBy('updated_at', 'desc').execute();
    },

    /** Saves only if nobody saved since `revision`; true when it did (the revision moved on by one). */
    async saveIfCurrent(
      id: string,
      revision: number,
      patch: Pick<DraftRow, 'content' | 'step'>,
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

    /** Records that the draft uses these assets; an asset it uploaded keeps that relation. */
    async setUsedAssets(draftId: string, assetIds: string[], trx: Kysely<DB> = db): Promise<void> {
      let removal = trx.deleteFrom('draft_assets').where('draft_id', '=', draftId).where('relation', '=', 'uses');
      if (assetIds.length > 0) removal = removal.where('asset_id', 'not in', assetIds);
      await removal.execute();
      for (const assetId of assetIds) {
        await trx
          .insertInto('draft_assets')
          .values({ draft_id: draftId, asset_id: assetId, relation: 'uses' })
          .onConflict((oc) => oc.columns(['draft_id', 'asset_id']).doNothing())
          .execute();
      }
    },

    async linkUpload(draftId: string, assetId: string): Promise<void> {
      await db
        .insertInto('draft_assets')
        .values({ draft_id: draftId, asset_id: assetId, relation: 'uploaded' })
        .onConflict((oc) => oc.columns(['draft_id', 'asset_id']).doUpdateSet({ relation: 'uploaded' }))
        .execute();
    },

    /** Assets this draft uploaded that no other draft uses: what cancelling it purges. */
    async uploadsOnlyItUses(draftId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('draft_assets as mine')
        .select('mine.asset_id')
        .where('mine.draft_id', '=', draftId)
        .where('mine.relation', '=', 'uploaded')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('draft_assets as other')
                .select('other.draft_id')
                .whereRef('other.asset_id', '=', 'mine.asset_id')
                .where('other.draft_id', '!=', draftId),
            ),
          ),
        )
        .execute();
      return rows.map((r) => r.asset_id);
    },

    async delete(id: string): Promise<boolean> {
      await db.deleteFrom('draft_assets').where('draft_id', '=', id).execute();
      const r = await db.deleteFrom('drafts').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}

export type DraftsRepository = ReturnType<typeof createDraftsRepository>;
