// Sign-in, sessions and first-run setup. No HTTP and no SQL here.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LoginInput, SetupInput } from '../../shared/accounts.ts';
import type { DB } from '../db/types.ts';
import type { EndStreamsSignal, EventBus } from '../events/bus.ts';
import { conflict, type DomainError, forbidden, rateLimited, unauthenticated } from '../errors.ts';
import type { UserRow, UsersRepository } from '../users/repository.ts';
import { createPasswordHasher, HashQueueFullError, type PasswordHasher } from './hash-limiter.ts';
import { needsRehash } from './password.ts';
import type { AuthRepository, SessionRow } from './repository.ts';
import {
  admitAttempt,
  refundAttempt,
  settleFailure,
  type ThrottleDecision,
  type ThrottlePolicy,
} from './throttle.ts';

export interface AuthServiceOptions {
  session: { idleMs: number; absoluteMs: number };
  loginThrottle: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; lockMs: number };
  passwordScryptLogN: number;
  /** Hashing through the web process's limiter; unlimited when absent (command line, tests). */
  hasher?: PasswordHasher;
  now?: () => number;
}

/** The throttle keys of one password check: the account (by email) and the client's address. */
export interface ThrottleKeys {
  account: string;
  address: string;
}

export function throttleKeys(email: string, ip: string): ThrottleKeys {
  return { account: `account:${email.toLowerCase()}`, address: `address:${ip}` };
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

/**
 * A session and its user, once read, are trusted this long without reading them again: a page's
 * burst of requests (or a test's answer saves) reads them once. Sign-out, disabling, a password or
 * role change forget them at once on every web node (the end-streams signal); what only a lost
 * signal or the command line (no event bus) changes shows within this time.
 */
export const SESSION_REMEMBER_MS = 5_000;
const REMEMBERED_SESSIONS = 10_000;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createAuthService(
  deps: {
    db: Kysely<DB>;
    auth: AuthRepository;
    users: UsersRepository;
    /**
     * Tells every web node to end the event streams of ended sessions, and hears those signals to
     * forget the sessions it remembers; absent on the command line.
     */
    bus?: Pick<EventBus, 'signal' | 'onSignal'>;
  },
  options: AuthServiceOptions,
) {
  const now = options.now ?? Date.now;
  const { auth, users } = deps;
  const hasher = options.hasher ?? createPasswordHasher(options.passwordScryptLogN);
  // A lost signal is not fatal: every stream re-checks its session periodically.
  const endStreams = async (signal: EndStreamsSignal) => {
    forgetUser(signal.userId);
    await deps.bus?.signal(signal).catch(() => {});
  };

  // Sessions read recently, by id hash (see SESSION_REMEMBER_MS); oldest first.
  const remembered = new Map<string, { found: Authenticated; readAt: number }>();
  function forgetUser(userId: string): void {
    for (const [idHash, entry] of remembered) if (entry.found.user.id === userId) remembered.delete(idHash);
  }
  deps.bus?.onSignal((signal) => forgetUser(signal.userId));

  /** The session and its user, from memory when read less than SESSION_REMEMBER_MS ago. */
  async function lookUp(idHash: string, at: number, fresh = false): Promise<Authenticated | undefined> {
    const entry = remembered.get(idHash);
    if (entry && !fresh && at - entry.readAt < SESSION_REMEMBER_MS) return entry.found;
    remembered.delete(idHash);
    const found = await auth.findSessionWithUser(idHash);
    if (!found) return undefined;
    if (remembered.size >= REMEMBERED_SESSIONS) remembered.delete(remembered.keys().next().value as string);
    remembered.set(idHash, { found, readAt: at });
    return found;
  }
  // Verified against when the email is unknown, so both cases take the same time. Made on first use.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = () => {
    dummyHash ??= hasher.hash(randomBytes(16).toString('hex'));
    dummyHash.catch(() => {
      dummyHash = undefined;
    });
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

  function tooManyAttempts(decision: Extract<ThrottleDecision, { allowed: false }>, what: string): DomainError {
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    const minutes = Math.ceil(seconds / 60);
    return rateLimited(`Too many ${what}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, seconds);
  }

  const policies = (keys: ThrottleKeys): [string, ThrottlePolicy][] => {
    const { lockMs, maxFailuresPerAccount, maxFailuresPerAddress } = options.loginThrottle;
    return [
      [keys.account, { maxFailures: maxFailuresPerAccount, windowMs: lockMs }],
      [keys.address, { maxFailures: maxFailuresPerAddress, windowMs: lockMs }],
    ];
  };

  const refusal = (decisions: ThrottleDecision[]) => {
    const refused = decisions.filter((d): d is Extract<ThrottleDecision, { allowed: false }> => !d.allowed);
    if (refused.length === 0) return undefined;
    return { allowed: false as const, retryAfterMs: Math.max(...refused.map((d) => d.retryAfterMs)) };
  };

  /**
   * Checks a password under the sign-in throttle. The attempt is counted per account and per
   * address in one transaction before the hash runs (refused with 429 when either key is full or
   * locked), and given back when the password is right or was never checked (busy). A wrong
   * password keeps its count; the failure that reaches a limit is answered 429 too.
   */
  async function throttledCheck(keys: ThrottleKeys, what: string, check: () => Promise<boolean>): Promise<boolean> {
    const keyPolicies = policies(keys);
    const admitted = await auth.updateThrottles<ThrottleDecision>(keyPolicies.map(([k]) => k), (states) => {
      const at = now();
      const results = keyPolicies.map(([key, policy]) => ({ key, ...admitAttempt(states.get(key), at, policy) }));
      const refused = refusal(results.map((r) => r.decision));
      // A refused attempt counts nowhere: a locked address cannot lock an account by trying it.
      if (refused) return { states, result: refused };
      return { states: new Map(results.map((r) => [r.key, r.state])), result: { allowed: true as const } };
    });
    if (!admitted.allowed) throw tooManyAttempts(admitted, what);

    let valid: boolean;
    try {
      valid = await check();
    } catch (err) {
      await auth.updateThrottles([keys.account, keys.address], (states) => ({
        states: new Map([...states].map(([k, s]) => [k, refundAttempt(s)])),
        result: undefined,
      }));
      throw err;
    }
    if (valid) {
      // A right password clears the account's count and gives the address its attempt back.
      await auth.updateThrottles([keys.account, keys.address], (states) => ({
        states: new Map([
          [keys.account, undefined],
          [keys.address, refundAttempt(states.get(keys.address))],
        ]),
        result: undefined,
      }));
      return true;
    }
    const settled = await auth.updateThrottles([keys.account, keys.address], (states) => {
      const at = now();
      const results = keyPolicies.map(([key, policy]) => ({ key, ...settleFailure(states.get(key), at, policy) }));
      return { states: new Map(results.map((r) => [r.key, r.state])), result: refusal(results.map((r) => r.decision)) };
    });
    if (settled) throw tooManyAttempts(settled, what);
    return false;
  }

  return {
    async setupNeeded(): Promise<boolean> {
      return !(await users.anyAdminExists());
    },

    /** Creates the first administrator and signs them in; only while no administrator exists. */
    async setup(input: SetupInput, client: ClientInfo) {
      const setupDone = () => conflict('Lectern is already set up. Sign in instead.', 'setup_done');
      if (await users.anyAdminExists()) throw setupDone();
      const passwordHash = await hasher.hash(input.password);
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
      const user = await users.findByEmail(input.email);
      const valid = await throttledCheck(throttleKeys(input.email, client.ip), 'failed sign-in attempts', async () =>
        hasher.verify(input.password, user?.password_hash ?? (await getDummyHash())),
      );
      if (!user || !valid) {
        throw unauthenticated('Email or password is incorrect.', 'invalid_credentials');
      }
      if (user.disabled_at !== null) {
        throw forbidden('This account is disabled. Ask an administrator to enable it.', 'account_disabled');
      }
      if (needsRehash(user.password_hash, options.passwordScryptLogN)) {
        // Best effort: when the hashing queue is full, the upgrade waits for a later sign-in.
        const passwordHash = await hasher.hash(input.password).catch((err) => {
          if (err instanceof HashQueueFullError) return null;
          throw err;
        });
        if (passwordHash) await users.update(user.id, { password_hash: passwordHash }, now());
      }
      // Always a new session id at sign-in: a session fixed before sign-in is never reused.
      const { token } = await startSession(user.id, client);
      return { user, token };
    },

    /**
     * Checks a signed-in user's current password (before changing it) under the same throttle as
     * sign-in, sharing its per-account and per-address counts: a guess is a guess.
     */
    verifyCurrentPassword(user: UserRow, password: string, client: ClientInfo): Promise<boolean> {
      return throttledCheck(throttleKeys(user.email, client.ip), 'wrong passwords', () =>
        hasher.verify(password, user.password_hash),
      );
    },

    async logout(token: string): Promise<void> {
      const idHash = hashSessionToken(token);
      remembered.delete(idHash);
      const userId = await auth.deleteSession(idHash);
      if (userId) await endStreams({ type: 'end-streams', userId, sessionIdHashes: [idHash], reason: 'signed-out' });
    },

    /** The signed-in user for a session cookie, or null when absent, expired, idle or disabled. */
    async authenticate(token: string): Promise<Authenticated | null> {
      const idHash = hashSessionToken(token);
      const at = now();
      const isOver = ({ session, user }: Authenticated) =>
        session.expires_at <= at || session.last_seen_at + options.session.idleMs <= at || user.disabled_at !== null;
      let found = await lookUp(idHash, at);
      // Over by what memory says: make sure (another node may have seen it since).
      if (found && isOver(found)) found = await lookUp(idHash, at, true);
      if (!found) return null;
      const { session, user } = found;
      if (isOver(found)) {
        remembered.delete(idHash);
        await auth.deleteSession(idHash);
        await endStreams({ type: 'end-streams', userId: user.id, sessionIdHashes: [idHash], reason: 'session-ended' });
        return null;
      }
      if (at - session.last_seen_at >= TOUCH_INTERVAL_MS) {
        await auth.touchSession(idHash, at);
        session.last_seen_at = at;
      }
      return { user, session };
    },

    /**
     * The signed-in state an open event stream was granted still holds: its session exists and
     * has not timed out, and its user is neither disabled nor of another role now. Reads only
     * (an open stream does not keep a session alive).
     */
    async streamStillAllowed(idHash: string, granted: Pick<UserRow, 'id' | 'role'>): Promise<boolean> {
      const found = await auth.findSessionWithUser(idHash);
      if (!found) return false;
      const at = now();
      const { session, user } = found;
      if (session.expires_at <= at || session.last_seen_at + options.session.idleMs <= at) return false;
      return user.disabled_at === null && user.id === granted.id && user.role === granted.role;
    },

    /** Ends the user's sessions (all, or all but one) and the event streams they opened on every node. */
    async endSessionsOfUser(
      userId: string,
      exceptIdHash?: string,
      reason: EndStreamsSignal['reason'] = 'session-ended',
    ): Promise<void> {
      await auth.deleteSessionsOfUser(userId, exceptIdHash);
      await endStreams({ type: 'end-streams', userId, exceptSessionIdHash: exceptIdHash, reason });
    },

    /** The user's account changed (name, role): their sessions are read again on the next request. */
    forgetUser,

    /** Ends the user's event streams (not their sessions), e.g. after a role change: browsers reconnect. */
    endStreamsOfUser(userId: string, reason: EndStreamsSignal['reason']): Promise<void> {
      return endStreams({ type: 'end-streams', userId, reason });
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
