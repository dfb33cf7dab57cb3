import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitAttempt, checkThrottle, recordFailure, refundAttempt, settleFailure, type ThrottleState } from './throttle.ts';

const policy = { maxFailures: 5, windowMs: 15 * 60_000 };

describe('sign-in throttle', () => {
  it('allows a key with no history', () => {
    assert.deepEqual(checkThrottle(undefined, 1000), { allowed: true });
  });

  it('locks on the fifth failure within the window, for one window', () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 4; i++) state = recordFailure(state, 1000 + i, policy);
    assert.equal(state?.lockedUntil, null);
    assert.deepEqual(checkThrottle(state, 2000), { allowed: true });
    state = recordFailure(state, 5000, policy);
    assert.equal(state.lockedUntil, 5000 + policy.windowMs);
    assert.deepEqual(checkThrottle(state, 6000), { allowed: false, retryAfterMs: policy.windowMs - 1000 });
    assert.deepEqual(checkThrottle(state, 5000 + policy.windowMs), { allowed: true });
  });

  it('starts counting again once the window has passed', () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 4; i++) state = recordFailure(state, i, policy);
    state = recordFailure(state, policy.windowMs + 10, policy);
    assert.equal(state.failures, 1);
    assert.equal(state.lockedUntil, null);
  });

  it('starts a fresh count after a lock expires', () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 5; i++) state = recordFailure(state, i, policy);
    const after = recordFailure(state, 4 + policy.windowMs + 1, policy);
    assert.equal(after.failures, 1);
    assert.equal(after.lockedUntil, null);
  });
});

describe('sign-in throttle: counting before the hash', () => {
  it('admits up to the limit while attempts are in flight, then refuses without counting', () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 5; i++) {
      const admitted = admitAttempt(state, 1000, policy);
      assert.equal(admitted.decision.allowed, true);
      state = admitted.state;
    }
    assert.equal(state?.failures, 5);
    const refused = admitAttempt(state, 1000, policy);
    assert.equal(refused.decision.allowed, false);
    assert.equal(refused.state, state, 'a refused attempt changes nothing');
  });

  it('a refund frees a place; the failure that reaches the limit locks for one window', () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 5; i++) state = admitAttempt(state, 1000, policy).state;
    state = refundAttempt(state);
    assert.equal(admitAttempt(state, 1000, policy).decision.allowed, true);
    const settled = settleFailure({ failures: 5, windowStartedAt: 1000, lockedUntil: null }, 2000, policy);
    assert.deepEqual(settled.decision, { allowed: false, retryAfterMs: policy.windowMs });
    assert.equal(settled.state.lockedUntil, 2000 + policy.windowMs);
    assert.equal(settleFailure({ failures: 3, windowStartedAt: 1000, lockedUntil: null }, 2000, policy).decision.allowed, true);
    // After the lock the count starts again.
    assert.deepEqual(admitAttempt(settled.state, 2000 + policy.windowMs, policy).state, {
      failures: 1,
      windowStartedAt: 2000 + policy.windowMs,
      lockedUntil: null,
    });
  });
});
