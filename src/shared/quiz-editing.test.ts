// The test editor's operations: each keeps the test set's shape and ids unique, and new items pass the rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { category, question, single, testSet } from '../server/quizzes/testkit.ts';
import { MAX_CATEGORY_DEPTH, testSetSchema } from './quiz.ts';
import {
  addAnswer,
  addCategory,
  addQuestion,
  canNestUnder,
  categoryLocations,
  changeQuestionKind,
  duplicateQuestion,
  FRACTION_CHOICES,
  findCategory,
  hasSimpleGrading,
  findQuestion,
  imagesDropped,
  fractionLabel,
  kindChangeLosesAnswers,
  MAX_ANSWERS,
  matchFraction,
  moveCategory,
  moveItem,
  moveQuestion,
  moveQuestionToCategory,
  newCategory,
  newQuestion,
  questionNumbers,
  removeAnswer,
  removeCategory,
  removeQuestion,
  setCorrectAnswers,
  setOnlyCorrect,
  simplifyGrading,
  updateCategory,
  updateQuestion,
} from './quiz-editing.ts';
import { validateTestSet } from './quiz-rules.ts';

const ids = (items: { id: string }[]) => items.map((i) => i.id);

describe('new items', () => {
  it('are drafts of each kind with empty answers and valid grades, true/false with True and False', () => {
    for (const kind of ['single', 'multiple', 'true-false'] as const) {
      const question = newQuestion(kind);
      const set = testSet([category([question])]);
      assert.equal(testSetSchema.safeParse(set).success, true, `${kind}: a draft may hold empty answers`);
      const blanks = kind === 'true-false' ? 0 : 3;
      assert.deepEqual(
        validateTestSet(set).map((p) => p.code),
        Array(blanks).fill('answer-text-blank'),
        `${kind}: only the empty answers stop it from being published`,
      );
      if (kind !== 'true-false')
        assert.deepEqual(
          question.answers.map((a) => a.text),
          ['', '', ''],
        );
      const written = {
        ...question,
        answers: question.answers.map((a, i) => ({ ...a, text: a.text || `Choice ${i}` })),
      };
      assert.deepEqual(validateTestSet(testSet([category([written])])), [], `${kind}: written, it passes the rules`);
    }
    assert.equal(addAnswer(newQuestion('single')).answers[3]?.text, '', 'an added answer starts empty too');
    const tf = newQuestion('true-false');
    assert.deepEqual(
      tf.answers.map((a) => [a.text, a.fraction]),
      [
        ['True', 1],
        ['False', 0],
      ],
    );
    assert.notEqual(newQuestion('single').id, newQuestion('single').id);
  });
});

describe('fractions', () => {
  it("offers Moodle's grades, labelled as Moodle shows them", () => {
    assert.equal(FRACTION_CHOICES.length, 41);
    assert.equal(fractionLabel(1), '100%');
    assert.equal(fractionLabel(0.8333333), '83.33333%');
    assert.equal(fractionLabel(0.1428571), '14.28571%');
    assert.equal(fractionLabel(-0.5), '-50%');
    assert.equal(fractionLabel(-0), '0%');
  });

  it('matches stored fractions within the tolerance, and nothing else', () => {
    assert.equal(matchFraction(1 / 3), 0.3333333);
    assert.equal(matchFraction(-0.25), -0.25);
    assert.equal(matchFraction(0.42), null);
  });

  it('three answers at 33.33333% add up to full marks for the rules', () => {
    const q = question('multiple', [0.3333333, 0.3333333, 0.3333333, -1]);
    assert.deepEqual(validateTestSet(testSet([category([q])])), []);
  });
});

describe('question kinds', () => {
  it('keeps answers between single and multiple, and all-or-nothing only on multiple', () => {
    const q = question('multiple', [0.5, 0.5, 0], { allOrNothing: true });
    const asSingle = changeQuestionKind(q, 'single');
    assert.equal(asSingle.allOrNothing, false);
    assert.deepEqual(ids(asSingle.answers), ids(q.answers));
  });

  it('turns into True/False keeping which of the first two was right', () => {
    const q = question('single', [0, 1, 0]);
    const tf = changeQuestionKind(q, 'true-false');
    assert.deepEqual(
      tf.answers.map((a) => [a.text, a.fraction]),
      [
        ['True', 0],
        ['False', 1],
      ],
    );
    assert.equal(kindChangeLosesAnswers(q, 'true-false'), true);
    assert.equal(kindChangeLosesAnswers(q, 'multiple'), false);
    assert.equal(kindChangeLosesAnswers(newQuestion('true-false'), 'single'), false);
  });
});

