import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DraftContent, EMPTY_DRAFT_CONTENT } from '../../../shared/drafts.ts';
import type { ReviewProblem } from '../../../shared/review.ts';
import { nextStep, previousStep, problemsRevealed, stepStates } from './wizard-steps.ts';

const withTitle: DraftContent = { ...EMPTY_DRAFT_CONTENT, basics: { ...EMPTY_DRAFT_CONTENT.basics, title: 'Safety' } };
const problem = (step: ReviewProblem['step'], severity: ReviewProblem['severity']): ReviewProblem => ({
  step,
  severity,
  path: step,
  code: 'x',
  message: 'x',
});
const done: DraftContent = {
  ...withTitle,
  files: [{ assetId: '11111111-1111-4111-8111-111111111111', title: 'Intro', description: '', required: true }],
  test: { ...withTitle.test, settings: { ...withTitle.test.settings, enabled: false } },
};

describe('wizard step states', () => {
  it('a new draft shows no problem before the author acts: Basics in progress, the rest not visited', () => {
    const problems = [problem('basics', 'error'), problem('test', 'error'), problem('files', 'warning')];
    assert.deepEqual(stepStates(EMPTY_DRAFT_CONTENT, problems, ['basics'], 'basics'), {
      basics: 'in-progress',
      files: 'not-visited',
      test: 'not-visited',
      review: 'not-visited',
    });
  });

  it('a step the author went on from needs attention while it has problems', () => {
    const problems = [problem('basics', 'error')];
    const states = stepStates(EMPTY_DRAFT_CONTENT, problems, ['basics', 'files'], 'files');
    assert.equal(states.basics, 'attention');
    assert.equal(states.files, 'in-progress');
    // Back on Basics to fix it: still marked until fixed.
    assert.equal(stepStates(EMPTY_DRAFT_CONTENT, problems, ['basics', 'files'], 'basics').basics, 'attention');
    assert.equal(stepStates(withTitle, [], ['basics', 'files'], 'basics').basics, 'complete');
  });

  it('a step is complete only once visited and valid; review only once opened with nothing blocking', () => {
    assert.deepEqual(stepStates(done, [], ['basics'], 'basics'), {
      basics: 'complete',
      files: 'not-visited',
      test: 'not-visited',
      review: 'not-visited',
    });
    assert.deepEqual(stepStates(done, [problem('files', 'warning')], ['basics', 'files', 'test', 'review'], 'review'), {
      basics: 'complete',
      files: 'complete',
      test: 'complete',
      review: 'complete',
    });
  });

  it('an error anywhere keeps the opened review from being complete', () => {
    const all = ['basics', 'files', 'test', 'review'] as const;
    const states = stepStates(withTitle, [problem('test', 'error')], all, 'review');
    assert.equal(states.review, 'attention');
    assert.equal(states.test, 'attention');
  });

  it("an error on the review's own fields (the certificate's signature) keeps it from being complete", () => {
    const all = ['basics', 'files', 'test', 'review'] as const;
    const states = stepStates(withTitle, [problem('review', 'error')], all, 'review');
    assert.equal(states.review, 'attention');
    assert.equal(states.basics, 'complete');
  });

  it('before the review has loaded, only the content speaks', () => {
    assert.deepEqual(stepStates(withTitle, null, ['basics', 'review'], 'review'), {
      basics: 'complete',
      files: 'not-visited',
      test: 'not-visited',
      review: 'in-progress',
    });
  });

  it('problems are revealed once a later step was opened', () => {
    assert.equal(problemsRevealed('basics', ['basics']), false);
    assert.equal(problemsRevealed('basics', ['basics', 'review']), true);
    assert.equal(problemsRevealed('test', ['basics', 'files', 'test']), false);
  });

  it('steps follow each other', () => {
    assert.equal(nextStep('basics'), 'files');
    assert.equal(nextStep('review'), null);
    assert.equal(previousStep('basics'), null);
    assert.equal(previousStep('review'), 'test');
  });
});
