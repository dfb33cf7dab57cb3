// The reference list against the schema, on both dialects: every foreign key to assets or blobs,
// and every column named like one that holds an asset id or a blob key, is in REFERENCES — and
// nothing there names a column the schema lacks. A new table that references a file without an
// entry fails here (the test adds a throwaway one to prove it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, type Dialect, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createDatabase, type Database } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import { REFERENCES, type ReferenceTarget } from './references.ts';

interface SchemaReference {
  table: string;
  column: string;
  target: ReferenceTarget;
  /** How it was found: a foreign key, or only its name. */
  by: 'foreign key' | 'name';
}

const TARGET_OF_TABLE: Record<string, ReferenceTarget> = { assets: 'asset', blobs: 'blob' };

/** A column not under a foreign key that still holds a file's id, by its name (certificates' `pdf_blob_key`). */
function targetByName(column: string): ReferenceTarget | null {
  if (/(^|_)asset_ids?$/.test(column)) return 'asset';
  if (/(^|_)blob_keys?$/.test(column)) return 'blob';
  return null;
}

async function tableColumns(db: Database, dialect: Dialect): Promise<{ table: string; column: string }[]> {
  if (dialect === 'sqlite') {
    const tables = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(db);
    const out: { table: string; column: string }[] = [];
    for (const { name } of tables.rows) {
      const cols = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${name})`.execute(db);
      for (const c of cols.rows) out.push({ table: name, column: c.name });
    }
    return out;
  }
  const cols = await sql<{ table: string; column: string }>`
    SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
    WHERE table_schema = current_schema()`.execute(db);
  return cols.rows;
}

async function foreignKeys(db: Database, dialect: Dialect): Promise<{ table: string; column: string; refTable: string }[]> {
  if (dialect === 'sqlite') {
    const tables = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(db);
    const out: { table: string; column: string; refTable: string }[] = [];
    for (const { name } of tables.rows) {
      const fks = await sql<{ table: string; from: string }>`SELECT "table", "from" FROM pragma_foreign_key_list(${name})`.execute(db);
      for (const fk of fks.rows) out.push({ table: name, column: fk.from, refTable: fk.table });
    }
    return out;
  }
  const fks = await sql<{ table: string; column: string; refTable: string }>`
    SELECT cl.relname AS "table", att.attname AS "column", fcl.relname AS "refTable"
    FROM pg_constraint c
    JOIN pg_class cl ON cl.oid = c.conrelid
    JOIN pg_namespace ns ON ns.oid = cl.relnamespace
    JOIN pg_class fcl ON fcl.oid = c.confrelid
    CROSS JOIN LATERAL unnest(c.conkey) AS k(attnum)
    JOIN pg_attribute att ON att.attrelid = c.conrelid AND att.attnum = k.attnum
    WHERE c.contype = 'f' AND ns.nspname = current_schema()`.execute(db);
  return fks.rows;
}

/** Every column of the schema that holds an asset id or a blob key. */
async function schemaReferences(db: Database, dialect: Dialect): Promise<SchemaReference[]> {
  const found = new Map<string, SchemaReference>();
  for (const fk of await foreignKeys(db, dialect)) {
    const target = TARGET_OF_TABLE[fk.refTable];
    if (target) found.set(`${fk.table}.${fk.column}`, { table: fk.table, column: fk.column, target, by: 'foreign key' });
  }
  for (const c of await tableColumns(db, dialect)) {
    const target = targetByName(c.column);
    if (target && !found.has(`${c.table}.${c.column}`)) found.set(`${c.table}.${c.column}`, { ...c, target, by: 'name' });
  }
  return [...found.values()];
}

/** What the schema holds that the list lacks (or names for another target), as readable lines. */
function unlisted(schema: SchemaReference[]): string[] {
  return schema
    .filter((s) => !REFERENCES.some((r) => r.table === s.table && r.column === s.column && r.target === s.target))
    .map((s) => `${s.table}.${s.column} → ${s.target} (found by its ${s.by})`)
    .sort();
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] the reference list against the schema`, () => {
    let testDb: TestDatabase;
    let db: Database;
    before(async () => {
      testDb = await createTestDatabase(dialect);
      db = createDatabase(testDb.config);
      await migrateToLatest(db);
    });
    after(async () => {
      await db.destroy();
      await testDb.drop();
    });

    it('lists every column that holds an asset id or a blob key, and only those', async () => {
      const schema = await schemaReferences(db, dialect);
      assert.deepEqual(unlisted(schema), [], 'add these to REFERENCES in src/server/db/references.ts (keeps: true or false)');
      const columns = new Set((await tableColumns(db, dialect)).map((c) => `${c.table}.${c.column}`));
      for (const r of REFERENCES) {
        assert.ok(
          schema.some((s) => s.table === r.table && s.column === r.column),
          `${r.table}.${r.column} is listed but the schema has no such reference`,
        );
        for (const extra of [r.holderColumn, r.usedWhileSet]) {
          if (extra) assert.ok(columns.has(`${r.table}.${extra}`), `${r.table}.${extra} does not exist`);
        }
        if (r.keeps) assert.ok(r.holder, `${r.table}.${r.column} keeps its target: say who holds it`);
      }
    });

    it('fails for a new table that references a file without an entry in the list', async () => {
      await sql`CREATE TABLE throwaway_badges (
        id varchar(36) PRIMARY KEY,
        image varchar(36) REFERENCES assets (id),
        pdf_blob_key varchar(100)
      )`.execute(db);
      try {
        assert.deepEqual(unlisted(await schemaReferences(db, dialect)), [
          'throwaway_badges.image → asset (found by its foreign key)',
          'throwaway_badges.pdf_blob_key → blob (found by its name)',
        ]);
      } finally {
        await sql`DROP TABLE throwaway_badges`.execute(db);
      }
    });
  });
}
