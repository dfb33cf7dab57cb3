// Sign-in throttling rules as pure functions: no clock, no database.

export interface ThrottleState {
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

/** The state after one more failed attempt; reaching the limit locks the key for one window. */
export function recordFailure(state: ThrottleState | undefined, now: number, policy: ThrottlePolicy): ThrottleState {
  const windowExpired = !state || now - state.windowStartedAt >= policy.windowMs;
  const lockExpired = state?.lockedUntil != null && state.lockedUntil <= now;
  const base =
    windowExpired || lockExpired ? { failures: 0, windowStartedAt: now } : { failures: state.failures, windowStartedAt: state.windowStartedAt };
  const failures = base.failures + 1;
  return {
    failures,
    windowStartedAt: base.windowStartedAt,
    lockedUntil: failures >= policy.maxFailures ? now + policy.windowMs : null,
  };
}
