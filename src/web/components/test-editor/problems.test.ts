// The editor's problems: live rules replace the server's stale copies, other server problems stay,
// and every path is located (in words and as a field to focus).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { category, question, single, testSet } from '../../../server/quizzes/testkit.ts';
import type { ReviewProblem } from '../../../shared/review.ts';
import { editorProblems, locate, ProblemIndex, withholdUntouchedAnswers } from './problems.ts';

describe('editor problems', () => {
  it('checks live and keeps only the server problems the rules cannot know', () => {
    const broken = question('multiple', [0.5, 0.3, 0]);
    const set = testSet([category([single(), broken], { name: 'Basics' })]);
    const review: ReviewProblem[] = [
      // Stale: the rules report this themselves, from what is on screen now.
      {
        step: 'test',
        path: 'test.categories.0.questions.0.answers',
        code: 'single-no-full-mark',
        message: 'old',
        severity: 'error',
      },
      // Only the server knows the image's file failed.
      {
        step: 'test',
        path: 'test.categories.0.questions.0.image',
        code: 'image-failed',
        message: 'The image could not be processed.',
        severity: 'error',
      },
      { step: 'basics', path: 'basics.title', code: 'title-missing', message: 'No title.', severity: 'error' },
    ];
    const problems = editorProblems(set, review);
    assert.deepEqual(
      problems.map((p) => [p.path, p.code]),
      [
        ['categories.0.questions.1.answers', 'multiple-positive-sum'],
        ['categories.0.questions.0.image', 'image-failed'],
      ],
    );
    const index = new ProblemIndex(problems);
    assert.match(index.errorAt('categories.0.questions.1.answers') ?? '', /add up to 80%/);
    assert.equal(index.within('categories.0.questions.0').length, 1);
    assert.equal(index.warningAt('categories.0.questions.1.answers'), undefined);
  });
});

describe('locate', () => {
  const first = single();
  const second = question('multiple', [0.5, 0.5]);
  const child = category([second], { name: 'Child' });
  const parent = category([first], { name: 'Parent', children: [child] });
  const set = testSet([parent]);

  it('names a question field and focuses it, with the question row as fallback', () => {
    const answer = second.answers[1]?.id ?? '';
    assert.deepEqual(locate(set, 'categories.0.children.0.questions.0.answers.1.image.alt'), {
      // Numbered across the test: the parent's question is question 1.
      where: 'Category Parent › Child › question 2 › answer 2',
      questionId: second.id,
      focus: [`image:${answer}:alt`, `question:${second.id}:toggle`],
    });
    assert.deepEqual(locate(set, 'categories.0.questions.0.text').focus, [
      `question:${first.id}:text`,
      `question:${first.id}:toggle`,
    ]);
  });

  it('names category fields, settings and the whole test', () => {
    assert.deepEqual(locate(set, 'categories.0.children.0.drawCount'), {
      where: 'Category Parent › Child',
      questionId: null,
      focus: [`category:${child.id}:draw`, `category:${child.id}:heading`],
    });
    assert.equal(locate(set, 'settings.passMarkPercent').where, 'Test settings');
    assert.deepEqual(locate(set, 'categories').focus, ['categories:add']);
  });
});

describe('blank answers', () => {
  it('are a problem only once the author has left the field', () => {
    const fresh = single();
    const [first, second] = fresh.answers;
    const blank = { ...fresh, answers: fresh.answers.map((a) => ({ ...a, text: '' })) };
    const nested = category([blank], { name: 'Inner' });
    const set = testSet([category([single()], { name: 'Outer', children: [nested] })]);
    const all = editorProblems(set, []);
    assert.equal(all.filter((p) => p.code === 'answer-text-blank').length, 3);
    assert.deepEqual(
      withholdUntouchedAnswers(set, all, new Set()).filter((p) => p.code === 'answer-text-blank'),
      [],
    );
    const shown = withholdUntouchedAnswers(set, all, new Set([first?.id ?? '', second?.id ?? '']));
    assert.deepEqual(
      shown.filter((p) => p.code === 'answer-text-blank').map((p) => p.path),
      ['categories.0.children.0.questions.0.answers.0.text', 'categories.0.children.0.questions.0.answers.1.text'],
    );
    assert.equal(shown.length, all.length - 1, 'other problems stay');
  });
});
