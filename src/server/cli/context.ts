// Shared start-up for command-line tools: config, database, migrations, clean failure.
import type { Config } from '../config.ts';
import { createDatabase, type Database, describeDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';

export { loadConfigOrExit } from '../process.ts';

export function exitWith(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** Opens the configured database, brought up to date. */
export async function openMigratedDatabase(config: Config): Promise<Database> {
  const db = createDatabase(config.database);
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy().catch(() => {});
    exitWith(`lectern: cannot prepare the database (${describeDatabase(config.database)}): ${(err as Error).message}`);
  }
  return db;
}
