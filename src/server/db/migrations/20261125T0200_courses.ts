// Published courses: immutable versions written by publishing a draft, the assets each version uses,
// and enrolments pinned to a version. Drafts learn which course (and version) they edit.
// Imports nothing from the application.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('courses')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('owner_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    // Bumped by each publish in the same statement that claims the number, so two publishes of the
    // same course cannot both write version N+1.
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('courses_owner_idx').on('courses').column('owner_id').execute();

  await db.schema
    .createTable('course_versions')
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull().references('courses.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    // JSON: basics, files, test set, exactly as published.
    .addColumn('content', 'text', (c) => c.notNull())
    // The draft it came from: unique, so two publishes of one draft yield one version.
    .addColumn('source_draft_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('published_by', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('course_versions_pk', ['course_id', 'version'])
    .execute();

  // Every asset a version points at (files, cover, question and answer images): what learners of
  // that version may read, and what the collector must keep.
  await db.schema
    .createTable('course_version_assets')
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('asset_id', 'varchar(36)', (c) => c.notNull().references('assets.id'))
    .addPrimaryKeyConstraint('course_version_assets_pk', ['course_id', 'version', 'asset_id'])
    .addForeignKeyConstraint('course_version_assets_version_fk', ['course_id', 'version'], 'course_versions', ['course_id', 'version'])
    .execute();
  await db.schema.createIndex('course_version_assets_asset_idx').on('course_version_assets').column('asset_id').execute();

  await db.schema
    .createTable('enrolments')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('enrolments_pk', ['user_id', 'course_id'])
    .addForeignKeyConstraint('enrolments_version_fk', ['course_id', 'version'], 'course_versions', ['course_id', 'version'])
    .execute();
  await db.schema.createIndex('enrolments_course_idx').on('enrolments').columns(['course_id', 'version']).execute();

  await db.schema.alterTable('drafts').addColumn('course_id', 'varchar(36)', (c) => c.references('courses.id')).execute();
  await db.schema.alterTable('drafts').addColumn('base_version', 'integer').execute();
  await db.schema.createIndex('drafts_course_idx').on('drafts').column('course_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('drafts_course_idx').execute();
  await db.schema.alterTable('drafts').dropColumn('base_version').execute();
  await db.schema.alterTable('drafts').dropColumn('course_id').execute();
  await db.schema.dropTable('enrolments').execute();
  await db.schema.dropTable('course_version_assets').execute();
  await db.schema.dropTable('course_versions').execute();
  await db.schema.dropTable('courses').execute();
}
