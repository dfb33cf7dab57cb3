// The publishing rules for test sets (Moodle's grading rules and ours), and the shared schema's shape limits.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { MAX_CATEGORY_DEPTH, type QuizCategory, testSetSchema } from '../../shared/quiz.ts';
import { availableQuestions, isPublishable, type Problem, validateTestSet } from './rules.ts';
import { answer, category, question, single, testSet } from './testkit.ts';

const codes = (problems: Problem[]) => problems.map((p) => p.code);
const only = (q: ReturnType<typeof question>) => validateTestSet(testSet([category([q])]));

describe('test set schema', () => {
  it('fills defaults and accepts a minimal draft', () => {
    const parsed = testSetSchema.parse({});
    assert.deepEqual(parsed.settings, {
      enabled: true,
      passMarkPercent: 50,
      timeLimitMinutes: null,
      attemptsAllowed: null,
      shuffleQuestions: false,
      shuffleAnswers: true,
      review: 'score',
      reviewWhen: 'immediately',
      gradingMethod: 'highest',
      layout: 'one-per-page',
      minutesBetweenAttempts: null,
      closesAt: null,
    });
    assert.deepEqual(parsed.categories, []);
  });

  it('rejects out-of-range settings and fractions; a blank alt text is saveable (the rules refuse it)', () => {
    assert.equal(testSetSchema.safeParse({ settings: { passMarkPercent: 101 } }).success, false);
    assert.equal(testSetSchema.safeParse({ settings: { timeLimitMinutes: 0 } }).success, false);
    assert.equal(testSetSchema.safeParse({ settings: { attemptsAllowed: 101 } }).success, false);
    const withFraction = (f: number) => testSet([category([question('multiple', [f, 0.5])])]);
    assert.equal(testSetSchema.safeParse(withFraction(1.5)).success, false);
    assert.equal(testSetSchema.safeParse(withFraction(-1.01)).success, false);
    assert.equal(testSetSchema.safeParse(withFraction(-1)).success, true);
    // An imported image arrives without alt text: the draft keeps it, publishing waits for it (image-alt-blank below).
    const noAlt = single({ image: { assetId: randomUUID(), alt: '' } });
    assert.equal(testSetSchema.safeParse(testSet([category([noAlt])])).success, true);
    assert.equal(testSetSchema.safeParse(testSet([category([question('single', [1])])])).success, false);
  });

  it(`allows categories ${MAX_CATEGORY_DEPTH} deep, not deeper`, () => {
    const nest = (depth: number): QuizCategory =>
      category(depth === 1 ? [single()] : [], { children: depth === 1 ? [] : [nest(depth - 1)] });
    assert.equal(testSetSchema.safeParse(testSet([nest(MAX_CATEGORY_DEPTH)])).success, true);
    const tooDeep = testSetSchema.safeParse(testSet([nest(MAX_CATEGORY_DEPTH + 1)]));
    assert.equal(tooDeep.success, false);
    assert.deepEqual(tooDeep.error?.issues[0]?.path, [
      'categories',
      0,
      'children',
      0,
      'children',
      0,
      'children',
      0,
      'children',
      0,
      'children',
      0,
    ]);
    assert.ok(codes(validateTestSet(testSet([nest(MAX_CATEGORY_DEPTH + 1)]))).includes('category-too-deep'));
  });
});

