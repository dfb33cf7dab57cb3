// The verification rate rule: a fixed window per address, refused past the limit with the wait.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countRequest, createRateLimiter } from './rate-limit.ts';

describe('verification rate limit', () => {
  const policy = { limit: 3, windowMs: 60_000 };

  it('counts requests in a window and refuses past the limit until the window ends', () => {
    let state = countRequest(undefined, policy, 1_000).state;
    state = countRequest(state, policy, 2_000).state;
    const third = countRequest(state, policy, 3_000);
    assert.equal(third.allowed, true);
    const fourth = countRequest(third.state, policy, 4_000);
    assert.equal(fourth.allowed, false);
    assert.ok(!fourth.allowed && fourth.retryAfterMs === 57_000);
    assert.equal(countRequest(third.state, policy, 61_000).allowed, true);
  });

  it('keeps addresses apart', () => {
    let now = 0;
    const limiter = createRateLimiter(policy, () => now);
    for (let i = 0; i < 3; i++) assert.equal(limiter.take('a'), null);
    assert.equal(limiter.take('a'), 60);
    assert.equal(limiter.take('b'), null);
    now = 60_000;
    assert.equal(limiter.take('a'), null);
  });
});
