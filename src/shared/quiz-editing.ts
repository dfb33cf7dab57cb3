// How the test editor changes a test set: pure, immutable operations addressed by id (ids are
// unique across the whole set), new items with sensible defaults, and Moodle's grade choices.
// Every result still has the shape of src/shared/quiz.ts, so the wizard can save after each edit.
import {
  type Answer,
  FRACTION_TOLERANCE,
  MAX_CATEGORY_DEPTH,
  type Question,
  type QuestionKind,
  type QuizCategory,
  type TestSet,
} from './quiz.ts';

/** Answers a question may have in any draft (the schema's limits). */
export const MIN_ANSWERS = 2;
export const MAX_ANSWERS = 20;

/**
 * The grades an author picks from, as Moodle's multichoice editor offers them (question_bank::
 * fraction_options): 100% down to 5%, then the same as penalties. 0 is "None".
 */
export const POSITIVE_FRACTIONS = [
  1, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125,
  0.1111111, 0.1, 0.05,
] as const;
export const FRACTION_CHOICES: readonly number[] = [...POSITIVE_FRACTIONS, 0, ...POSITIVE_FRACTIONS.map((f) => -f)];

/** "83.33333%", "-50%", "100%": Moodle's way of showing a fraction (up to 5 decimals, no trailing zeros). */
export function fractionLabel(fraction: number): string {
  const percent = Math.round(fraction * 100 * 100000) / 100000;
  return `${Object.is(percent, -0) ? 0 : percent}%`;
}

/** The choice a stored fraction corresponds to, or null when it is not one of Moodle's (e.g. imported). */
export function matchFraction(fraction: number): number | null {
  return FRACTION_CHOICES.find((choice) => Math.abs(choice - fraction) <= FRACTION_TOLERANCE) ?? null;
}

const uuid = () => crypto.randomUUID();

export function newAnswer(text: string, fraction: number): Answer {
  return { id: uuid(), text, image: null, fraction, feedback: '' };
}

/** True and False, True being right: what Moodle's true/false question starts with. */
export function trueFalseAnswers(correct: boolean = true): Answer[] {
  return [newAnswer('True', correct ? 1 : 0), newAnswer('False', correct ? 0 : 1)];
}

const KIND_NAMES: Record<QuestionKind, string> = {
  single: 'single-choice',
  multiple: 'multiple-choice',
  'true-false': 'true/false',
};

/**
 * A new question whose grades already pass the rules; its answers start empty for the author to
 * write (True and False for true/false).
 */
export function newQuestion(kind: QuestionKind): Question {
  const answers =
    kind === 'true-false'
      ? trueFalseAnswers()
      : kind === 'single'
        ? [newAnswer('', 1), newAnswer('', 0), newAnswer('', 0)]
        : [newAnswer('', 0.5), newAnswer('', 0.5), newAnswer('', 0)];
  return {
    id: uuid(),
    kind,
    text: `New ${KIND_NAMES[kind]} question`,
    image: null,
    allOrNothing: false,
    generalFeedback: '',
    answers,
  };
}

export function newCategory(name: string = 'New category'): QuizCategory {
  return { id: uuid(), name, drawCount: null, questions: [], children: [] };
}

/**
 * A question of another kind. Answers are kept when the new kind can hold them; a true/false
 * question gets True and False (keeping which of the first two was right), and all-or-nothing is
 * dropped outside multiple choice.
 */
export function changeQuestionKind(question: Question, kind: QuestionKind): Question {
  if (question.kind === kind) return question;
  const allOrNothing = kind === 'multiple' ? question.allOrNothing : false;
  if (kind !== 'true-false') return { ...question, kind, allOrNothing };
  const [first, second] = question.answers;
  const firstRight = !(second && second.fraction > (first?.fraction ?? 0));
  return { ...question, kind, allOrNothing, answers: trueFalseAnswers(firstRight) };
}

