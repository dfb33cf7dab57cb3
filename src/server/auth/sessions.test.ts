// Session timeouts, driven by a fake clock against the real repositories.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createUsersRepository } from '../users/repository.ts';
import { hashPassword } from './password.ts';
import { createAuthRepository } from './repository.ts';
import { createAuthService } from './service.ts';

const MINUTE = 60_000;

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] session lifetime`, () => {
    let testDb: TestDatabase;
    let db: Database;
    let clock = 1_000_000_000_000;
    const client = { ip: '127.0.0.1', userAgent: 'test' };
    const password = 'a long enough password';

    const service = () =>
      createAuthService(
        { db, auth: createAuthRepository(db), users: createUsersRepository(db) },
        {
          session: { idleMs: 30 * MINUTE, absoluteMs: 120 * MINUTE },
          loginThrottle: { maxFailuresPerAccount: 5, maxFailuresPerAddress: 20, lockMs: 15 * MINUTE },
          passwordScryptLogN: 10,
          now: () => clock,
        },
      );

    before(async () => {
      testDb = await createTestDatabase(dialect);
      db = createDatabase(testDb.config);
      await migrateToLatest(db);
      await createUsersRepository(db).insert(
        { email: 's@example.org', displayName: 'S', role: 'learner', passwordHash: await hashPassword(password, 10) },
        clock,
      );
    });
    after(async () => {
      await db.destroy();
      await testDb.drop();
    });

    it('ends a session left idle longer than the idle timeout', async () => {
      const auth = service();
      const { token } = await auth.login({ email: 's@example.org', password }, client);
      clock += 29 * MINUTE;
      assert.ok(await auth.authenticate(token));
      clock += 29 * MINUTE; // active 29 minutes ago: still alive
      assert.ok(await auth.authenticate(token));
      clock += 31 * MINUTE;
      assert.equal(await auth.authenticate(token), null);
    });

    it('ends an active session at the absolute timeout', async () => {
      const auth = service();
      const { token } = await auth.login({ email: 's@example.org', password }, client);
      for (let i = 0; i < 5; i++) {
        clock += 20 * MINUTE;
        assert.ok(await auth.authenticate(token), `alive after ${(i + 1) * 20} minutes`);
      }
      clock += 21 * MINUTE;
      assert.equal(await auth.authenticate(token), null);
    });

    it('purges expired sessions from the table (the hourly job runs this)', async () => {
      const auth = service();
      await auth.login({ email: 's@example.org', password }, client);
      clock += 31 * MINUTE;
      await auth.purgeExpired();
      const { count } = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      assert.equal(Number(count), 0);
    });
  });
}
