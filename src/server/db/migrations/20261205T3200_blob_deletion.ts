// Blob deletion without storage I/O inside a transaction: a blob row is marked as being deleted
// (`deleting_at`), its object deleted outside the transaction, then the row removed. A marked blob
// is never claimed by a new upload of the same content; a mark left by a killed process is finished
// after 15 minutes. Imports nothing from the application.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('blobs').addColumn('deleting_at', 'bigint').execute();
  // Only marked rows: the stale-mark sweep reads a handful, never the table.
  await sql`CREATE INDEX blobs_deleting_idx ON blobs (deleting_at) WHERE deleting_at IS NOT NULL`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('blobs_deleting_idx').execute();
  await db.schema.alterTable('blobs').dropColumn('deleting_at').execute();
}
