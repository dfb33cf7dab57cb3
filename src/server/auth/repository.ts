// All SQL of sign-in: sessions, throttle counters and the one-time setup marker.
import type { Kysely, Selectable } from 'kysely';
import type { DB, SessionsTable } from '../db/types.ts';
import type { UserRow } from '../users/repository.ts';
import type { ThrottleState } from './throttle.ts';

export type SessionRow = Selectable<SessionsTable>;

const SETUP_MARKER = 'setup_completed_at';

export function createAuthRepository(db: Kysely<DB>) {
  return {
    async insertSession(session: SessionRow): Promise<void> {
      await db.insertInto('sessions').values(session).execute();
    },

    async findSessionWithUser(idHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('users')
        .select([
          'sessions.id_hash',
          'sessions.user_id',
          'sessions.created_at as session_created_at',
          'sessions.last_seen_at',
          'sessions.expires_at',
          'sessions.user_agent',
          'sessions.ip',
        ])
        .where('sessions.id_hash', '=', idHash)
        .executeTakeFirst();
      if (!row) return undefined;
      const { id_hash, user_id, session_created_at, last_seen_at, expires_at, user_agent, ip, ...user } = row;
      return {
        session: { id_hash, user_id, created_at: session_created_at, last_seen_at, expires_at, user_agent, ip },
        user,
      };
    },

    async touchSession(idHash: string, now: number): Promise<void> {
      await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
    },

    /** Deletes a session; returns its user's id, or undefined when there was none. */
    async deleteSession(idHash: string): Promise<string | undefined> {
      const row = await db.deleteFrom('sessions').where('id_hash', '=', idHash).returning('user_id').executeTakeFirst();
      return row?.user_id;
    },

    async deleteSessionsOfUser(userId: string, exceptIdHash?: string): Promise<void> {
      let query = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
      await query.execute();
    },

    async deleteExpiredSessions(now: number, idleMs: number): Promise<number> {
      const result = await db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async getThrottle(key: string): Promise<ThrottleState | undefined> {
      const row = await db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
      return row && { failures: row.failures, windowStartedAt: row.window_started_at, lockedUntil: row.locked_until };
    },

    async saveThrottle(key: string, state: ThrottleState): Promise<void> {
      const values = { failures: state.failures, window_started_at: state.windowStartedAt, locked_until: state.lockedUntil };
      await db
        .insertInto('login_throttle')
        .values({ key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .execute();
    },

    /**
     * Reads the throttle rows of `keys`, lets `decide` compute their new states, and writes them,
     * all in one transaction holding the rows' locks, so concurrent attempts on any web node see
     * each other's counts. `decide` gets and returns states by key (undefined: no row / delete).
     */
    async updateThrottles<T>(
      keys: string[],
      decide: (states: Map<string, ThrottleState | undefined>) => { states: Map<string, ThrottleState | undefined>; result: T },
    ): Promise<T> {
      const sorted = [...new Set(keys)].sort();
      return db.transaction().execute(async (trx) => {
        // Creating or touching each row takes its write lock (PostgreSQL: the row; SQLite: the
        // database), always in the same key order so two attempts never deadlock.
        for (const key of sorted) {
          await trx
            .insertInto('login_throttle')
            .values({ key, failures: 0, window_started_at: 0, locked_until: null })
            .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb.ref('login_throttle.failures') })))
            .execute();
        }
        const rows = await trx.selectFrom('login_throttle').selectAll().where('key', 'in', sorted).execute();
        const states = new Map<string, ThrottleState | undefined>();
        for (const key of sorted) {
          const row = rows.find((r) => r.key === key);
          states.set(
            key,
            row && (row.failures > 0 || row.locked_until != null)
              ? { failures: row.failures, windowStartedAt: Number(row.window_started_at), lockedUntil: row.locked_until }
              : undefined,
          );
        }
        const decided = decide(states);
        for (const key of sorted) {
          const state = decided.states.get(key);
          if (!state || (state.failures <= 0 && state.lockedUntil === null)) {
            await trx.deleteFrom('login_throttle').where('key', '=', key).execute();
          } else {
            await trx
              .updateTable('login_throttle')
              .set({ failures: state.failures, window_started_at: state.windowStartedAt, locked_until: state.lockedUntil })
              .where('key', '=', key)
              .execute();
          }
        }
        return decided.result;
      });
    },

    async clearThrottle(key: string): Promise<void> {
      await db.deleteFrom('login_throttle').where('key', '=', key).execute();
    },

    /** Counters whose window and lock both ended before `before`. */
    async deleteStaleThrottles(before: number): Promise<void> {
      await db
        .deleteFrom('login_throttle')
        .where('window_started_at', '<', before)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
        .execute();
    },

    async isSetupCompleted(): Promise<boolean> {
      const row = await db.selectFrom('app_settings').select('key').where('key', '=', SETUP_MARKER).executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Claims the one-time setup inside `trx`. The marker's primary key makes a second,
     * concurrent setup fail instead of creating a second first administrator.
     */
    async claimSetup(trx: Kysely<DB>, now: number): Promise<void> {
      await trx.insertInto('app_settings').values({ key: SETUP_MARKER, value: String(now), updated_at: now }).execute();
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
