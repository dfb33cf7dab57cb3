// Taking the test: attempts (their drawn layout fixed at start, state, deadline, grade), one row per
// answered question (the latest by sequence number), and each learner's allowance per course
// (extra time, extra attempts). Imports nothing from the application.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('quiz_attempts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // 1 for the learner's first attempt at this course's test.
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('seed', 'bigint', (c) => c.notNull())
    // JSON: [{ questionId, kind, answerIds }] in the order shown.
    .addColumn('layout', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    // null = no time limit. Moves when an accommodation changes or the attempt is reopened.
    .addColumn('deadline_at', 'bigint')
    .addColumn('submitted_at', 'bigint')
    .addColumn('submitted_by', 'varchar(16)')
    .addColumn('score', 'double precision')
    .addColumn('max_score', 'integer')
    .addColumn('percent', 'double precision')
    .addColumn('passed', 'integer')
    // JSON: [{ questionId, fraction }].
    .addColumn('grade', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('quiz_attempts_version_fk', ['course_id', 'version'], 'course_versions', ['course_id', 'version'])
    .addUniqueConstraint('quiz_attempts_number_uq', ['user_id', 'course_id', 'number'])
    .execute();
  // One open attempt per learner and test: two starts at once cannot both open one.
  await db.schema
    .createIndex('quiz_attempts_one_open_idx')
    .on('quiz_attempts')
    .columns(['user_id', 'course_id'])
    .unique()
    .where(sql.ref('state'), '=', sql.lit('open'))
    .execute();
  await db.schema.createIndex('quiz_attempts_course_idx').on('quiz_attempts').columns(['course_id', 'started_at']).execute();

  await db.schema
    .createTable('quiz_attempt_answers')
    .addColumn('attempt_id', 'varchar(36)', (c) => c.notNull().references('quiz_attempts.id'))
    .addColumn('question_id', 'varchar(36)', (c) => c.notNull())
    // JSON array of answer ids.
    .addColumn('answer_ids', 'text', (c) => c.notNull())
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    .addColumn('flagged_at', 'bigint')
    .addColumn('saved_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('quiz_attempt_answers_pk', ['attempt_id', 'question_id'])
    .execute();

  await db.schema
    .createTable('quiz_allowances')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull().references('courses.id'))
    .addColumn('time_multiplier', 'double precision', (c) => c.notNull())
    .addColumn('extra_minutes', 'integer', (c) => c.notNull())
    .addColumn('extra_attempts', 'integer', (c) => c.notNull())
    .addColumn('granted_by', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('quiz_allowances_pk', ['user_id', 'course_id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('quiz_allowances').execute();
  await db.schema.dropTable('quiz_attempt_answers').execute();
  await db.schema.dropTable('quiz_attempts').execute();
}