describe('validateTestSet', () => {
  it('accepts a valid test set with every kind of question', () => {
    const set = testSet([
      category([single(), question('true-false', [0, 1]), question('multiple', [0.5, 0.5, -1])]),
      category([question('multiple', [1, 0.2, 0], { allOrNothing: true })]),
    ]);
    assert.deepEqual(validateTestSet(set), []);
    assert.ok(isPublishable(validateTestSet(set)));
  });

  it('single choice: exactly one answer at 100%', () => {
    assert.deepEqual(codes(only(question('single', [0.5, 0]))), ['single-no-full-mark']);
    assert.deepEqual(codes(only(question('single', [1, 1, 0]))), ['single-several-full-marks']);
    assert.deepEqual(only(question('single', [1, -0.5, 0.5])), [], 'penalties and partial marks are allowed');
  });

  it('multiple choice: positive fractions add up to 100%, with tolerance', () => {
    assert.deepEqual(only(question('multiple', [1 / 3, 1 / 3, 1 / 3, -1])), []);
    assert.deepEqual(only(question('multiple', [0.3333333, 0.3333333, 0.3333333])), []);
    assert.deepEqual(only(question('multiple', [0.1, 0.2, 0.7])), [], '0.1 + 0.2 is not exactly 0.3');
    const under = only(question('multiple', [0.5, 0.4, -0.5]));
    assert.deepEqual(codes(under), ['multiple-positive-sum']);
    assert.equal(under[0]?.path, 'categories.0.questions.0.answers');
    assert.match(under[0]?.message ?? '', /add up to 90%/);
    assert.deepEqual(codes(only(question('multiple', [1, 0.5]))), ['multiple-positive-sum']);
    assert.deepEqual(codes(only(question('multiple', [0, -1]))), ['multiple-positive-sum']);
  });

  it('all-or-nothing multiple choice: only the sign of fractions counts', () => {
    assert.deepEqual(only(question('multiple', [0.2, 0.2, 0], { allOrNothing: true })), []);
    assert.deepEqual(codes(only(question('multiple', [0, -1], { allOrNothing: true }))), ['all-or-nothing-no-correct']);
    const allCorrect = only(question('multiple', [1, 1], { allOrNothing: true }));
    assert.deepEqual(codes(allCorrect), ['all-or-nothing-all-correct']);
    assert.ok(isPublishable(allCorrect));
    assert.deepEqual(codes(only(single({ allOrNothing: true }))), ['all-or-nothing-ignored']);
  });

  it('true-false: two answers, one at 100% and one at 0%', () => {
    assert.deepEqual(only(question('true-false', [1, 0])), []);
    assert.deepEqual(codes(only(question('true-false', [1, 0, 0]))), ['true-false-two-answers']);
    assert.deepEqual(codes(only(question('true-false', [1, 1]))), ['true-false-marks']);
    assert.deepEqual(codes(only(question('true-false', [1, -1]))), ['true-false-marks']);
    assert.deepEqual(codes(only(question('true-false', [0.5, 0]))), ['true-false-marks']);
  });

  it('drawCount cannot exceed the questions available, subcategories included', () => {
    const child = category([single(), single(), single()], { name: 'Child', drawCount: 2 });
    const parent = (drawCount: number) => category([single()], { name: 'Parent', drawCount, children: [child] });
    assert.equal(availableQuestions(parent(1)), 3, 'one own + two drawn from the child');
    assert.deepEqual(validateTestSet(testSet([parent(3)])), []);
    const problems = validateTestSet(testSet([parent(4)]));
    assert.deepEqual(codes(problems), ['draw-count-too-high']);
    assert.equal(problems[0]?.path, 'categories.0.drawCount');
    assert.equal(problems[0]?.message, 'Category Parent has only 3 questions; it cannot draw 4.');
    const greedyChild = category([single()], { name: 'Child', drawCount: 5 });
    assert.deepEqual(codes(validateTestSet(testSet([category([single()], { children: [greedyChild] })]))), [
      'draw-count-too-high',
    ]);
  });

  it('reports duplicate ids anywhere in the tree', () => {
    const q = single();
    const copy = { ...single(), id: q.id };
    const problems = validateTestSet(testSet([category([q]), category([copy])]));
    assert.deepEqual(codes(problems), ['duplicate-id']);
    assert.equal(problems[0]?.path, 'categories.1.questions.0.id');
    const a = answer(1);
    const sameAnswer = question('single', [0], { answers: [a, { ...a, text: 'other', fraction: 0 }] });
    assert.deepEqual(codes(only(sameAnswer)), ['duplicate-id']);
  });

  it('an empty test is an error only when it is enabled', () => {
    const enabled = validateTestSet(testSet([]));
    assert.deepEqual(enabled, [
      {
        path: 'categories',
        code: 'no-questions',
        message: 'The test has no questions. Add some, or turn the test off.',
        severity: 'error',
      },
    ]);
    const disabled = validateTestSet(testSet([category([])], { enabled: false }));
    assert.deepEqual(
      disabled.map((p) => [p.code, p.severity]),
      [
        ['category-empty', 'warning'],
        ['no-questions', 'warning'],
      ],
    );
    assert.ok(isPublishable(disabled));
  });

  it('requires non-blank texts and alt texts', () => {
    const blankAlt = single({ text: '  ', image: { assetId: randomUUID(), alt: ' ' } });
    assert.deepEqual(codes(only(blankAlt)), ['question-text-blank', 'image-alt-blank']);
    const q = single();
    q.answers[0] = { ...(q.answers[0] ?? answer(1)), text: ' ' };
    assert.deepEqual(codes(only(q)), ['answer-text-blank']);
    q.answers[0] = { ...(q.answers[0] ?? answer(1)), image: { assetId: randomUUID(), alt: 'A red circle' } };
    assert.deepEqual(only(q), [], 'an image-only answer is fine');
    q.answers[1] = { ...(q.answers[1] ?? answer(0)), image: { assetId: randomUUID(), alt: '\t' } };
    assert.deepEqual(codes(only(q)), ['image-alt-blank']);
    const blankName = validateTestSet(testSet([category([single()], { name: ' ' })]));
    assert.deepEqual(codes(blankName), ['category-name-blank']);
  });

  it('warns about the same answer twice', () => {
    const q = single();
    q.answers[2] = { ...(q.answers[2] ?? answer(0)), text: ` ${q.answers[1]?.text.toUpperCase()}` };
    const problems = only(q);
    assert.deepEqual(
      problems.map((p) => [p.code, p.path, p.severity]),
      [['answer-duplicate', 'categories.0.questions.0.answers.2.text', 'warning']],
    );
  });
});
