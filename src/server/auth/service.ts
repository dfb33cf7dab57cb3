// Sign-in, sessions and first-run setup. No HTTP and no SQL here.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LoginInput, SetupInput } from '../../shared/accounts.ts';
import type { DB } from '../db/types.ts';
import { conflict, type DomainError, forbidden, rateLimited, unauthenticated } from '../errors.ts';
import type { UserRow, UsersRepository } from '../users/repository.ts';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';
import type { AuthRepository, SessionRow } from './repository.ts';
import { checkThrottle, recordFailure, type ThrottleDecision } from './throttle.ts';

export interface AuthServiceOptions {
  session: { idleMs: number; absoluteMs: number };
  loginThrottle: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; lockMs: number };
  passwordScryptLogN: number;
  now?: () => number;
}

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

export interface Authenticated {
  user: UserRow;
  session: SessionRow;
}

/** Last-seen is written at most this often, so reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createAuthService(
  deps: { db: Kysely<DB>; auth: AuthRepository; users: UsersRepository },
  options: AuthServiceOptions,
) {
  const now = options.now ?? Date.now;
  const { auth, users } = deps;
  // Verified against when the email is unknown, so both cases take the same time. Made on first use.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = () => {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'), options.passwordScryptLogN);
    return dummyHash;
  };

  async function startSession(userId: string, client: ClientInfo): Promise<{ token: string; session: SessionRow }> {
    const token = randomBytes(32).toString('base64url');
    const at = now();
    const session: SessionRow = {
      id_hash: hashSessionToken(token),
      user_id: userId,
      created_at: at,
      last_seen_at: at,
      expires_at: at + options.session.absoluteMs,
      user_agent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip.slice(0, 64),
    };
    await auth.insertSession(session);
    return { token, session };
  }

  function tooManyAttempts(decision: Extract<ThrottleDecision, { allowed: false }>): DomainError {
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    const minutes = Math.ceil(seconds / 60);
    return rateLimited(`Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, seconds);
  }

  async function recordFailedAttempt(keys: { account: string; address: string }): Promise<ThrottleDecision> {
    const at = now();
    const { lockMs, maxFailuresPerAccount, maxFailuresPerAddress } = options.loginThrottle;
    const account = recordFailure(await auth.getThrottle(keys.account), at, {
      maxFailures: maxFailuresPerAccount,
      windowMs: lockMs,
    });
    const address = recordFailure(await auth.getThrottle(keys.address), at, {
      maxFailures: maxFailuresPerAddress,
      windowMs: lockMs,
    });
    await auth.saveThrottle(keys.account, account);
    await auth.saveThrottle(keys.address, address);
    const locked = [checkThrottle(account, at), checkThrottle(address, at)].find((d) => !d.allowed);
    return locked ?? { allowed: true };
  }

  return {
    async setupNeeded(): Promise<boolean> {
      return !(await users.anyAdminExists());
    },

    /** Creates the first administrator and signs them in; only while no administrator exists. */
    async setup(input: SetupInput, client: ClientInfo) {
      const setupDone = () => conflict('Lectern is already set up. Sign in instead.', 'setup_done');
      if (await users.anyAdminExists()) throw setupDone();
      const passwordHash = await hashPassword(input.password, options.passwordScryptLogN);
      const at = now();
      let user: UserRow;
      try {
        user = await deps.db.transaction().execute(async (trx) => {
          await auth.claimSetup(trx, at);
          return users.insert({ email: input.email, displayName: input.displayName, role: 'admin', passwordHash }, at, trx);
        });
      } catch (err) {
        if (await auth.isSetupCompleted()) throw setupDone();
        throw err;
      }
      const { token } = await startSession(user.id, client);
      return { user, token };
    },

    async login(input: LoginInput, client: ClientInfo) {
      const keys = { account: `account:${input.email}`, address: `address:${client.ip}` };
      const at = now();
      for (const key of [keys.account, keys.address]) {
        const decision = checkThrottle(await auth.getThrottle(key), at);
        if (!decision.allowed) throw tooManyAttempts(decision);
      }

      const user = await users.findByEmail(input.email);
      const valid = await verifyPassword(input.password, user?.password_hash ?? (await getDummyHash()));
      if (!user || !valid) {
        const decision = await recordFailedAttempt(keys);
        if (!decision.allowed) throw tooManyAttempts(decision);
        throw unauthenticated('Email or password is incorrect.', 'invalid_credentials');
      }
      await auth.clearThrottle(keys.account);
      if (user.disabled_at !== null) {
        throw forbidden('This account is disabled. Ask an administrator to enable it.', 'account_disabled');
      }
      if (needsRehash(user.password_hash, options.passwordScryptLogN)) {
        const passwordHash = await hashPassword(input.password, options.passwordScryptLogN);
        await users.update(user.id, { password_hash: passwordHash }, now());
      }
      // Always a new session id at sign-in: a session fixed before sign-in is never reused.
      const { token } = await startSession(user.id, client);
      return { user, token };
    },

    async logout(token: string): Promise<void> {
      await auth.deleteSession(hashSessionToken(token));
    },

    /** The signed-in user for a session cookie, or null when absent, expired, idle or disabled. */
    async authenticate(token: string): Promise<Authenticated | null> {
      const idHash = hashSessionToken(token);
      const found = await auth.findSessionWithUser(idHash);
      if (!found) return null;
      const at = now();
      const { session, user } = found;
      const expired = session.expires_at <= at || session.last_seen_at + options.session.idleMs <= at;
      if (expired || user.disabled_at !== null) {
        await auth.deleteSession(idHash);
        return null;
      }
      if (at - session.last_seen_at >= TOUCH_INTERVAL_MS) {
        await auth.touchSession(idHash, at);
        session.last_seen_at = at;
      }
      return { user, session };
    },

    endSessionsOfUser(userId: string, exceptIdHash?: string): Promise<void> {
      return auth.deleteSessionsOfUser(userId, exceptIdHash);
    },

    /** The hourly clean-up: expired sessions, and sign-in throttles whose lock has run out. */
    async purgeExpired(): Promise<void> {
      const at = now();
      await auth.deleteExpiredSessions(at, options.session.idleMs);
      await auth.deleteStaleThrottles(at - options.loginThrottle.lockMs);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
