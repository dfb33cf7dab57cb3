// The wizard's steps an author has opened in a draft, so the flowchart can tell "not visited" from
// "in progress" and show a step's problems only once the author has been there and gone on.
// A draft that exists already counts every step up to the one it was left at as visited.
// Imports nothing from the application.
import type { Kysely } from 'kysely';

const STEPS = ['basics', 'files', 'test', 'review'];

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('drafts').addColumn('visited_steps', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  for (const [index, step] of STEPS.entries()) {
    await db
      .updateTable('drafts')
      .set({ visited_steps: JSON.stringify(STEPS.slice(0, index + 1)) })
      .where('step', '=', step)
      .execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('drafts').dropColumn('visited_steps').execute();
}
