// All SQL of file assets, their derivatives and the blobs they point at.
import type { Kysely, Selectable } from 'kysely';
import type { AssetDerivativesTable, AssetsTable, DB } from '../db/types.ts';

export type AssetRow = Selectable<AssetsTable>;
export type DerivativeRow = Selectable<AssetDerivativesTable>;

export function createAssetsRepository(db: Kysely<DB>) {
  return {
    async insert(row: AssetRow, trx: Kysely<DB> = db): Promise<void> {
      await trx.insertInto('assets').values(row).execute();
    },

    find(id: string, trx: Kysely<DB> = db): Promise<AssetRow | undefined> {
      return trx.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async findMany(ids: readonly string[]): Promise<AssetRow[]> {
      const out: AssetRow[] = [];
      // Batches keep PostgreSQL's parameter limit far away for drafts with many files and images.
      for (let i = 0; i < ids.length; i += 1000) {
        out.push(...(await db.selectFrom('assets').selectAll().where('id', 'in', ids.slice(i, i + 1000)).execute()));
      }
      return out;
    },

    listByOwner(ownerId: string): Promise<AssetRow[]> {
      return db.selectFrom('assets').selectAll().where('owner_id', '=', ownerId).orderBy('created_at', 'desc').limit(500).execute();
    },

    async update(
      id: string,
      patch: Partial<Omit<AssetRow, 'id' | 'owner_id' | 'created_at'>>,
      now: number,
      trx: Kysely<DB> = db,
    ): Promise<boolean> {
      const r = await trx.updateTable('assets').set({ ...patch, updated_at: now }).where('id', '=', id).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    derivativesOf(assetIds: string[]): Promise<DerivativeRow[]> {
      if (assetIds.length === 0) return Promise.resolve([]);
      return db.selectFrom('asset_derivatives').selectAll().where('asset_id', 'in', assetIds).execute();
    },

    findDerivative(assetId: string, role: string): Promise<DerivativeRow | undefined> {
      return db
        .selectFrom('asset_derivatives')
        .selectAll()
        .where('asset_id', '=', assetId)
        .where('role', '=', role)
        .executeTakeFirst();
    },

    async saveDerivative(row: DerivativeRow, trx: Kysely<DB> = db): Promise<void> {
      await trx
        .insertInto('asset_derivatives')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['asset_id', 'role']).doUpdateSet({ blob_key: row.blob_key, mime: row.mime, size: row.size }),
        )
        .execute();
    },

    async insertBlob(blob: { key: string; sha256: string; size: number }, now: number, trx: Kysely<DB> = db): Promise<void> {
      await trx
        .insertInto('blobs')
        .values({ ...blob, created_at: now })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    },

    /** How many drafts (listing it in their content, not merely having uploaded it) and course versions use the asset. */
    async usage(id: string): Promise<{ drafts: number; courses: number }> {
      const drafts = await db
        .selectFrom('draft_assets')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('asset_id', '=', id)
        .where('listed_at', 'is not', null)
        .executeTakeFirstOrThrow();
      const courses = await db
        .selectFrom('course_version_assets')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('asset_id', '=', id)
        .executeTakeFirstOrThrow();
      return { drafts: Number(drafts.n), courses: Number(courses.n) };
    },

    /** Deletes some derivatives of an asset (superseded ones); returns the blob keys they referenced. */
    async deleteDerivatives(assetId: string, roles: string[], trx: Kysely<DB> = db): Promise<string[]> {
      if (roles.length === 0) return [];
      const rows = await trx
        .selectFrom('asset_derivatives')
        .select('blob_key')
        .where('asset_id', '=', assetId)
        .where('role', 'in', roles)
        .execute();
      await trx.deleteFrom('asset_derivatives').where('asset_id', '=', assetId).where('role', 'in', roles).execute();
      return [...new Set(rows.map((r) => r.blob_key))];
    },

    /** Deletes the asset (its derivatives go with it) and returns the blob keys it referenced. */
    async delete(id: string, trx: Kysely<DB> = db): Promise<string[]> {
      const asset = await trx.selectFrom('assets').select('blob_key').where('id', '=', id).executeTakeFirst();
      const derived = await trx.selectFrom('asset_derivatives').select('blob_key').where('asset_id', '=', id).execute();
      await trx.deleteFrom('asset_derivatives').where('asset_id', '=', id).execute();
      await trx.deleteFrom('assets').where('id', '=', id).execute();
      return [...new Set([asset?.blob_key, ...derived.map((d) => d.blob_key)].filter((k): k is string => !!k))];
    },

    /** Deletes a blob row when nothing references it any more; true when it did. */
    async deleteBlobIfUnreferenced(key: string, trx: Kysely<DB> = db): Promise<boolean> {
      const r = await trx
        .deleteFrom('blobs')
        .where('key', '=', key)
        .where((eb) =>
          eb.and([
            eb.not(eb.exists(eb.selectFrom('assets').select('id').where('blob_key', '=', key))),
            eb.not(eb.exists(eb.selectFrom('asset_derivatives').select('asset_id').where('blob_key', '=', key))),
          ]),
        )
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}

export type AssetsRepository = ReturnType<typeof createAssetsRepository>;
