import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { announcementFor, clockOffset, describeRemaining, formatRemaining, remainingMs } from './countdown.ts';

describe('the attempt timer', () => {
  it('works from the server clock, not from ticks', () => {
    const offset = clockOffset('2026-01-01T00:00:10.000Z', Date.parse('2026-01-01T00:00:00.000Z'));
    assert.equal(offset, 10_000);
    const deadline = Date.parse('2026-01-01T00:10:10.000Z');
    // However long the tab slept, the time left is the deadline minus the server's now.
    assert.equal(remainingMs(deadline, offset, Date.parse('2026-01-01T00:05:00.000Z')), 300_000);
    assert.equal(remainingMs(deadline, offset, Date.parse('2026-01-01T01:00:00.000Z')), 0);
  });

  it('announces 10, 5 and 1 minutes left once each, and the smallest mark a sleeping tab skipped', () => {
    assert.equal(announcementFor(600_500, 599_500), '10 minutes left in the test.');
    assert.equal(announcementFor(599_500, 598_500), null);
    assert.equal(announcementFor(300_001, 300_000), '5 minutes left in the test.');
    assert.equal(announcementFor(61_000, 59_000), '1 minute left in the test.');
    assert.equal(announcementFor(700_000, 200_000), '5 minutes left in the test.');
    assert.equal(announcementFor(30_000, 0), null);
  });

  it('reads the time left', () => {
    assert.equal(formatRemaining(545_000), '9:05');
    assert.equal(formatRemaining(3_723_000), '1:02:03');
    assert.equal(formatRemaining(400), '0:01');
    assert.equal(describeRemaining(545_000), '9 minutes 5 seconds left');
    assert.equal(describeRemaining(0), 'Time is up');
  });
});
