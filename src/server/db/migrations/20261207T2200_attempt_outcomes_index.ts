// A covering index of each learner's attempts at a course: the learner's graded attempts (whether
// the test is passed, read after every submission) and the states of their attempts (how many,
// whether one is open) are then read from the index alone. From the table, SQLite walks past the
// kilobytes of `layout` stored before `state` and `percent` in each row. Imports nothing from the
// application.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('quiz_attempts_outcomes_idx')
    .on('quiz_attempts')
    .columns(['user_id', 'course_id', 'version', 'state', 'number', 'percent'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('quiz_attempts_outcomes_idx').execute();
}
