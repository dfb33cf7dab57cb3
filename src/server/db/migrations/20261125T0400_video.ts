// Video: WebVTT caption files attached to a video (ordered, labelled), and where each learner stopped
// watching. Imports nothing from the application.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('video_captions')
    .addColumn('video_asset_id', 'varchar(36)', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('captions_asset_id', 'varchar(36)', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('label', 'varchar(100)', (c) => c.notNull())
    // BCP 47 tag, e.g. "en" or "pt-BR"; null when the author did not say.
    .addColumn('language', 'varchar(35)')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('video_captions_pk', ['video_asset_id', 'captions_asset_id'])
    .execute();
  await db.schema.createIndex('video_captions_captions_idx').on('video_captions').column('captions_asset_id').execute();

  await db.schema
    .createTable('playback_positions')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('asset_id', 'varchar(36)', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('position_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('playback_positions_pk', ['user_id', 'asset_id'])
    .execute();
  await db.schema.createIndex('playback_positions_asset_idx').on('playback_positions').column('asset_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('playback_positions').execute();
  await db.schema.dropTable('video_captions').execute();
}