/** Whether changing to `kind` replaces answers the author wrote (worth a confirmation). */
export function kindChangeLosesAnswers(question: Question, kind: QuestionKind): boolean {
  if (kind !== 'true-false' || question.kind === 'true-false') return false;
  const texts = question.answers.map((a) => a.text.trim().toLowerCase());
  return !(
    texts.length === 2 &&
    texts[0] === 'true' &&
    texts[1] === 'false' &&
    question.answers.every((a) => !a.image && a.feedback === '')
  );
}

/** A copy with fresh ids, placed after the original by duplicateQuestion. */
export function copyQuestion(question: Question): Question {
  return { ...question, id: uuid(), answers: question.answers.map((a) => ({ ...a, id: uuid() })) };
}

/** The array with the item at `from` moved to `to` (both clamped to the array). */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const out = [...items];
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item as T);
  return out;
}

// ---- finding things ----

export interface CategoryLocation {
  category: QuizCategory;
  /** Dotted path as the rules report it, e.g. `categories.0.children.1`. */
  path: string;
  /** 1 = top level. */
  depth: number;
  parentId: string | null;
  index: number;
  siblingCount: number;
  /** Names from the top down to this category. */
  trail: string[];
}

/** Every category, depth-first in authored order, with where it sits. */
export function categoryLocations(categories: readonly QuizCategory[]): CategoryLocation[] {
  const out: CategoryLocation[] = [];
  const visit = (list: readonly QuizCategory[], prefix: string, depth: number, parent: CategoryLocation | null) => {
    list.forEach((category, index) => {
      const location: CategoryLocation = {
        category,
        path: `${prefix}.${index}`,
        depth,
        parentId: parent?.category.id ?? null,
        index,
        siblingCount: list.length,
        trail: [...(parent?.trail ?? []), category.name],
      };
      out.push(location);
      visit(category.children, `${location.path}.children`, depth + 1, location);
    });
  };
  visit(categories, 'categories', 1, null);
  return out;
}

export function findCategory(testSet: TestSet, id: string): CategoryLocation | undefined {
  return categoryLocations(testSet.categories).find((l) => l.category.id === id);
}

export interface QuestionLocation {
  question: Question;
  categoryId: string;
  index: number;
  /** e.g. `categories.0.questions.2`. */
  path: string;
}

export function findQuestion(testSet: TestSet, id: string): QuestionLocation | undefined {
  for (const location of categoryLocations(testSet.categories)) {
    const index = location.category.questions.findIndex((q) => q.id === id);
    if (index >= 0) {
      return {
        question: location.category.questions[index] as Question,
        categoryId: location.category.id,
        index,
        path: `${location.path}.questions.${index}`,
      };
    }
  }
  return undefined;
}

/**
 * Each question's number across the whole test (1..N), in the order the editor shows them: a
 * category's own questions, then its subcategories'.
 */
export function questionNumbers(categories: readonly QuizCategory[]): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const location of categoryLocations(categories)) {
    for (const question of location.category.questions) numbers.set(question.id, numbers.size + 1);
  }
  return numbers;
}

/** Whether a subcategory may be added under this one without passing the nesting limit. */
export function canNestUnder(location: CategoryLocation): boolean {
  return location.depth < MAX_CATEGORY_DEPTH;
}

/** The image assets a test set uses (questions' and answers' images), each once. */
export function imageAssetIds(categories: readonly QuizCategory[]): Set<string> {
  const ids = new Set<string>();
  const visit = (list: readonly QuizCategory[]) => {
    for (const category of list) {
      for (const question of category.questions) {
        if (question.image) ids.add(question.image.assetId);
        for (const answer of question.answers) if (answer.image) ids.add(answer.image.assetId);
      }
      visit(category.children);
    }
  };
  visit(categories);
  return ids;
}

/** Images `before` used that `after` does not (removed, replaced, or deleted with their question or category). */
export function imagesDropped(before: TestSet, after: TestSet): string[] {
  if (before.categories === after.categories) return [];
  const kept = imageAssetIds(after.categories);
  return [...imageAssetIds(before.categories)].filter((id) => !kept.has(id));
}

