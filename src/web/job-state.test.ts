import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobState } from './jobs-api.ts';
import { movesJobForward } from './job-state.ts';

describe('a job view moves forward only', () => {
  it('follows a job through its life', () => {
    const life: JobState[] = ['created', 'active', 'retry', 'active', 'completed'];
    for (let i = 1; i < life.length; i++) assert.equal(movesJobForward(life[i - 1] as JobState, life[i] as JobState), true, life.slice(i - 1, i + 1).join(' → '));
  });

  it('keeps a finished job finished when a late event arrives', () => {
    for (const finished of ['completed', 'failed', 'cancelled'] as const) {
      for (const late of ['created', 'active', 'retry'] as const) assert.equal(movesJobForward(finished, late), false, `${finished} ← ${late}`);
    }
    assert.equal(movesJobForward('completed', 'failed'), false);
  });

  it('keeps a running job running when its late "created" arrives', () => {
    assert.equal(movesJobForward('active', 'created'), false);
    assert.equal(movesJobForward('created', 'completed'), true);
  });
});
