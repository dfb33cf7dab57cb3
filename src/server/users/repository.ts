// All SQL about user accounts.
import type { Kysely, Selectable } from 'kysely';
import type { Role } from '../../shared/accounts.ts';
import type { DB, UsersTable } from '../db/types.ts';

export type UserRow = Selectable<UsersTable>;

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  passwordHash: string;
}

export function createUsersRepository(db: Kysely<DB>) {
  return {
    findById(id: string, trx: Kysely<DB> = db): Promise<UserRow | undefined> {
      return trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findByEmail(email: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    },

    list(): Promise<UserRow[]> {
      return db.selectFrom('users').selectAll().orderBy('created_at').orderBy('email').execute();
    },

    async insert(user: NewUser, now: number, trx: Kysely<DB> = db): Promise<UserRow> {
      const row: UserRow = {
        id: crypto.randomUUID(),
        email: user.email,
        display_name: user.displayName,
        role: user.role,
        password_hash: user.passwordHash,
        disabled_at: null,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('users').values(row).execute();
      return row;
    },

    async update(
      id: string,
      patch: Partial<Pick<UserRow, 'display_name' | 'role' | 'disabled_at' | 'password_hash'>>,
      now: number,
      trx: Kysely<DB> = db,
    ): Promise<void> {
      await trx
        .updateTable('users')
        .set({ ...patch, updated_at: now })
        .where('id', '=', id)
        .execute();
    },

    async anyAdminExists(): Promise<boolean> {
      const row = await db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst();
      return row !== undefined;
    },

    async countActiveAdmins(trx: Kysely<DB> = db): Promise<number> {
      const { count } = await trx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(count);
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
