// The garbage collector: a durable "uploaded for a draft" mark on assets (it outlives the draft's
// rows), the runs and their reports, and the lease that keeps one run at a time across nodes.
// Imports nothing from the application.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  // Set when an upload is linked to a draft. Such an asset lives while a draft or a course version
  // references it; an asset without it belongs to its owner's library until they delete it.
  await db.schema.alterTable('assets').addColumn('uploaded_for_draft_at', 'bigint').execute();
  await sql`UPDATE assets SET uploaded_for_draft_at = created_at
    WHERE id IN (SELECT asset_id FROM draft_assets WHERE relation = 'uploaded')`.execute(db);
  await db.schema.createIndex('assets_draft_upload_idx').on('assets').columns(['uploaded_for_draft_at', 'id']).execute();
  await db.schema.createIndex('drafts_updated_idx').on('drafts').column('updated_at').execute();

  await db.schema
    .createTable('gc_runs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    // 'schedule' | 'manual' | 'cli'
    .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
    // A dry run lists what would go and deletes nothing.
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    // 'running' | 'completed' | 'failed' | 'refused'
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    // JSON: per class items and bytes, what was flagged, errors.
    .addColumn('report', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gc_runs_started_idx').on('gc_runs').column('started_at').execute();

  // One row per lease name; a holder renews it while it works, and a killed holder's lease expires.
  await db.schema
    .createTable('gc_leases')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('holder', 'varchar(64)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('gc_leases').execute();
  await db.schema.dropTable('gc_runs').execute();
  await db.schema.dropIndex('drafts_updated_idx').execute();
  await db.schema.dropIndex('assets_draft_upload_idx').execute();
  await db.schema.alterTable('assets').dropColumn('uploaded_for_draft_at').execute();
}
