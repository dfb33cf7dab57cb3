// All SQL of course drafts.
import type { Kysely, Selectable } from 'kysely';
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
      const known = new Set(
        (await trx.selectFrom('draft_assets').select('asset_id').where('draft_id', '=', draftId).execute()).map((r) => r.asset_id),
      );
      const wanted = new Set(assetIds);
      const gone = [...known].filter((id) => !wanted.has(id));
      for (let i = 0; i < gone.length; i += 1000) {
        await trx
          .deleteFrom('draft_assets')
          .where('draft_id', '=', draftId)
          .where('relation', '=', 'uses')
          .where('asset_id', 'in', gone.slice(i, i + 1000))
          .execute();
      }
      const added = assetIds.filter((id) => !known.has(id));
      for (let i = 0; i < added.length; i += 1000) {
        await trx
          .insertInto('draft_assets')
          .values(added.slice(i, i + 1000).map((asset_id) => ({ draft_id: draftId, asset_id, relation: 'uses' as const })))
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
      // Outlives the draft's rows: the collector then knows the asset was never a library file.
      await db.updateTable('assets').set({ uploaded_for_draft_at: Date.now() }).where('id', '=', assetId).where('uploaded_for_draft_at', 'is', null).execute();
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
        // A published version may hold it too (its draft was published, then this one reused it).
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('course_version_assets as used').select('used.asset_id').whereRef('used.asset_id', '=', 'mine.asset_id'))),
        )
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
