import type { PublicUser } from '../../shared/accounts.ts';
import type { UserRow } from './repository.ts';

export function presentUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled_at !== null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
