// Session timeouts, driven by a fake clock against the real repositories.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createMemoryEventBus } from '../events/bus.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/databases.ts';
import { createUsersRepository } from '../users/repository.ts';
import { hashPassword } from './password.ts';
import { createAuthRepository } from './repository.ts';
import { createAuthService, SESSION_REMEMBER_MS } from './service.ts';

const MINUTE = 60_000;

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] session lifetime`, () => {
    let testDb: TestDatabase;
    let db: Database;
    let clock = 1_000_000_000_000;
    const client = { ip: '127.0.0.1', userAgent: 'test' };
    const password = 'a long enough password';

    const service = (extra: { bus?: ReturnType<typeof createMemoryEventBus>; reads?: { count: number } } = {}) =>
      createAuthService(
        {
          db,
          auth: countingReads(createAuthRepository(db), extra.reads),
          users: createUsersRepository(db),
          bus: extra.bus,
        },
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

    it('reads a session once for a burst of requests, and again after SESSION_REMEMBER_MS', async () => {
      const reads = { count: 0 };
      const auth = service({ reads });
      const { token } = await auth.login({ email: 's@example.org', password }, client);
      for (let i = 0; i < 5; i++) assert.ok(await auth.authenticate(token));
      assert.equal(reads.count, 1);
      clock += SESSION_REMEMBER_MS;
      assert.ok(await auth.authenticate(token));
      assert.equal(reads.count, 2);
    });

    it('forgets a remembered session at sign-out and on an end-streams signal from another node', async () => {
      const bus = createMemoryEventBus();
      const auth = service({ bus });
      const other = service({ bus }); // another web node on the same bus
      const signedOut = await auth.login({ email: 's@example.org', password }, client);
      const kept = await auth.login({ email: 's@example.org', password }, client);
      assert.ok(await other.authenticate(signedOut.token));
      assert.ok(await other.authenticate(kept.token));
      await auth.logout(signedOut.token);
      assert.equal(await other.authenticate(signedOut.token), null, 'signed out on one node: refused on the other at once');
      assert.ok(await auth.authenticate(kept.token));
      // Disabled (or a password changed) elsewhere: the user's sessions end on every node.
      await auth.endSessionsOfUser(kept.user.id, undefined, 'disabled');
      assert.equal(await other.authenticate(kept.token), null);
      assert.equal(await auth.authenticate(kept.token), null);
    });

    it('without a signal (the command line), a deleted session is refused within SESSION_REMEMBER_MS', async () => {
      const auth = service();
      const { token, user } = await auth.login({ email: 's@example.org', password }, client);
      assert.ok(await auth.authenticate(token));
      await db.deleteFrom('sessions').where('user_id', '=', user.id).execute();
      clock += SESSION_REMEMBER_MS;
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

/** The auth repository, counting its session reads when `reads` is given. */
function countingReads(repository: ReturnType<typeof createAuthRepository>, reads?: { count: number }) {
  if (!reads) return repository;
  return {
    ...repository,
    findSessionWithUser(idHash: string) {
      reads.count++;
      return repository.findSessionWithUser(idHash);
    },
  };
}
