// A fixed-window request counter per key (the caller's address) for the public verification
// routes: enough to stop someone walking the code space or hammering uploads, cheap, in memory
// (per node; with ≥ 128-bit codes guessing is hopeless anyway, the limit keeps the load bounded).
// The rule is pure (`countRequest`); the limiter keeps the states and forgets old windows.

export interface WindowState {
  windowStartedAt: number;
  count: number;
}

export interface RatePolicy {
  limit: number;
  windowMs: number;
}

export type RateDecision =
  | { allowed: true; state: WindowState }
  | { allowed: false; state: WindowState; retryAfterMs: number };

export function countRequest(state: WindowState | undefined, policy: RatePolicy, now: number): RateDecision {
  const current = state && now - state.windowStartedAt < policy.windowMs ? state : { windowStartedAt: now, count: 0 };
  if (current.count >= policy.limit) {
    return { allowed: false, state: current, retryAfterMs: current.windowStartedAt + policy.windowMs - now };
  }
  return { allowed: true, state: { windowStartedAt: current.windowStartedAt, count: current.count + 1 } };
}

/** At most this many keys are remembered; the oldest go first (a flood of addresses cannot grow memory). */
const MAX_KEYS = 50_000;

export function createRateLimiter(policy: RatePolicy, now: () => number = Date.now) {
  const states = new Map<string, WindowState>();
  return {
    /** Counts one request; the seconds to wait when over the limit, else null. */
    take(key: string): number | null {
      const decision = countRequest(states.get(key), policy, now());
      states.delete(key);
      states.set(key, decision.state);
      if (states.size > MAX_KEYS) states.delete(states.keys().next().value as string);
      return decision.allowed ? null : Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    },
  };
}
