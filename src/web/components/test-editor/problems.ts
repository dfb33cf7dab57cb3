// The problems the editor shows: the shared rules run live on what the author is typing, plus the
// server's review problems for the Test step that the rules cannot know (they would otherwise be
// as stale as the last save). Paths are relative to the test set, e.g. `categories.0.name`.
import type { TestSet } from '../../../shared/quiz.ts';
import { categoryLocations, questionNumbers } from '../../../shared/quiz-editing.ts';
import { type Problem, validateTestSet } from '../../../shared/quiz-rules.ts';
import type { ReviewProblem } from '../../../shared/review.ts';
import { keyOf } from './keys.ts';

export type EditorProblem = Problem;

/** Text colour of warnings: Mantine's oranges and yellows fall below 4.5:1 on white and on gray.0. */
export const WARNING_COLOR = '#8a4b00';

/** Every code validateTestSet can report: the live check replaces the server's copy of these. */
const LIVE_RULE_CODES = new Set([
  'duplicate-id',
  'category-name-blank',
  'category-too-deep',
  'draw-count-too-high',
  'category-empty',
  'no-questions',
  'question-text-blank',
  'image-alt-blank',
  'answer-text-blank',
  'fraction-out-of-range',
  'answer-duplicate',
  'all-or-nothing-ignored',
  'single-no-full-mark',
  'single-several-full-marks',
  'all-or-nothing-no-correct',
  'all-or-nothing-all-correct',
  'multiple-positive-sum',
  'true-false-two-answers',
  'true-false-marks',
]);

export function editorProblems(testSet: TestSet, review: readonly ReviewProblem[]): EditorProblem[] {
  const fromServer = review
    .filter((p) => p.step === 'test' && (p.path === 'test' || p.path.startsWith('test.')))
    .filter((p) => !LIVE_RULE_CODES.has(p.code))
    .map((p) => ({ path: p.path.slice('test.'.length), code: p.code, message: p.message, severity: p.severity }));
  return [...validateTestSet(testSet), ...fromServer];
}

/**
 * Leaves out "an answer has no text" for answers the author has not left yet (`touched` holds the
 * ids of answer fields they have left): a new answer starts empty and is not wrong before it was
 * written. All of them show once the problems are revealed (a later step was visited).
 */
export function withholdUntouchedAnswers(
  testSet: TestSet,
  problems: readonly EditorProblem[],
  touched: ReadonlySet<string>,
): EditorProblem[] {
  return problems.filter((problem) => {
    if (problem.code !== 'answer-text-blank') return true;
    const id = answerIdAt(testSet, problem.path);
    return id === null || touched.has(id);
  });
}

/** The id of the answer a path like `categories.0.children.1.questions.2.answers.0.text` points into. */
function answerIdAt(testSet: TestSet, path: string): string | null {
  const parts = path.split('.');
  let categories = testSet.categories;
  let at = 0;
  while (parts[at] === 'categories' || parts[at] === 'children') {
    const category = categories[Number(parts[at + 1])];
    if (!category) return null;
    if (parts[at + 2] === 'questions') {
      const answer = category.questions[Number(parts[at + 3])]?.answers[Number(parts[at + 5])];
      return parts[at + 4] === 'answers' && answer ? answer.id : null;
    }
    categories = category.children;
    at += 2;
  }
  return null;
}

/** Problems looked up by path. */
export class ProblemIndex {
  readonly all: readonly EditorProblem[];
  readonly #byPath = new Map<string, EditorProblem[]>();

  constructor(problems: readonly EditorProblem[]) {
    this.all = problems;
    for (const problem of problems) {
      const list = this.#byPath.get(problem.path) ?? [];
      list.push(problem);
      this.#byPath.set(problem.path, list);
    }
  }

  /** Problems about exactly this path. */
  at(path: string): EditorProblem[] {
    return this.#byPath.get(path) ?? [];
  }

  /** Problems about this path or anything inside it. */
  within(path: string): EditorProblem[] {
    return this.all.filter((p) => p.path === path || p.path.startsWith(`${path}.`));
  }

  /** The error text for a field (errors only: a warning must not mark the field invalid). */
  errorAt(path: string): string | undefined {
    return joined(this.at(path).filter((p) => p.severity === 'error'));
  }

  warningAt(path: string): string | undefined {
    return joined(this.at(path).filter((p) => p.severity === 'warning'));
  }
}

function joined(problems: EditorProblem[]): string | undefined {
  return problems.length ? problems.map((p) => p.message).join(' ') : undefined;
}

export function countLabel(problems: readonly EditorProblem[]): string | null {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const parts: string[] = [];
  if (errors) parts.push(errors === 1 ? '1 error' : `${errors} errors`);
  if (warnings) parts.push(warnings === 1 ? '1 warning' : `${warnings} warnings`);
  return parts.length ? parts.join(', ') : null;
}

export interface Located {
  /** "Category Basics › question 2 › answer 3". */
  where: string;
  /** The question to open, if the problem is inside one. */
  questionId: string | null;
  /** Focus keys, best first. */
  focus: string[];
}

/** Where a problem's path points, in words and as focus keys (see the editor's focusKey marks). */
export function locate(testSet: TestSet, path: string): Located {
  if (path.startsWith('settings')) return { where: 'Test settings', questionId: null, focus: [] };
  const categories = categoryLocations(testSet.categories);
  // The deepest category whose path starts the problem's path.
  const category = categories
    .filter((l) => path === l.path || path.startsWith(`${l.path}.`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!category) return { where: 'The test', questionId: null, focus: [keyOf('categories', 'add')] };
  const where = [`Category ${category.trail.join(' › ')}`];
  const rest = path.slice(category.path.length + 1).split('.');
  const categoryKey = (part: string) => keyOf('category', category.category.id, part);
  if (rest[0] !== 'questions') {
    const field = rest[0] === 'name' ? 'name' : rest[0] === 'drawCount' ? 'draw' : 'heading';
    return { where: where.join(''), questionId: null, focus: [categoryKey(field), categoryKey('heading')] };
  }
  const qIndex = Number(rest[1]);
  const question = category.category.questions[qIndex];
  if (!question) return { where: where.join(''), questionId: null, focus: [categoryKey('heading')] };
  where.push(`question ${questionNumbers(testSet.categories).get(question.id) ?? qIndex + 1}`);
  const toggle = keyOf('question', question.id, 'toggle');
  const [, , field, aIndexText, answerField] = rest;
  if (field === 'text')
    return {
      where: where.join(' › '),
      questionId: question.id,
      focus: [keyOf('question', question.id, 'text'), toggle],
    };
  if (field === 'image')
    return {
      where: `${where.join(' › ')} › image`,
      questionId: question.id,
      focus: [keyOf('image', question.id, 'alt'), toggle],
    };
  if (field === 'answers') {
    const aIndex = Number(aIndexText);
    const answer = aIndexText === undefined ? question.answers[0] : question.answers[aIndex];
    if (aIndexText !== undefined) where.push(`answer ${aIndex + 1}`);
    else where.push('answers');
    const answerKey = answer
      ? answerField === 'image'
        ? keyOf('image', answer.id, 'alt')
        : keyOf('answer', answer.id, 'text')
      : toggle;
    return { where: where.join(' › '), questionId: question.id, focus: [answerKey, toggle] };
  }
  return { where: where.join(' › '), questionId: question.id, focus: [keyOf('question', question.id, 'kind'), toggle] };
}
