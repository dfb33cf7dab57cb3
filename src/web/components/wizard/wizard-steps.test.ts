import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DraftContent, EMPTY_DRAFT_CONTENT } from '../../../shared/drafts.ts';
import type { ReviewProblem } from '../../../shared/review.ts';
import { nextStep, previousStep, stepStates } from './wizard-steps.ts';

const withTitle: DraftContent = { ...EMPTY_DRAFT_CONTENT, basics: { ...EMPTY_DRAFT_CONTENT.basics, title: 'Safety' } };
const problem = (step: ReviewProblem['step'], severity: ReviewProblem['severity']): ReviewProblem => ({
  step,
  severity,
  path: step,
  code: 'x',
  message: 'x',
});

describe('wizard step states', () => {
  it('a new draft: nothing started, an empty title blocks', () => {
    const states = stepStates(EMPTY_DRAFT_CONTENT, [problem('basics', 'error'), problem('files', 'warning')]);
    assert.deepEqual(states, { basics: 'error', files: 'todo', test: 'todo', review: 'todo' });
  });

  it('warnings mark a begun step without blocking the review', () => {
    const content: DraftContent = {
      ...withTitle,
      files: [{ assetId: '11111111-1111-4111-8111-111111111111', title: 'Intro', description: '', required: true }],
      test: { ...withTitle.test, settings: { ...withTitle.test.settings, enabled: false } },
    };
    assert.deepEqual(stepStates(content, [problem('files', 'warning')]), {
      basics: 'complete',
      files: 'warning',
      test: 'complete',
      review: 'warning',
    });
    assert.deepEqual(stepStates(content, []), {
      basics: 'complete',
      files: 'complete',
      test: 'complete',
      review: 'complete',
    });
  });

  it('an error anywhere keeps the review from being complete', () => {
    assert.equal(stepStates(withTitle, [problem('test', 'error')]).review, 'todo');
    assert.equal(stepStates(withTitle, [problem('test', 'error')]).test, 'error');
  });

  it('before the review has loaded, only the content speaks', () => {
    assert.deepEqual(stepStates(withTitle, null), { basics: 'complete', files: 'todo', test: 'todo', review: 'todo' });
  });

  it('steps follow each other', () => {
    assert.equal(nextStep('basics'), 'files');
    assert.equal(nextStep('review'), null);
    assert.equal(previousStep('basics'), null);
    assert.equal(previousStep('review'), 'test');
  });
});