describe('categories', () => {
  it('adds, nests up to the limit, moves among siblings and deletes with their questions', () => {
    const a = category([single()], { name: 'A' });
    const b = category([], { name: 'B' });
    let set = testSet([a, b]);
    let parentId = a.id;
    for (let depth = 2; depth <= MAX_CATEGORY_DEPTH + 1; depth++) {
      const child = newCategory(`depth ${depth}`);
      set = addCategory(set, parentId, child);
      parentId = child.id;
    }
    const locations = categoryLocations(set.categories);
    const deepest = locations.at(-2);
    assert.equal(deepest?.depth, MAX_CATEGORY_DEPTH, 'the last add past the limit was refused');
    assert.equal(deepest && canNestUnder(deepest), false);
    assert.equal(testSetSchema.safeParse(set).success, true);
    assert.deepEqual(findCategory(set, b.id)?.path, 'categories.1');
    assert.deepEqual(deepest?.trail, ['A', 'depth 2', 'depth 3', 'depth 4', 'depth 5']);

    set = moveCategory(set, b.id, 0);
    assert.deepEqual(
      set.categories.map((c) => c.name),
      ['B', 'A'],
    );
    const nested = findCategory(set, locations[1]?.category.id ?? '');
    assert.equal(nested?.path, 'categories.1.children.0');

    const renamed = updateCategory(set, b.id, (c) => ({ ...c, name: 'B2' }));
    assert.equal(renamed.categories[1], set.categories[1], 'a category tree without the change stays the same object');

    set = removeCategory(set, a.id);
    assert.deepEqual(
      categoryLocations(set.categories).map((l) => l.category.name),
      ['B'],
    );
  });
});

describe('questions', () => {
  it('adds, moves within and between categories, duplicates with fresh ids and deletes', () => {
    const [q1, q2, q3] = [single({ text: 'one' }), single({ text: 'two' }), single({ text: 'three' })];
    const a = category([q1, q2, q3], { name: 'A' });
    const b = category([], { name: 'B' });
    let set = testSet([a, b]);

    set = moveQuestion(set, q3.id, 0);
    assert.deepEqual(
      set.categories[0]?.questions.map((q) => q.text),
      ['three', 'one', 'two'],
    );

    set = moveQuestionToCategory(set, q1.id, b.id);
    assert.deepEqual(findQuestion(set, q1.id)?.path, 'categories.1.questions.0');

    const { testSet: withCopy, copyId } = duplicateQuestion(set, q3.id);
    const copy = copyId ? findQuestion(withCopy, copyId) : undefined;
    assert.equal(copy?.index, 1, 'the copy sits right after the original');
    assert.equal(copy?.question.text, 'three');
    assert.deepEqual(validateTestSet(withCopy), [], 'the copy has its own ids');

    set = updateQuestion(withCopy, q2.id, (q) => ({ ...q, text: 'changed' }));
    assert.equal(findQuestion(set, q2.id)?.question.text, 'changed');
    assert.equal(set.categories[1], withCopy.categories[1], 'an untouched category stays the same object');
    assert.equal(set.categories[0]?.questions[0], withCopy.categories[0]?.questions[0], 'so do untouched questions');
    set = removeQuestion(set, q2.id);
    assert.equal(findQuestion(set, q2.id), undefined);
    set = addQuestion(set, b.id, newQuestion('multiple'), 0);
    assert.equal(set.categories[1]?.questions[0]?.kind, 'multiple');
  });
});

describe('question numbers', () => {
  it("run 1..N across the whole test, a category's own questions before its subcategories'", () => {
    const [a1, a2, b1, c1, d1] = [single(), single(), single(), single(), single()];
    const b = category([b1], { name: 'B' });
    const a = category([a1, a2], { name: 'A', children: [b] });
    const c = category([c1], { name: 'C', children: [category([d1], { name: 'D' })] });
    const numbers = questionNumbers(testSet([a, c]).categories);
    assert.deepEqual(
      [a1, a2, b1, c1, d1].map((q) => numbers.get(q.id)),
      [1, 2, 3, 4, 5],
    );
  });
});

