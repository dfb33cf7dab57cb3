// All SQL of file assets, their derivatives and the blobs they point at.
import type { Kysely, Selectable } from 'kysely';
import { prepared } from '../db/prepared.ts';
import { holdersOf, REFERENCES } from '../db/references.ts';
import type { AssetDerivativesTable, AssetsTable, DB } from '../db/types.ts';

export type AssetRow = Selectable<AssetsTable>;
export type DerivativeRow = Selectable<AssetDerivativesTable>;

export function createAssetsRepository(db: Kysely<DB>) {
  // Claiming a blob is on the certificate issue's path: its two queries are compiled once (db/prepared.ts).
  const registerBlob = prepared(4, (q, key: string, sha256: string, size: number, createdAt: number) =>
    q
      .insertInto('blobs')
      .values({ key, sha256, size, created_at: createdAt })
      .onConflict((oc) => oc.column('key').doNothing()),
  );
  const unmarkBlob = prepared(1, (q, key: string) =>
    q.updateTable('blobs').set({ deleting_at: null }).where('key', '=', key).where('deleting_at', 'is', null).returning('key'),
  );
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

    /**
     * Registers a stored blob and claims it for a reference written in the same transaction. False
     * when the blob is being deleted (blobs/deletion.ts): then nothing may reference it; wait for
     * its row to go and claim it again. The update locks the row on PostgreSQL, so a deletion's
     * mark either committed first (seen here) or waits and then sees this claim's reference.
     */
    async claimBlob(blob: { key: string; sha256: string; size: number }, now: number, trx: Kysely<DB>): Promise<boolean> {
      await registerBlob.execute(trx, blob.key, blob.sha256, blob.size, now);
      return (await unmarkBlob.execute(trx, blob.key)).rows.length > 0;
    },

    /**
     * Who uses the asset so that its owner may not delete it: the holders of the reference list
     * (`db/references.ts`) that point at it, a published course first. A draft counts only while its
     * content lists the file (not merely for having uploaded it).
     */
    async usage(id: string): Promise<string[]> {
      const { rows } = await holdersOf('asset', id, { purpose: 'use' }).execute(db);
      return [...new Set(rows.map((r) => Number(r.n)))].sort((a, b) => a - b).map((n) => REFERENCES[n]?.holder ?? 'another record');
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
  };
}

export type AssetsRepository = ReturnType<typeof createAssetsRepository>;
