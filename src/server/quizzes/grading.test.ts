// Grading by Moodle's rules, random drawing and shuffling with injected randomness.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Question } from '../../shared/quiz.ts';
import {
  answerOrder,
  clampFraction,
  drawQuestions,
  gradeAttempt,
  gradeQuestion,
  type Random,
  seededRandom,
  shuffled,
} from './grading.ts';
import { category, question, single } from './testkit.ts';

/** Answer ids of a question picked by index. */
const ids = (q: Question, ...indexes: number[]) => indexes.map((i) => q.answers[i]?.id ?? 'missing');
const grade = (q: Question, ...indexes: number[]) => gradeQuestion(q, ids(q, ...indexes)).fraction;

describe('gradeQuestion', () => {
  it('single choice: the chosen answer’s fraction, 0 for none or several', () => {
    const q = question('single', [1, 0.5, 0, -0.5]);
    assert.equal(grade(q, 0), 1);
    assert.equal(grade(q, 1), 0.5);
    assert.equal(grade(q, 2), 0);
    assert.equal(grade(q, 3), 0, 'a penalty clamps to 0');
    assert.equal(grade(q), 0);
    assert.equal(grade(q, 0, 1), 0);
    assert.equal(grade(q, 0, 0), 1, 'a repeated id is one choice');
    assert.equal(gradeQuestion(q, ['not-an-answer']).fraction, 0);
  });

  it('true-false: the chosen answer’s fraction', () => {
    const q = question('true-false', [0, 1]);
    assert.equal(grade(q, 1), 1);
    assert.equal(grade(q, 0), 0);
    assert.equal(grade(q, 0, 1), 0);
  });

  it('multiple choice: sum of the chosen fractions, clamped to [0, 1]', () => {
    const q = question('multiple', [0.5, 0.5, -1, -0.25, 0]);
    assert.equal(grade(q, 0), 0.5);
    assert.equal(grade(q, 0, 1), 1);
    assert.equal(grade(q, 0, 1, 3), 0.75);
    assert.equal(grade(q, 0, 2), 0, 'negative sums clamp to 0');
    assert.equal(grade(q, 0, 1, 2, 3, 4), 0);
    assert.equal(grade(q, 4), 0);
    assert.equal(grade(q), 0);
  });

  it('multiple choice: thirds and tenths add up to full marks', () => {
    const thirds = question('multiple', [1 / 3, 1 / 3, 1 / 3]);
    assert.equal(grade(thirds, 0, 1, 2), 1);
    const moodleThirds = question('multiple', [0.3333333, 0.3333333, 0.3333333]);
    assert.equal(grade(moodleThirds, 0, 1, 2), 1);
    assert.equal(grade(moodleThirds, 0, 1), 0.6666666);
    const tenths = question('multiple', [0.1, 0.2, 0.7]);
    assert.equal(grade(tenths, 0, 1, 2), 1);
    assert.equal(clampFraction(0.00001), 0);
    assert.equal(clampFraction(Number.NaN), 0);
    assert.equal(clampFraction(1.5), 1);
  });

  it('all-or-nothing: 1 for exactly the correct answers, else 0', () => {
    const q = question('multiple', [0.2, 0.9, 0, -1], { allOrNothing: true });
    assert.equal(grade(q, 0, 1), 1, 'magnitudes are ignored');
    assert.equal(grade(q, 1, 0), 1);
    assert.equal(grade(q, 0), 0);
    assert.equal(grade(q, 0, 1, 2), 0);
    assert.equal(grade(q), 0);
  });

  it('property: any choice of answers grades within [0, 1]', () => {
    const random = seededRandom(42);
    const kinds = ['single', 'multiple', 'true-false'] as const;
    for (let round = 0; round < 2000; round++) {
      const kind = kinds[Math.floor(random() * kinds.length)] ?? 'single';
      const count = kind === 'true-false' ? 2 : 2 + Math.floor(random() * 19);
      const fractions = Array.from({ length: count }, () => Math.round((random() * 2 - 1) * 1e7) / 1e7);
      const q = question(kind, fractions, { allOrNothing: random() < 0.3 });
      const chosen = q.answers.filter(() => random() < 0.5).map((a) => a.id);
      const { fraction } = gradeQuestion(q, chosen);
      assert.ok(fraction >= 0 && fraction <= 1, `round ${round}: ${fraction} for ${JSON.stringify(fractions)}`);
    }
  });
});

