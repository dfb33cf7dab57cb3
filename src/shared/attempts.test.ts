// The rules of an attempt, without I/O: Moodle's grading edge cases through gradeAttempt,
// least-seen drawing, accepting saves, deadlines, which attempt counts and review visibility.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { category, question, testSet } from '../server/quizzes/testkit.ts';
import {
  attemptDeadline,
  attemptsLeft,
  countingGrade,
  decideSave,
  drawLayout,
  nextStartAt,
  outcomeOf,
  questionsPerAttempt,
  reviewVisibility,
  seenCounts,
  testResult,
} from './attempts.ts';
import type { Question } from './quiz.ts';
import { gradeAttempt, passes } from './quiz-grading.ts';

const pick = (q: Question, ...indexes: number[]) => indexes.map((i) => q.answers[i]?.id ?? 'missing');
const fractionOf = (q: Question, ...indexes: number[]) => gradeAttempt([q], { [q.id]: pick(q, ...indexes) }, 50).questions[0]?.fraction;

describe('grading an attempt: Moodle edge cases', () => {
  it('negative fractions: a multiple-choice penalty lowers the sum but never below 0', () => {
    const q = question('multiple', [0.5, 0.5, -0.5, -1]);
    assert.equal(fractionOf(q, 0, 2), 0);
    assert.equal(fractionOf(q, 0, 1, 2), 0.5);
    assert.equal(fractionOf(q, 3), 0);
    const single = question('single', [1, 0, -0.5]);
    assert.equal(fractionOf(single, 2), 0, 'a negative single answer clamps to 0');
  });

  it('nothing chosen scores 0 and the attempt still counts the question', () => {
    const q = question('multiple', [0.5, 0.5, 0]);
    const grade = gradeAttempt([q, question('single', [1, 0])], {}, 50);
    assert.deepEqual([grade.score, grade.maxScore, grade.percent, grade.passed], [0, 2, 0, false]);
  });

  it('all chosen: the wrong answers’ penalties cancel the right ones', () => {
    assert.equal(fractionOf(question('multiple', [0.5, 0.5, -0.5, -0.5]), 0, 1, 2, 3), 0);
    assert.equal(fractionOf(question('multiple', [0.5, 0.5, 0, 0]), 0, 1, 2, 3), 1, 'no penalty: all chosen is full marks');
    assert.equal(fractionOf(question('single', [1, 0, 0]), 0, 1, 2), 0, 'several on a single choice is nothing');
  });

  it('all-or-nothing: exactly the right set, nothing for a subset or a superset', () => {
    const q = question('multiple', [0.5, 0.5, 0, -1], { allOrNothing: true });
    assert.equal(fractionOf(q, 0, 1), 1);
    assert.equal(fractionOf(q, 0), 0);
    assert.equal(fractionOf(q, 0, 1, 2), 0);
    assert.equal(fractionOf(q), 0);
  });

  it('a third each adds up to full marks (Moodle’s tolerance)', () => {
    assert.equal(fractionOf(question('multiple', [0.3333333, 0.3333333, 0.3333333]), 0, 1, 2), 1);
  });
});

describe('drawing a layout', () => {
  const pool = () => [0, 1, 2, 3].map(() => question('single', [1, 0, 0]));

  it('prefers the questions this learner has seen least', () => {
    const questions = pool();
    const set = testSet([category(questions, { drawCount: 2 })]);
    const [a, b, c, d] = questions.map((q) => q.id) as [string, string, string, string];
    for (let seed = 0; seed < 200; seed++) {
      const ids = drawLayout(set, seed, new Map([[a, 1], [b, 1]])).map((q) => q.questionId).sort();
      assert.deepEqual(ids, [c, d].sort(), `seed ${seed}`);
      const next = drawLayout(set, seed, new Map([[a, 2], [b, 1], [c, 1]])).map((q) => q.questionId);
      assert.ok(next.includes(d) && !next.includes(a), `seed ${seed}: ${next}`);
    }
  });

  it('is random among questions seen equally often', () => {
    const questions = pool();
    const set = testSet([category(questions, { drawCount: 1 })]);
    const drawn = new Set<string>();
    for (let seed = 0; seed < 100; seed++) drawn.add((drawLayout(set, seed, new Map()).at(0) as { questionId: string }).questionId);
    assert.equal(drawn.size, 4);
  });

  it('counts what earlier layouts showed, and two attempts in turn see every question', () => {
    const questions = pool();
    const set = testSet([category(questions, { drawCount: 2 })]);
    const first = drawLayout(set, 7);
    const second = drawLayout(set, 8, seenCounts([first]));
    assert.deepEqual(new Set([...first, ...second].map((q) => q.questionId)).size, 4);
    assert.equal(questionsPerAttempt(set), 2);
  });

  it('is the same for the same seed, never repeats a question, and shuffles answers when set', () => {
    const set = testSet([category(pool(), { drawCount: 3 }), category(pool())], { shuffleAnswers: true, shuffleQuestions: true });
    const layout = drawLayout(set, 42);
    assert.deepEqual(drawLayout(set, 42), layout);
    assert.equal(layout.length, 7);
    assert.equal(new Set(layout.map((q) => q.questionId)).size, 7);
    const byId = new Map(set.categories.flatMap((c) => c.questions).map((q) => [q.id, q]));
    for (const q of layout) {
      assert.deepEqual([...q.answerIds].sort(), (byId.get(q.questionId)?.answers.map((a) => a.id) ?? []).sort());
    }
    const authored = testSet([category(pool())], { shuffleAnswers: false });
    for (const q of drawLayout(authored, 1)) {
      const source = authored.categories[0]?.questions.find((x) => x.id === q.questionId);
      assert.deepEqual(q.answerIds, source?.answers.map((a) => a.id));
    }
  });
});

