import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueState, dueText, endOfDay } from './due.ts';

describe('due dates', () => {
  const now = Date.parse('2027-01-10T12:00:00Z');
  it('tells overdue, soon and later apart', () => {
    assert.equal(dueState('2027-01-09T12:00:00Z', now), 'overdue');
    assert.equal(dueState('2027-01-15T12:00:00Z', now), 'soon');
    assert.equal(dueState('2027-02-15T12:00:00Z', now), 'later');
    assert.match(dueText('2027-01-09T12:00:00Z', now), /^Overdue since /);
    assert.match(dueText('2027-02-15T12:00:00Z', now), /^Due /);
  });
  it('reads a date input as the end of that day', () => {
    assert.equal(endOfDay(''), null);
    assert.equal(endOfDay('31/01/2027'), null);
    const iso = endOfDay('2027-01-31');
    assert.ok(iso);
    const local = new Date(iso);
    assert.deepEqual([local.getFullYear(), local.getMonth(), local.getDate(), local.getHours()], [2027, 0, 31, 23]);
  });
});
