// A course's certificate signature: an image asset printed above the signatory line. A column of its
// own (not inside the template's JSON) so the reference list can keep the image alive while the
// course's settings name it. Imports nothing from the application.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  // Null: no signature image.
  await db.schema.alterTable('courses').addColumn('certificate_signature_asset_id', 'varchar(36)').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('courses').dropColumn('certificate_signature_asset_id').execute();
}