describe('gradeAttempt', () => {
  const q1 = single();
  const q2 = question('multiple', [0.5, 0.5, -1]);
  const q3 = question('true-false', [1, 0]);

  it('sums fractions, one mark per question, and rounds the percent', () => {
    const result = gradeAttempt([q1, q2, q3], { [q1.id]: ids(q1, 0), [q2.id]: ids(q2, 0) }, 50);
    assert.equal(result.score, 1.5);
    assert.equal(result.maxScore, 3);
    assert.equal(result.percent, 50);
    assert.equal(result.passed, true, 'exactly the pass mark passes');
    assert.deepEqual(
      result.questions.map((g) => g.fraction),
      [1, 0.5, 0],
    );
    const third = gradeAttempt([q1, q2, q3], new Map([[q1.id, ids(q1, 0)]]), 50);
    assert.equal(third.percent, 33.33);
    assert.equal(third.passed, false);
    const twoThirds = gradeAttempt([q1, q2, q3], { [q1.id]: ids(q1, 0), [q3.id]: ids(q3, 0) }, 66.67);
    assert.equal(twoThirds.percent, 66.67);
    assert.equal(twoThirds.passed, true, 'compared after rounding');
  });

  it('an empty attempt scores 0 and cannot pass', () => {
    assert.deepEqual(gradeAttempt([], {}, 0), { score: 0, maxScore: 0, percent: 0, passed: false, questions: [] });
  });
});

describe('drawing and shuffling', () => {
  it('shuffled is a Fisher–Yates permutation that leaves the input alone', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(items, seededRandom(1));
    assert.deepEqual(items, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(
      [...out].sort((a, b) => a - b),
      items,
    );
    assert.deepEqual(out, shuffled(items, seededRandom(1)), 'same seed, same order');
    assert.deepEqual(
      shuffled(items, () => 0.999999),
      items,
      'j = i everywhere leaves the order',
    );
    assert.deepEqual(
      shuffled(items, () => 1),
      items,
      'a generator returning 1 stays in range',
    );
    assert.deepEqual(shuffled([], Math.random), []);
  });

  it('shuffled is roughly uniform', () => {
    const random = seededRandom(7);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = shuffled(['a', 'b', 'c'], random).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 6);
    for (const n of counts.values()) assert.ok(n > 850 && n < 1150, `${n}`);
  });

  it('draws drawCount per category, subcategories by their own rules, in authored order', () => {
    const grandchild = category([single(), single(), single(), single()], { drawCount: 1 });
    const child = category([single(), single()], { children: [grandchild] });
    const root = category([single(), single()], { drawCount: 3, children: [child] });
    const all = category([single(), single()]);
    const order = [root, child, grandchild, all].flatMap((c) => c.questions.map((q) => q.id));
    for (let seed = 0; seed < 50; seed++) {
      const drawn = drawQuestions([root, all], seededRandom(seed));
      assert.equal(drawn.length, 5);
      assert.equal(new Set(drawn).size, 5);
      assert.deepEqual(drawn.slice(3), questionIds(all), 'a category without drawCount gives all');
      const positions = drawn.map((id) => order.indexOf(id));
      assert.deepEqual(
        positions,
        [...positions].sort((a, b) => a - b),
        'stable order',
      );
      const fromGrandchild = drawn.filter((id) => grandchild.questions.some((q) => q.id === id));
      assert.ok(fromGrandchild.length <= 1);
    }
    const seen = new Set<string>();
    for (let seed = 0; seed < 200; seed++) for (const id of drawQuestions([root], seededRandom(seed))) seen.add(id);
    assert.equal(seen.size, 2 + 2 + 4, 'every question can be drawn');
  });

  it('draws are reproducible per seed and shuffle on request', () => {
    const c = category(
      Array.from({ length: 10 }, () => single()),
      { drawCount: 6 },
    );
    assert.deepEqual(drawQuestions([c], seededRandom(3)), drawQuestions([c], seededRandom(3)));
    const plain = drawQuestions([c], seededRandom(3));
    const mixed = drawQuestions([c], seededRandom(3), { shuffle: true });
    assert.deepEqual([...mixed].sort(), [...plain].sort());
    assert.notDeepEqual(mixed, plain);
    const tooFew = category([single()], { drawCount: 4 });
    assert.deepEqual(
      drawQuestions([tooFew], seededRandom(1)),
      questionIds(tooFew),
      'an over-large drawCount takes all',
    );
  });

  it('answer order is authored unless shuffled', () => {
    const q = question('multiple', [0.25, 0.25, 0.25, 0.25, 0]);
    assert.deepEqual(answerOrder(q, seededRandom(1), false), ids(q, 0, 1, 2, 3, 4));
    const random: Random = seededRandom(5);
    assert.deepEqual(answerOrder(q, random, true).sort(), ids(q, 0, 1, 2, 3, 4).sort());
  });
});

function questionIds(c: ReturnType<typeof category>): string[] {
  return c.questions.map((q) => q.id);
}
