// Sign-in throttling rules as pure functions: no clock, no database.
//
// An attempt is counted when it is admitted, before the slow password hash, so concurrent
// attempts cannot all slip past the check: once a key has `maxFailures` attempts counted (failed
// or still being checked) in its window, the next one is refused without hashing. A right
// password gives its count back (refund); a wrong one keeps it, and the failure that reaches the
// limit locks the key for one window.

export interface ThrottleState {
  /** Failed attempts in the window, plus admitted attempts still being checked. */
  failures: number;
  windowStartedAt: number;
  lockedUntil: number | null;
}

export interface ThrottlePolicy {
  maxFailures: number;
  /** Both the counting window and the lock's length. */
  windowMs: number;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export function checkThrottle(state: ThrottleState | undefined, now: number): ThrottleDecision {
  if (state?.lockedUntil && state.lockedUntil > now) {
    return { allowed: false, retryAfterMs: state.lockedUntil - now };
  }
  return { allowed: true };
}

function expired(state: ThrottleState | undefined, now: number, policy: ThrottlePolicy): boolean {
  if (!state) return true;
  if (state.lockedUntil != null) return state.lockedUntil <= now;
  return now - state.windowStartedAt >= policy.windowMs;
}

/**
 * Admits one attempt (counting it) or refuses it. A refused attempt leaves the state unchanged:
 * the key is locked, or its window already holds `maxFailures` counted attempts.
 */
export function admitAttempt(
  state: ThrottleState | undefined,
  now: number,
  policy: ThrottlePolicy,
): { decision: ThrottleDecision; state: ThrottleState | undefined } {
  const locked = checkThrottle(state, now);
  if (!locked.allowed) return { decision: locked, state };
  if (!state || expired(state, now, policy)) {
    return { decision: { allowed: true }, state: { failures: 1, windowStartedAt: now, lockedUntil: null } };
  }
  if (state.failures >= policy.maxFailures) {
    // Full of attempts still being checked: they settle within seconds, or lock the key.
    const retryAfterMs = Math.max(1000, state.windowStartedAt + policy.windowMs - now);
    return { decision: { allowed: false, retryAfterMs }, state };
  }
  return { decision: { allowed: true }, state: { ...state, failures: state.failures + 1 } };
}

/** An admitted attempt failed: its count stays, and reaching the limit locks the key for one window. */
export function settleFailure(
  state: ThrottleState | undefined,
  now: number,
  policy: ThrottlePolicy,
): { decision: ThrottleDecision; state: ThrottleState } {
  // The row vanished (cleared by a successful sign-in meanwhile): count this failure afresh.
  const base = state ?? { failures: 1, windowStartedAt: now, lockedUntil: null };
  const alreadyLocked = checkThrottle(base, now);
  if (!alreadyLocked.allowed) return { decision: alreadyLocked, state: base };
  if (base.failures >= policy.maxFailures) {
    const next = { ...base, lockedUntil: now + policy.windowMs };
    return { decision: { allowed: false, retryAfterMs: policy.windowMs }, state: next };
  }
  return { decision: { allowed: true }, state: base };
}

/** An admitted attempt succeeded (or was never checked): its count is given back. */
export function refundAttempt(state: ThrottleState | undefined): ThrottleState | undefined {
  if (!state) return undefined;
  return { ...state, failures: Math.max(0, state.failures - 1) };
}

/** The state after one more failed attempt, counted after the fact (no admission). */
export function recordFailure(state: ThrottleState | undefined, now: number, policy: ThrottlePolicy): ThrottleState {
  const admitted = admitAttempt(state, now, policy);
  const counted = admitted.decision.allowed ? admitted.state : state;
  return settleFailure(counted, now, policy).state;
}
