import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes } from './format-bytes.ts';

describe('formatBytes', () => {
  it('reads as a file manager shows sizes', () => {
    assert.equal(formatBytes(0), '0 bytes');
    assert.equal(formatBytes(1), '1 byte');
    assert.equal(formatBytes(1023), '1023 bytes');
    assert.equal(formatBytes(10 * 1024), '10 KB');
    assert.equal(formatBytes(3.44 * 1024 * 1024), '3.4 MB');
    assert.equal(formatBytes(211 * 1024 * 1024), '211 MB');
    assert.equal(formatBytes(4 * 1024 ** 3), '4 GB');
    assert.equal(formatBytes(-1), '');
    assert.equal(formatBytes(Number.NaN), '');
  });
});