describe('answers', () => {
  it('keeps between the schema limits, and true/false fixed at two', () => {
    let q = question('multiple', [1, 0]);
    assert.equal(removeAnswer(q, q.answers[0]?.id ?? '').answers.length, 2, 'never fewer than two');
    for (let i = 0; i < 30; i++) q = addAnswer(q);
    assert.equal(q.answers.length, MAX_ANSWERS);
    const tf = newQuestion('true-false');
    assert.equal(addAnswer(tf).answers.length, 2);
    const flipped = setOnlyCorrect(tf, tf.answers[1]?.id ?? '');
    assert.deepEqual(
      flipped.answers.map((a) => a.fraction),
      [0, 1],
    );
  });

  it('tells plain grading (a correct radio or checkboxes) from partial credit and penalties', () => {
    assert.equal(hasSimpleGrading(question('single', [0, 1, 0])), true);
    assert.equal(hasSimpleGrading(question('single', [1, 0.5, 0])), false, 'partial credit');
    assert.equal(hasSimpleGrading(question('multiple', [0.5, 0.5, 0])), true);
    assert.equal(hasSimpleGrading(question('multiple', [1 / 3, 1 / 3, 1 / 3, 0])), true);
    assert.equal(hasSimpleGrading(question('multiple', [0.5, 0.5, -1])), false, 'a penalty');
    assert.equal(hasSimpleGrading(question('multiple', [0.7, 0.3, 0])), false, 'unequal shares');
    assert.equal(hasSimpleGrading(newQuestion('single')), true, 'new questions start plain');
    assert.equal(hasSimpleGrading(newQuestion('multiple')), true);
  });

  it('marks the correct answers of a multiple-choice question with equal shares Moodle can write', () => {
    const q = question('multiple', [0.5, 0.5, 0, 0]);
    const three = setCorrectAnswers(q, [q.answers[0]?.id ?? '', q.answers[2]?.id ?? '', q.answers[3]?.id ?? '']);
    assert.deepEqual(three.answers.map((a) => a.fraction), [0.3333333, 0, 0.3333333, 0.3333333]);
    assert.deepEqual(validateTestSet(testSet([category([three])])).filter((p) => p.severity === 'error'), []);
    const none = setCorrectAnswers(q, []);
    assert.deepEqual(none.answers.map((a) => a.fraction), [0, 0, 0, 0]);
  });

  it('simplifies grading to the nearest plain one', () => {
    assert.deepEqual(simplifyGrading(question('single', [0.5, 1, 0])).answers.map((a) => a.fraction), [0, 1, 0]);
    assert.deepEqual(simplifyGrading(question('multiple', [0.7, 0.3, -1])).answers.map((a) => a.fraction), [0.5, 0.5, 0]);
  });

  it('moves items within bounds', () => {
    assert.deepEqual(moveItem([1, 2, 3], 0, 2), [2, 3, 1]);
    assert.deepEqual(moveItem([1, 2, 3], 2, -5), [3, 1, 2]);
    assert.deepEqual(moveItem([1, 2, 3], 7, 0), [1, 2, 3]);
  });
});

describe('images', () => {
  it('lists the images an edit dropped, not those still used by a copy', () => {
    const image = { assetId: crypto.randomUUID(), alt: 'A map' };
    const answerImage = { assetId: crypto.randomUUID(), alt: 'A key' };
    const q = question('single', [1, 0], { image });
    q.answers[0] = { ...(q.answers[0] as (typeof q.answers)[number]), image: answerImage };
    const cat = category([q]);
    const set = testSet([cat]);
    const { testSet: withCopy, copyId } = duplicateQuestion(set, q.id);
    assert.deepEqual(imagesDropped(withCopy, removeQuestion(withCopy, q.id)), [], 'the copy still uses both');
    assert.deepEqual(
      imagesDropped(
        set,
        updateQuestion(set, q.id, (x) => ({ ...x, image: null })),
      ),
      [image.assetId],
    );
    assert.deepEqual(
      imagesDropped(withCopy, removeCategory(withCopy, cat.id)).sort(),
      [image.assetId, answerImage.assetId].sort(),
    );
    assert.ok(copyId);
    assert.deepEqual(imagesDropped(set, { ...set, settings: { ...set.settings, passMarkPercent: 80 } }), []);
  });
});