describe('accepting an answer save', () => {
  const q = question('single', [1, 0]);
  const m = question('multiple', [0.5, 0.5, 0]);
  const layout = [q, m].map((x) => ({ questionId: x.id, kind: x.kind, answerIds: x.answers.map((a) => a.id) }));
  const base = { state: 'open' as const, deadlineAt: 1_000_000, layout, stored: undefined, now: 500_000, graceMs: 60_000 };
  const save = (sequence: number, answerIds = pick(q, 0), questionId = q.id) => ({ questionId, answerIds, sequence });

  it('keeps the latest per question by sequence number', () => {
    assert.deepEqual(decideSave({ ...base, save: save(1) }), { ok: true, apply: true });
    assert.deepEqual(decideSave({ ...base, stored: { sequence: 5 }, save: save(6) }), { ok: true, apply: true });
    assert.deepEqual(decideSave({ ...base, stored: { sequence: 5 }, save: save(4) }), { ok: true, apply: false });
    assert.deepEqual(decideSave({ ...base, stored: { sequence: 5 }, save: save(5) }), { ok: true, apply: false });
  });

  it('accepts until deadline + grace, then refuses with a clear reason', () => {
    assert.equal(decideSave({ ...base, now: 1_000_000 + 60_000, save: save(1) }).ok, true);
    const late = decideSave({ ...base, now: 1_000_000 + 60_001, save: save(1) });
    assert.equal(late.ok, false);
    if (!late.ok) {
      assert.equal(late.code, 'attempt_time_over');
      assert.match(late.message, /Time ran out at 00:16:40 UTC, so your answer to question 1 was not saved\./);
    }
    assert.equal(decideSave({ ...base, deadlineAt: null, now: 9e12, save: save(1) }).ok, true);
  });

  it('refuses a submitted attempt, unknown questions and answers, several answers to a single choice', () => {
    const submitted = decideSave({ ...base, state: 'submitted', save: save(1) });
    assert.equal(!submitted.ok && submitted.code, 'attempt_submitted');
    assert.equal(!submitted.ok && submitted.message.includes('question 1'), true);
    const unknown = decideSave({ ...base, save: save(1, [], crypto.randomUUID()) });
    assert.equal(!unknown.ok && unknown.status, 404);
    assert.equal(decideSave({ ...base, save: save(1, pick(m, 0)) }).ok, false, 'another question’s answer');
    assert.equal(decideSave({ ...base, save: save(1, pick(q, 0, 1)) }).ok, false);
    assert.deepEqual(decideSave({ ...base, save: save(1, pick(m, 0, 1), m.id) }), { ok: true, apply: true });
    assert.deepEqual(decideSave({ ...base, save: save(1, []) }), { ok: true, apply: true }, 'clearing a choice');
  });
});