/** Questions in a category and all its subcategories. */
export function questionsInTree(category: QuizCategory): number {
  return category.questions.length + category.children.reduce((sum, child) => sum + questionsInTree(child), 0);
}

// ---- changing things ----

/** Applies `change` to the category with this id, wherever it is. */
export function updateCategory(
  testSet: TestSet,
  id: string,
  change: (category: QuizCategory) => QuizCategory,
): TestSet {
  // Categories that do not contain it stay the same objects, so the editor re-renders only what changed.
  const visit = (list: QuizCategory[]): QuizCategory[] => {
    let changed = false;
    const out = list.map((c) => {
      if (c.id === id) {
        changed = true;
        return change(c);
      }
      const children = c.children.length ? visit(c.children) : c.children;
      if (children === c.children) return c;
      changed = true;
      return { ...c, children };
    });
    return changed ? out : list;
  };
  return { ...testSet, categories: visit(testSet.categories) };
}

/** Applies `change` to the list that holds the category (the top level or a parent's children). */
function updateSiblings(
  testSet: TestSet,
  parentId: string | null,
  change: (siblings: QuizCategory[]) => QuizCategory[],
): TestSet {
  if (parentId === null) return { ...testSet, categories: change(testSet.categories) };
  return updateCategory(testSet, parentId, (parent) => ({ ...parent, children: change(parent.children) }));
}

/** Adds a category at the end of the top level, or of a parent's subcategories (refused past the nesting limit). */
export function addCategory(testSet: TestSet, parentId: string | null, category: QuizCategory): TestSet {
  if (parentId !== null) {
    const parent = findCategory(testSet, parentId);
    if (!parent || !canNestUnder(parent)) return testSet;
  }
  return updateSiblings(testSet, parentId, (siblings) => [...siblings, category]);
}

export function removeCategory(testSet: TestSet, id: string): TestSet {
  const location = findCategory(testSet, id);
  if (!location) return testSet;
  return updateSiblings(testSet, location.parentId, (siblings) => siblings.filter((c) => c.id !== id));
}

/** Moves a category among its siblings to position `to`. */
export function moveCategory(testSet: TestSet, id: string, to: number): TestSet {
  const location = findCategory(testSet, id);
  if (!location) return testSet;
  return updateSiblings(testSet, location.parentId, (siblings) => moveItem(siblings, location.index, to));
}

export function updateQuestion(testSet: TestSet, id: string, change: (question: Question) => Question): TestSet {
  const location = findQuestion(testSet, id);
  if (!location) return testSet;
  return updateCategory(testSet, location.categoryId, (category) => ({
    ...category,
    questions: category.questions.map((q) => (q.id === id ? change(q) : q)),
  }));
}

export function addQuestion(testSet: TestSet, categoryId: string, question: Question, at?: number): TestSet {
  return updateCategory(testSet, categoryId, (category) => {
    const questions = [...category.questions];
    questions.splice(at ?? questions.length, 0, question);
    return { ...category, questions };
  });
}

export function removeQuestion(testSet: TestSet, id: string): TestSet {
  const location = findQuestion(testSet, id);
  if (!location) return testSet;
  return updateCategory(testSet, location.categoryId, (category) => ({
    ...category,
    questions: category.questions.filter((q) => q.id !== id),
  }));
}

/** Moves a question within its category to position `to`. */
export function moveQuestion(testSet: TestSet, id: string, to: number): TestSet {
  const location = findQuestion(testSet, id);
  if (!location) return testSet;
  return updateCategory(testSet, location.categoryId, (category) => ({
    ...category,
    questions: moveItem(category.questions, location.index, to),
  }));
}

/** Moves a question to the end of another category. */
export function moveQuestionToCategory(testSet: TestSet, id: string, categoryId: string): TestSet {
  const location = findQuestion(testSet, id);
  if (!location || location.categoryId === categoryId || !findCategory(testSet, categoryId)) return testSet;
  return addQuestion(removeQuestion(testSet, id), categoryId, location.question);
}

