// `npm run db:migrate`: applies pending migrations and says which.
import { createDatabase, describeDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { exitWith, loadConfigOrExit } from './context.ts';

const config = loadConfigOrExit();
const db = createDatabase(config.database);
try {
  const applied = await migrateToLatest(db);
  const where = describeDatabase(config.database);
  console.log(applied.length ? `Applied to ${where}:\n  ${applied.join('\n  ')}` : `${where} is up to date.`);
} catch (err) {
  exitWith(`lectern: ${(err as Error).message}`);
} finally {
  await db.destroy();
}
