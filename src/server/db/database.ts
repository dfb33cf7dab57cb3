// Builds the Kysely instance for the configured dialect. Feature code never asks which one.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import type { DB } from './types.ts';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, WAL_SIZE_LIMIT_BYTES, watchWal } from './wal-checkpointer.ts';

// int8 (COUNT(*), bigint columns) as JS numbers: our values are epoch ms and counts, far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export type Database = Kysely<DB>;

export function createDatabase(config: DatabaseConfig): Database {
  if (config.dialect === 'sqlite') {
    const { sqlite, stopCheckpoints } = openSqlite(config.file);
    return new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, stopCheckpoints) }) });
  }
  const pool = new pg.Pool({ connectionString: config.connectionString, max: 10 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * The server's SQLite connection: WAL, foreign keys, a busy timeout, `synchronous = NORMAL` (a commit
 * survives a crash of the process; a power loss may lose the last commits, never the file's
 * consistency), and the log checkpointed on a worker thread (wal-checkpointer.ts) until
 * `stopCheckpoints` is called.
 */
export function openSqlite(file: string): { sqlite: SQLite.Database; stopCheckpoints: () => void } {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // This connection's own automatic checkpoint is only the backstop (see wal-checkpointer.ts).
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  return { sqlite, stopCheckpoints: watchWal(sqlite.name) };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely asks better-sqlite3 to prepare every query it runs, and preparing was the largest cost of a
 * small query (a sixth of an answer save's CPU time): the same SQL text reuses its prepared statement.
 * A statement still being iterated (a streamed query) is not shared: a fresh one is prepared.
 */
function withStatementCache(sqlite: SQLite.Database, beforeClose: () => void): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(source: string) {
      const cached = cache.get(source);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(source);
      if (!cached) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(source, statement);
      }
      return statement;
    },
    close() {
      cache.clear();
      beforeClose();
      sqlite.close();
    },
  };
}

export function describeDatabase(config: DatabaseConfig): string {
  if (config.dialect === 'sqlite') return `SQLite at ${config.file}`;
  const url = new URL(config.connectionString);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}
