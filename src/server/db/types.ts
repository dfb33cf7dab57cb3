// Table types for Kysely. Times are epoch milliseconds (bigint in PostgreSQL, parsed to number);
// flags are nullable timestamps, which read the same on both dialects.
import type { Role } from '../../shared/accounts.ts';

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token: a leaked table does not leak sessions. */
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: number;
  locked_until: number | null;
}

export interface AppSettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  app_settings: AppSettingsTable;
}
