// Which of a draft's assets its content lists right now: an asset uploaded for a draft kept only the
// 'uploaded' relation, so "is it still used?" could not tell a listed upload from a removed one.
// Imports nothing from the application.
import type { Kysely } from 'kysely';

interface Category {
  questions?: { image?: { assetId?: string } | null; answers?: { image?: { assetId?: string } | null }[] }[];
  children?: Category[];
}

function listedIn(json: string): Set<string> {
  const ids = new Set<string>();
  const content = JSON.parse(json) as {
    basics?: { coverAssetId?: string | null };
    files?: { assetId?: string }[];
    test?: { categories?: Category[] };
  };
  for (const f of content.files ?? []) if (f.assetId) ids.add(f.assetId);
  if (content.basics?.coverAssetId) ids.add(content.basics.coverAssetId);
  const walk = (categories: Category[]) => {
    for (const c of categories) {
      for (const q of c.questions ?? []) {
        if (q.image?.assetId) ids.add(q.image.assetId);
        for (const a of q.answers ?? []) if (a.image?.assetId) ids.add(a.image.assetId);
      }
      walk(c.children ?? []);
    }
  };
  walk(content.test?.categories ?? []);
  return ids;
}

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('draft_assets').addColumn('listed_at', 'bigint').execute();
  const now = Date.now();
  await db.updateTable('draft_assets').set({ listed_at: now }).where('relation', '=', 'uses').execute();
  const uploaded = await db
    .selectFrom('draft_assets')
    .innerJoin('drafts', 'drafts.id', 'draft_assets.draft_id')
    .select(['draft_assets.draft_id', 'draft_assets.asset_id', 'drafts.content'])
    .where('draft_assets.relation', '=', 'uploaded')
    .execute();
  for (const row of uploaded) {
    if (!listedIn(row.content as string).has(row.asset_id as string)) continue;
    await db
      .updateTable('draft_assets')
      .set({ listed_at: now })
      .where('draft_id', '=', row.draft_id)
      .where('asset_id', '=', row.asset_id)
      .execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('draft_assets').dropColumn('listed_at').execute();
}
