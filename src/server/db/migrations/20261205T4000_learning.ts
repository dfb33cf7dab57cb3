// Learning a course: what each learner did with each file of the version they study (played ranges,
// pages seen, opened, marked done, where to resume), where they left the course, and completion,
// recorded once per learner and version. Imports nothing from the application.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('learning_progress')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // One of the version's files (the version's asset list keeps it alive; no foreign key needed).
    .addColumn('asset_id', 'varchar(36)', (c) => c.notNull())
    // JSON: [[start, end], …] seconds, sorted and disjoint; bounded by the rules.
    .addColumn('played', 'text', (c) => c.notNull())
    // JSON: [1, 2, …] pages on screen.
    .addColumn('pages_seen', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'bigint')
    .addColumn('marked_done_at', 'bigint')
    // Seconds into the media, or the page number.
    .addColumn('position', 'double precision')
    .addColumn('done_at', 'bigint')
    // Optimistic concurrency: two reports at once both land.
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('learning_progress_pk', ['user_id', 'course_id', 'version', 'asset_id'])
    .addForeignKeyConstraint('learning_progress_version_fk', ['course_id', 'version'], 'course_versions', ['course_id', 'version'])
    .execute();
  await db.schema
    .createIndex('learning_progress_course_idx')
    .on('learning_progress')
    .columns(['course_id', 'version'])
    .execute();

  await db.schema
    .createTable('course_completions')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('completed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('course_completions_pk', ['user_id', 'course_id', 'version'])
    .addForeignKeyConstraint('course_completions_version_fk', ['course_id', 'version'], 'course_versions', ['course_id', 'version'])
    .execute();
  await db.schema
    .createIndex('course_completions_course_idx')
    .on('course_completions')
    .columns(['course_id', 'version'])
    .execute();

  // Where the learner left the course, to resume there.
  await db.schema.alterTable('enrolments').addColumn('last_asset_id', 'varchar(36)').execute();
  await db.schema.alterTable('enrolments').addColumn('last_activity_at', 'bigint').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('enrolments').dropColumn('last_activity_at').execute();
  await db.schema.alterTable('enrolments').dropColumn('last_asset_id').execute();
  await db.schema.dropTable('course_completions').execute();
  await db.schema.dropTable('learning_progress').execute();
}
