// Queries of the hot paths (an answer save, a progress report) built and compiled once: Kysely
// builds an operation tree and compiles it to SQL on every call, which cost about as much CPU as
// running the small query itself. A prepared query is written with the query builder as usual;
// it is compiled the first time it runs, with a marker in the place of each argument, and later
// calls only put their arguments in those places. The SQL text is the same on every call, so on
// SQLite the statement cache (database.ts) reuses its prepared statement too.
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DB } from './types.ts';

/** A marker standing for an argument while the query is compiled. */
class Argument {
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
}

type Slot = { argument: number } | { value: unknown };

export interface PreparedQuery<A extends readonly unknown[], R> {
  /** Runs the query on `db` (the database or a transaction of it) with these arguments. */
  execute(db: Kysely<DB>, ...args: A): Promise<QueryResult<R>>;
}

/**
 * A query whose shape does not depend on its arguments: `build` must use each argument only as a
 * value (compared, inserted, set), never to choose the query's shape, since it runs once. Every
 * argument must reach the SQL as a parameter (once or more); compiling checks it.
 */
export function prepared<A extends readonly unknown[], R>(
  arity: A['length'],
  build: (db: Kysely<DB>, ...args: A) => Compilable<R>,
): PreparedQuery<A, R> {
  let template: { compiled: CompiledQuery<R>; slots: Slot[] } | undefined;

  function compile(db: Kysely<DB>) {
    const markers = Array.from({ length: arity }, (_, i) => new Argument(i));
    const compiled = build(db, ...(markers as unknown as A)).compile();
    const seen = new Set<number>();
    const slots = compiled.parameters.map((value): Slot => {
      if (!(value instanceof Argument)) return { value };
      seen.add(value.index);
      return { argument: value.index };
    });
    if (seen.size !== arity) throw new Error(`prepared query: ${arity - seen.size} argument(s) did not reach the SQL`);
    return { compiled, slots };
  }

  return {
    execute(db, ...args) {
      try {
        template ??= compile(db);
      } catch (err) {
        return Promise.reject(err);
      }
      const { compiled, slots } = template;
      const parameters = slots.map((slot) => ('argument' in slot ? args[slot.argument] : slot.value));
      return db.executeQuery<R>({ ...compiled, parameters });
    },
  };
}
