// Course drafts: the wizard's server-side state, and which assets were uploaded for which draft.
// Imports nothing from the application.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('drafts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('owner_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('step', 'varchar(16)', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('drafts_owner_idx').on('drafts').columns(['owner_id', 'updated_at']).execute();

  // Which assets a draft uploaded or uses: cancelling a draft purges what it uploaded (even what
  // never made it into the file list) unless another draft uses it too.
  await db.schema
    .createTable('draft_assets')
    .addColumn('draft_id', 'varchar(36)', (c) => c.notNull().references('drafts.id').onDelete('cascade'))
    .addColumn('asset_id', 'varchar(36)', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    // 'uploaded': uploaded for this draft (cancelling purges it); 'uses': only referenced by it.
    .addColumn('relation', 'varchar(16)', (c) => c.notNull())
    .addPrimaryKeyConstraint('draft_assets_pk', ['draft_id', 'asset_id'])
    .execute();
  await db.schema.createIndex('draft_assets_asset_idx').on('draft_assets').column('asset_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('draft_assets').execute();
  await db.schema.dropTable('drafts').execute();
}
