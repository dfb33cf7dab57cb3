// The hot paths' helpers on a real database: a prepared query gives what the builder gives, with
// each call's own arguments, on both dialects; group commit (SQLite) answers each write after one
// shared commit, keeps a refused write's neighbours, and fails the whole group on any other error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createDatabase, type Database } from './database.ts';
import { createGroupCommit } from './group-commit.ts';
import { prepared } from './prepared.ts';

class Refused extends Error {}

for (const dialect of TEST_DIALECTS) {
  describe(`prepared queries and group commit (${dialect})`, () => {
    let testDb: TestDatabase;
    let db: Database;

    before(async () => {
      testDb = await createTestDatabase(dialect);
      db = createDatabase(testDb.config);
      await sql`create table hot (id varchar(36) primary key, n integer not null)`.execute(db);
    });

    after(async () => {
      await db.destroy();
      await testDb.drop();
    });

    it('runs a prepared query with each call’s arguments, in or out of a transaction', async () => {
      // biome-ignore lint/suspicious/noExplicitAny: a table of this test's own, outside the schema's types.
      const put = prepared(2, (trx, id: string, n: number) => (trx as any).insertInto('hot').values({ id, n }));
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      const get = prepared(1, (trx, id: string) => (trx as any).selectFrom('hot').select(['id', 'n']).where('id', '=', id).where('n', '>', 0));
      await put.execute(db, 'a', 1);
      await db.transaction().execute(async (trx) => {
        await put.execute(trx, 'b', 2);
      });
      assert.deepEqual((await get.execute(db, 'a')).rows, [{ id: 'a', n: 1 }]);
      assert.deepEqual((await get.execute(db, 'b')).rows, [{ id: 'b', n: 2 }]);
      assert.deepEqual((await get.execute(db, 'c')).rows, []);
    });

    it('refuses a prepared query that leaves an argument out of its SQL', async () => {
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      const bad = prepared(2, (trx, id: string, _unused: number) => (trx as any).selectFrom('hot').select('id').where('id', '=', id));
      await assert.rejects(bad.execute(db, 'a', 1), /did not reach the SQL/);
    });

    it('answers each write of a group after one commit, a refused one alone', async () => {
      const group = createGroupCommit(db, (err) => err instanceof Refused);
      const write = (id: string, refuse = false) =>
        group.run(async (trx) => {
          if (refuse) throw new Refused(id);
          await sql`insert into hot (id, n) values (${id}, 1)`.execute(trx);
          return id;
        });
      const results = await Promise.allSettled([write('g1'), write('g2', true), write('g3')]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      const rows = await sql<{ id: string }>`select id from hot where id like 'g%' order by id`.execute(db);
      assert.deepEqual(
        rows.rows.map((r) => r.id),
        ['g1', 'g3'],
      );
    });

    it('fails the whole group, and writes nothing of it, on an error that is not a refusal', async () => {
      const group = createGroupCommit(db, (err) => err instanceof Refused);
      const write = (id: string) =>
        group.run(async (trx) => {
          await sql`insert into hot (id, n) values (${id}, 1)`.execute(trx);
          return id;
        });
      // The second repeats the first's key: a constraint error, not a refusal.
      const results = await Promise.allSettled([write('h1'), write('h1'), write('h2')]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected', 'rejected'],
      );
      const rows = await sql<{ id: string }>`select id from hot where id like 'h%'`.execute(db);
      assert.deepEqual(rows.rows, []);
      // The next group commits as usual.
      assert.equal(await write('h3'), 'h3');
    });
  });
}