describe('time and attempts', () => {
  it('the deadline is start + limit × accommodation, never past a close date', () => {
    assert.equal(attemptDeadline({ startedAt: 0, timeLimitMinutes: null }), null);
    assert.equal(attemptDeadline({ startedAt: 1000, timeLimitMinutes: 10 }), 1000 + 600_000);
    assert.equal(
      attemptDeadline({ startedAt: 0, timeLimitMinutes: 10, allowance: { timeMultiplier: 1.5, extraMinutes: 5 } }),
      20 * 60_000,
    );
    assert.equal(attemptDeadline({ startedAt: 0, timeLimitMinutes: 10, closesAt: 60_000 }), 60_000);
    assert.equal(attemptDeadline({ startedAt: 0, timeLimitMinutes: null, closesAt: 60_000 }), 60_000);
  });

  it('attempts left count extra attempts; the wait runs from the last submission', () => {
    assert.equal(attemptsLeft(null, 0, 9), null);
    assert.equal(attemptsLeft(2, 0, 2), 0);
    assert.equal(attemptsLeft(2, 1, 2), 1);
    assert.equal(attemptsLeft(1, 0, 3), 0);
    assert.equal(nextStartAt(1000, 2), 121_000);
    assert.equal(nextStartAt(null, 2), null);
    assert.equal(nextStartAt(1000, null), null);
  });

  it('which attempt counts: highest, last, first, average', () => {
    const attempts = [
      { number: 2, percent: 90 },
      { number: 1, percent: 40 },
      { number: 3, percent: 60 },
    ];
    assert.equal(countingGrade(attempts, 'highest'), 90);
    assert.equal(countingGrade(attempts, 'first'), 40);
    assert.equal(countingGrade(attempts, 'last'), 60);
    assert.equal(countingGrade([...attempts, { number: 4, percent: 0 }], 'average'), 47.5);
    assert.equal(countingGrade([{ number: 1, percent: 100 }, { number: 2, percent: 0 }, { number: 3, percent: 0 }], 'average'), 33.33);
    assert.equal(countingGrade([], 'highest'), null);
  });

  it('passing the test: the counting grade against the pass mark, the same rule as an attempt', () => {
    const attempts = [
      { number: 1, percent: 80 },
      { number: 2, percent: 40 },
    ];
    assert.deepEqual(testResult(attempts, { gradingMethod: 'highest', passMarkPercent: 60 }), { percent: 80, passed: true });
    assert.deepEqual(testResult(attempts, { gradingMethod: 'last', passMarkPercent: 60 }), { percent: 40, passed: false });
    assert.deepEqual(testResult(attempts, { gradingMethod: 'average', passMarkPercent: 60 }), { percent: 60, passed: true });
    assert.equal(testResult([], { gradingMethod: 'highest', passMarkPercent: 0 }), null);
    // Exactly the pass mark passes, for an attempt as for the test.
    assert.equal(passes(60, 60), true);
    assert.equal(passes(59.99, 60), false);
    const q = question('single', [1, 0]);
    assert.equal(gradeAttempt([q], { [q.id]: pick(q, 0) }, 100).passed, passes(100, 100));
  });
});

describe('review visibility', () => {
  const submitted = { state: 'submitted' as const, deadlineAt: 10_000 };
  const context = { now: 5_000, attemptsLeft: 1, hasOpenAttempt: false };
  const shown = (review: Parameters<typeof reviewVisibility>[0]['review']) => {
    const v = reviewVisibility({ review, reviewWhen: 'immediately' }, submitted, context);
    return [v.score, v.outcomes, v.correctAnswers, v.feedback];
  };

  it('shows nothing while the attempt is open', () => {
    const v = reviewVisibility({ review: 'everything', reviewWhen: 'immediately' }, { state: 'open', deadlineAt: null }, context);
    assert.deepEqual([v.open, v.score, v.outcomes, v.correctAnswers, v.feedback], [false, false, false, false, false]);
  });

  it('each policy adds to the one before', () => {
    assert.deepEqual(shown('nothing'), [false, false, false, false]);
    assert.deepEqual(shown('score'), [true, false, false, false]);
    assert.deepEqual(shown('score-and-wrong'), [true, true, false, false]);
    assert.deepEqual(shown('score-and-correct-answers'), [true, true, true, false]);
    assert.deepEqual(shown('everything'), [true, true, true, true]);
  });

  it('after the deadline: closed before it, open at it; open at submission without a time limit', () => {
    const settings = { review: 'everything' as const, reviewWhen: 'after-deadline' as const };
    const before = reviewVisibility(settings, submitted, context);
    assert.deepEqual([before.open, before.score, before.opensAt], [false, false, 10_000]);
    assert.equal(reviewVisibility(settings, submitted, { ...context, now: 10_000 }).feedback, true);
    assert.equal(reviewVisibility(settings, { ...submitted, deadlineAt: null }, context).open, true);
  });

  it('after the last attempt: only when none is left and none is open; never with unlimited attempts', () => {
    const settings = { review: 'score' as const, reviewWhen: 'after-last-attempt' as const };
    assert.equal(reviewVisibility(settings, submitted, context).open, false);
    assert.equal(reviewVisibility(settings, submitted, { ...context, attemptsLeft: 0 }).score, true);
    assert.equal(reviewVisibility(settings, submitted, { ...context, attemptsLeft: 0, hasOpenAttempt: true }).open, false);
    assert.equal(reviewVisibility(settings, submitted, { ...context, attemptsLeft: null }).open, false);
  });

  it('outcomes from a mark', () => {
    assert.equal(outcomeOf(1, true), 'right');
    assert.equal(outcomeOf(0.5, true), 'partly-right');
    assert.equal(outcomeOf(0, true), 'wrong');
    assert.equal(outcomeOf(0, false), 'unanswered');
  });
});
