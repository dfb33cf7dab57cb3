// Upload metadata shared by all web nodes (the tus S3 store's cache). Imports nothing from the application.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('upload_kv')
    .addColumn('key', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('upload_kv').execute();
}