/** Inserts a copy (fresh ids) right after the question; returns the new set and the copy's id. */
export function duplicateQuestion(testSet: TestSet, id: string): { testSet: TestSet; copyId: string | null } {
  const location = findQuestion(testSet, id);
  if (!location) return { testSet, copyId: null };
  const copy = copyQuestion(location.question);
  return { testSet: addQuestion(testSet, location.categoryId, copy, location.index + 1), copyId: copy.id };
}

export function updateAnswer(question: Question, id: string, change: (answer: Answer) => Answer): Question {
  return { ...question, answers: question.answers.map((a) => (a.id === id ? change(a) : a)) };
}

/** Adds an answer worth nothing (refused past the schema's limit). */
export function addAnswer(question: Question, answer: Answer = newAnswer('', 0)): Question {
  if (question.answers.length >= MAX_ANSWERS || question.kind === 'true-false') return question;
  return { ...question, answers: [...question.answers, answer] };
}

/** Removes an answer (refused below the schema's minimum, and for true/false). */
export function removeAnswer(question: Question, id: string): Question {
  if (question.answers.length <= MIN_ANSWERS || question.kind === 'true-false') return question;
  return { ...question, answers: question.answers.filter((a) => a.id !== id) };
}

export function moveAnswer(question: Question, id: string, to: number): Question {
  const from = question.answers.findIndex((a) => a.id === id);
  return { ...question, answers: moveItem(question.answers, from, to) };
}

/**
 * Whether a question's grades are the plain kind the simple editor shows (a "correct" radio or
 * checkboxes): single choice with one answer at 100% and the rest at 0; multiple choice with the
 * correct answers sharing 100% equally and the rest at 0. Anything else (partial credit, penalties)
 * needs the advanced grade menus.
 */
export function hasSimpleGrading(question: Question): boolean {
  const positive = question.answers.filter((a) => a.fraction > 0);
  if (question.answers.some((a) => a.fraction < 0)) return false;
  if (question.kind === 'single') return positive.length === 1 && Math.abs((positive[0]?.fraction ?? 0) - 1) <= FRACTION_TOLERANCE;
  if (question.kind === 'multiple' && !question.allOrNothing) {
    const share = equalShare(positive.length);
    return positive.length > 0 && positive.every((a) => Math.abs(a.fraction - share) <= FRACTION_TOLERANCE);
  }
  return true;
}

/** 100% shared by `count` answers, as Moodle's grade menu writes it (33.33333%). */
function equalShare(count: number): number {
  if (count === 0) return 0;
  return matchFraction(1 / count) ?? 1 / count;
}

/** Multiple choice: these answers are the correct ones and share 100% equally; the others are worth nothing. */
export function setCorrectAnswers(question: Question, ids: readonly string[]): Question {
  const chosen = question.answers.filter((a) => ids.includes(a.id));
  const share = equalShare(chosen.length);
  return { ...question, answers: question.answers.map((a) => ({ ...a, fraction: ids.includes(a.id) ? share : 0 })) };
}

/** The nearest plain grading: single choice keeps its best answer, multiple choice its answers worth something. */
export function simplifyGrading(question: Question): Question {
  if (question.kind === 'single') {
    const best = question.answers.reduce((a, b) => (b.fraction > a.fraction ? b : a), question.answers[0] as Answer);
    return setOnlyCorrect(question, best.id);
  }
  if (question.kind === 'multiple') {
    return setCorrectAnswers(
      question,
      question.answers.filter((a) => a.fraction > 0).map((a) => a.id),
    );
  }
  return question;
}

/** Makes one answer the right one (100%) and every other worth nothing: true/false and all-or-nothing helpers. */
export function setOnlyCorrect(question: Question, id: string): Question {
  return { ...question, answers: question.answers.map((a) => ({ ...a, fraction: a.id === id ? 1 : 0 })) };
}
