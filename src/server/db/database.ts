// Builds the Kysely instance for the configured dialect. Feature code never asks which one.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import type { DB } from './types.ts';

// int8 (COUNT(*), bigint columns) as JS numbers: our values are epoch ms and counts, far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export type Database = Kysely<DB>;

export function createDatabase(config: DatabaseConfig): Database {
  if (config.dialect === 'sqlite') {
    mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    cachePreparedStatements(sqlite);
    return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const pool = new pg.Pool({ connectionString: config.connectionString, max: 10 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Kysely's SQLite driver prepares every query anew; compiling the SQL costs about as much as
 * running a small query. Statements are kept by their SQL (a bounded number); one still being
 * iterated is busy and gets a fresh one.
 */
function cachePreparedStatements(sqlite: SQLite.Database, max = 500) {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = statements.get(source);
    if (cached && !cached.busy) return cached;
    const statement = prepare(source);
    if (statements.size >= max) statements.delete(statements.keys().next().value as string);
    statements.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

export function describeDatabase(config: DatabaseConfig): string {
  if (config.dialect === 'sqlite') return `SQLite at ${config.file}`;
  const url = new URL(config.connectionString);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}
