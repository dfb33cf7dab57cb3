// Blobs (stored content), assets (uploaded files as authors see them) and their derivatives.
// Imports nothing from the application.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('blobs')
    .addColumn('key', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('assets')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('owner_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('original_name', 'varchar(500)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('progress', 'integer')
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('mime', 'varchar(200)')
    .addColumn('blob_key', 'varchar(100)', (c) => c.references('blobs.key'))
    .addColumn('upload_id', 'varchar(64)', (c) => c.unique())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assets_owner_idx').on('assets').columns(['owner_id', 'created_at']).execute();
  await db.schema.createIndex('assets_blob_idx').on('assets').column('blob_key').execute();

  await db.schema
    .createTable('asset_derivatives')
    .addColumn('asset_id', 'varchar(36)', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('blob_key', 'varchar(100)', (c) => c.notNull().references('blobs.key'))
    .addColumn('mime', 'varchar(200)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_derivatives_pk', ['asset_id', 'role'])
    .execute();
  await db.schema.createIndex('asset_derivatives_blob_idx').on('asset_derivatives').column('blob_key').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('asset_derivatives').execute();
  await db.schema.dropTable('assets').execute();
  await db.schema.dropTable('blobs').execute();
}
