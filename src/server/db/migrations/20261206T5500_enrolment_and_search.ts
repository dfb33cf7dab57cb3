// Enrolment settings and catalog search. A course is open to self-enrolment or by invitation only; an
// enrolment may carry a due date and who enrolled the learner; a learner who leaves keeps their history in
// past_enrolments (progress rows stay), so re-enrolling resumes the same version where they left it. Each
// version keeps lower-cased search text (title, topics, short description), its topics as a delimited key
// and its language, so the catalog searches with LIKE on both dialects. Imports nothing from the application.
import { type Kysely, sql } from 'kysely';

/** Same rules as courses/search.ts at the time of writing (a migration keeps its own copy). */
function searchColumns(content: string): { search_text: string; topics_key: string; language: string } {
  let basics: { title?: unknown; topics?: unknown; shortDescription?: unknown; language?: unknown } = {};
  try {
    basics = (JSON.parse(content) as { basics?: typeof basics }).basics ?? {};
  } catch {
    // An unreadable row is left unsearchable rather than failing the migration.
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const topics = Array.isArray(basics.topics) ? basics.topics.map(text).filter(Boolean) : [];
  return {
    search_text: [text(basics.title), topics.join('\n'), text(basics.shortDescription)].join('\n').toLowerCase(),
    topics_key: `\n${topics.map((t) => t.trim().toLowerCase()).join('\n')}\n`,
    language: text(basics.language) || 'en',
  };
}

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('courses')
    .addColumn('self_enrolment', 'varchar(12)', (c) => c.notNull().defaultTo('open'))
    .execute();

  await db.schema.alterTable('enrolments').addColumn('due_at', 'bigint').execute();
  await db.schema.alterTable('enrolments').addColumn('enrolled_by', 'varchar(36)').execute();

  await db.schema
    .createTable('past_enrolments')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
    .addColumn('enrolled_by', 'varchar(36)')
    .addColumn('due_at', 'bigint')
    .addColumn('last_asset_id', 'varchar(36)')
    .addColumn('last_activity_at', 'bigint')
    .addColumn('left_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('past_enrolments_pk', ['user_id', 'course_id'])
    .addForeignKeyConstraint('past_enrolments_version_fk', ['course_id', 'version'], 'course_versions', [
      'course_id',
      'version',
    ])
    .execute();

  await db.schema.alterTable('course_versions').addColumn('search_text', 'text').execute();
  await db.schema.alterTable('course_versions').addColumn('topics_key', 'text').execute();
  await db.schema.alterTable('course_versions').addColumn('language', 'varchar(35)').execute();
  const rows = await db.selectFrom('course_versions').select(['course_id', 'version', 'content']).execute();
  for (const row of rows as { course_id: string; version: number; content: string }[]) {
    await db
      .updateTable('course_versions')
      .set(searchColumns(row.content))
      .where('course_id', '=', row.course_id)
      .where('version', '=', row.version)
      .execute();
  }
  await sql`CREATE INDEX course_versions_language_idx ON course_versions (language)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('course_versions_language_idx').execute();
  await db.schema.alterTable('course_versions').dropColumn('language').execute();
  await db.schema.alterTable('course_versions').dropColumn('topics_key').execute();
  await db.schema.alterTable('course_versions').dropColumn('search_text').execute();
  await db.schema.dropTable('past_enrolments').execute();
  await db.schema.alterTable('enrolments').dropColumn('enrolled_by').execute();
  await db.schema.alterTable('enrolments').dropColumn('due_at').execute();
  await db.schema.alterTable('courses').dropColumn('self_enrolment').execute();
}
