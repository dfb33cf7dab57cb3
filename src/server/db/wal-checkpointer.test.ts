// SQLite's log is checkpointed by the worker thread, not by the commits on the event loop, and
// closing still leaves one self-contained database file (the log checkpointed and removed).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import SQLite from 'better-sqlite3';
import type { CheckpointReport } from './wal-checkpoint-worker.ts';
import { createDatabase } from './database.ts';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, checkpointReports, watchWal } from './wal-checkpointer.ts';

function reportFor(file: string, accept: (report: CheckpointReport) => boolean): Promise<CheckpointReport> {
  return new Promise((resolve) => {
    const listener = (report: CheckpointReport) => {
      if (report.file !== file || !accept(report)) return;
      checkpointReports.off('report', listener);
      resolve(report);
    };
    checkpointReports.on('report', listener);
  });
}

describe('WAL checkpoints off the event loop (SQLite)', () => {
  it('checkpoints the log from the worker while the server’s connection only writes', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lectern-wal-'));
    const file = path.join(dir, 'db.sqlite');
    try {
      const db = createDatabase({ dialect: 'sqlite', file });
      const pages = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
      assert.equal(pages.rows[0]?.wal_autocheckpoint, BACKSTOP_AUTOCHECKPOINT_PAGES);

      await sql`create table notes (id integer primary key, body text not null)`.execute(db);
      // 200 commits of a few pages each: far below the backstop, so the server's connection
      // never checkpoints on its own; only the worker can have copied these frames.
      const copied = reportFor(file, (r) => r.checkpointed >= 200);
      for (let i = 0; i < 200; i++) await sql`insert into notes (body) values (${'x'.repeat(2000)})`.execute(db);
      const report = await copied;
      assert.equal(report.error, undefined);
      assert.ok(report.checkpointed <= report.log, `${report.checkpointed} of ${report.log} frames`);

      await db.destroy();
      // The worker closed first, so the server's close was the last: log checkpointed, removed.
      assert.equal(existsSync(`${file}-wal`), false, 'the log was removed on close');
      const reopened = new SQLite(file, { readonly: true });
      assert.equal((reopened.prepare('select count(*) as n from notes').get() as { n: number }).n, 200);
      reopened.close();
      assert.ok(statSync(file).size > 200 * 2000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that does not exist instead of making it', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lectern-wal-'));
    const file = path.join(dir, 'missing.sqlite');
    try {
      const failed = reportFor(file, (r) => r.error !== undefined);
      const stop = watchWal(file);
      assert.match(String((await failed).error), /unable to open|does not exist|CANTOPEN/i);
      stop();
      assert.equal(existsSync(file), false, 'the worker did not create the file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
