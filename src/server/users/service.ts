// Account management by administrators, and each user's own profile and password.
import type { Kysely } from 'kysely';
import type { ChangePasswordInput, CreateUserInput, UpdateUserInput } from '../../shared/accounts.ts';
import { createPasswordHasher, type PasswordHasher } from '../auth/hash-limiter.ts';
import type { AuthService, ClientInfo } from '../auth/service.ts';
import type { DB } from '../db/types.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import type { UserRow, UsersRepository } from './repository.ts';

export interface UsersServiceOptions {
  passwordScryptLogN: number;
  /** Hashing through the web process's limiter; unlimited when absent (command line). */
  hasher?: PasswordHasher;
  now?: () => number;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  // PostgreSQL 23505; SQLite SQLITE_CONSTRAINT_UNIQUE.
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

const noSuchUser = () => notFound('No such user.');

export function createUsersService(
  deps: { db: Kysely<DB>; users: UsersRepository; auth: Pick<AuthService, 'endSessionsOfUser' | 'endStreamsOfUser' | 'forgetUser' | 'verifyCurrentPassword'> },
  options: UsersServiceOptions,
) {
  const now = options.now ?? Date.now;
  const { users } = deps;
  const hasher = options.hasher ?? createPasswordHasher(options.passwordScryptLogN);

  return {
    list(): Promise<UserRow[]> {
      return users.list();
    },

    async create(input: CreateUserInput): Promise<UserRow> {
      const passwordHash = await hasher.hash(input.password);
      try {
        return await users.insert({ email: input.email, displayName: input.displayName, role: input.role, passwordHash }, now());
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw conflict(`An account with the email ${input.email} already exists.`, 'email_taken');
        }
        throw err;
      }
    },

    /** Changes name, role or disabled state; an administrator cannot lock themselves or everyone out. */
    async update(actorId: string, userId: string, patch: UpdateUserInput): Promise<UserRow> {
      let roleBefore: UserRow['role'] | undefined;
      return deps.db.transaction().execute(async (trx) => {
        const user = await users.findById(userId, trx);
        if (!user) throw noSuchUser();
        roleBefore = user.role;
        const losesAdmin =
          user.role === 'admin' &&
          user.disabled_at === null &&
          ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
        if (losesAdmin && actorId === userId) {
          throw conflict('You cannot remove your own administrator access or disable yourself.', 'last_admin');
        }
        if (losesAdmin && (await users.countActiveAdmins(trx)) <= 1) {
          throw conflict('Lectern needs at least one active administrator.', 'last_admin');
        }
        const at = now();
        const disabledAt =
          patch.disabled === undefined ? user.disabled_at : patch.disabled ? (user.disabled_at ?? at) : null;
        await users.update(
          userId,
          { display_name: patch.displayName ?? user.display_name, role: patch.role ?? user.role, disabled_at: disabledAt },
          at,
          trx,
        );
        const updated = await users.findById(userId, trx);
        if (!updated) throw noSuchUser();
        return updated;
      }).then(async (updated) => {
        // Requests read the account anew (a new name shows at once on this node).
        deps.auth.forgetUser(updated.id);
        // A disabled account is signed out everywhere at once, its event streams included.
        if (updated.disabled_at !== null) await deps.auth.endSessionsOfUser(updated.id, undefined, 'disabled');
        // Streams were opened for the old role: end them, the browser reconnects with the new one.
        else if (updated.role !== roleBefore) await deps.auth.endStreamsOfUser(updated.id, 'role-changed');
        return updated;
      });
    },

    async updateProfile(userId: string, displayName: string): Promise<UserRow> {
      await users.update(userId, { display_name: displayName }, now());
      deps.auth.forgetUser(userId);
      const user = await users.findById(userId);
      if (!user) throw noSuchUser();
      return user;
    },

    /** An administrator's reset (from the command line): sets the password and ends every session. */
    async setPassword(userId: string, newPassword: string): Promise<void> {
      const passwordHash = await hasher.hash(newPassword);
      await users.update(userId, { password_hash: passwordHash }, now());
      await deps.auth.endSessionsOfUser(userId, undefined, 'password-changed');
    },

    /** Changes one's own password and signs out every other session of the account. */
    async changePassword(
      userId: string,
      currentSessionIdHash: string,
      input: ChangePasswordInput,
      client: ClientInfo,
    ): Promise<void> {
      const user = await users.findById(userId);
      if (!user) throw noSuchUser();
      // Throttled like sign-in: a stolen session must not become a password-guessing oracle.
      if (!(await deps.auth.verifyCurrentPassword(user, input.currentPassword, client))) {
        throw invalid('The current password is incorrect.', 'wrong_password', {
          issues: [{ path: 'currentPassword', message: 'The current password is incorrect.' }],
        });
      }
      const passwordHash = await hasher.hash(input.newPassword);
      await users.update(userId, { password_hash: passwordHash }, now());
      await deps.auth.endSessionsOfUser(userId, currentSessionIdHash, 'password-changed');
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
