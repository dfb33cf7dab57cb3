import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkThrottle, recordFailure, type ThrottleState } from './throttle.ts';

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
