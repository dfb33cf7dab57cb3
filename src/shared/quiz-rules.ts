// Whether a test set is fit to publish: pure checks that return every problem found (never throw),
// each with a path into the test set and a message in plain words for the author. The zod schema in
// src/shared/quiz.ts guarantees the shape; these rules are Moodle's grading rules plus our own.
import {
  FRACTION_TOLERANCE,
  MAX_CATEGORY_DEPTH,
  type Question,
  type QuizCategory,
  type TestSet,
  walkCategories,
} from './quiz.ts';

export interface Problem {
  /** Dotted path into the test set, e.g. `categories.0.questions.2.answers`. */
  path: string;
  code: string;
  message: string;
  /** Errors block publishing; warnings are shown to the author but allowed. */
  severity: 'error' | 'warning';
}

const near = (a: number, b: number) => Math.abs(a - b) <= FRACTION_TOLERANCE;
const blank = (s: string) => s.trim() === '';
const percent = (fraction: number) => `${Math.round(fraction * 10000) / 100}%`;
const error = (path: string, code: string, message: string): Problem => ({ path, code, message, severity: 'error' });
const warning = (path: string, code: string, message: string): Problem => ({
  path,
  code,
  message,
  severity: 'warning',
});

export function validateTestSet(testSet: TestSet): Problem[] {
  const problems: Problem[] = [];
  const seenIds = new Map<string, string>();
  const checkId = (id: string, path: string) => {
    const first = seenIds.get(id);
    if (first === undefined) seenIds.set(id, path);
    else
      problems.push(error(`${path}.id`, 'duplicate-id', `This item has the same id as ${first}; ids must be unique.`));
  };

  let questionCount = 0;
  walkCategories(testSet.categories, (category, path, depth) => {
    checkId(category.id, path);
    if (blank(category.name)) problems.push(error(`${path}.name`, 'category-name-blank', 'A category needs a name.'));
    if (depth > MAX_CATEGORY_DEPTH) {
      problems.push(error(path, 'category-too-deep', `Categories can be nested at most ${MAX_CATEGORY_DEPTH} deep.`));
    }
    const available = availableQuestions(category);
    if (category.drawCount !== null && category.drawCount > available) {
      problems.push(
        error(
          `${path}.drawCount`,
          'draw-count-too-high',
          `Category ${category.name} has only ${available} questions; it cannot draw ${category.drawCount}.`,
        ),
      );
    }
    if (category.questions.length === 0 && category.children.length === 0) {
      problems.push(warning(path, 'category-empty', `Category ${category.name} has no questions.`));
    }
    category.questions.forEach((question, i) => {
      const qPath = `${path}.questions.${i}`;
      questionCount++;
      checkId(question.id, qPath);
      question.answers.forEach((answer, j) => {
        checkId(answer.id, `${qPath}.answers.${j}`);
      });
      problems.push(...validateQuestion(question, qPath));
    });
  });

  if (questionCount === 0) {
    // A course may have no test: an empty one only matters if learners would be offered it.
    problems.push(
      testSet.settings.enabled
        ? error('categories', 'no-questions', 'The test has no questions. Add some, or turn the test off.')
        : warning('categories', 'no-questions', 'The test has no questions.'),
    );
  }
  return problems;
}

/**
 * How many questions an attempt can draw from a category: its own questions plus what each
 * subcategory yields (Moodle's "include subcategories"), a subcategory yielding at most its own
 * drawCount because it is drawn by its own rule first.
 */
export function availableQuestions(category: QuizCategory): number {
  let total = category.questions.length;
  for (const child of category.children) {
    const childAvailable = availableQuestions(child);
    total += child.drawCount === null ? childAvailable : Math.min(child.drawCount, childAvailable);
  }
  return total;
}

export function validateQuestion(question: Question, path: string): Problem[] {
  const problems: Problem[] = [];
  const answersPath = `${path}.answers`;
  if (blank(question.text)) problems.push(error(`${path}.text`, 'question-text-blank', 'The question has no text.'));
  if (question.image && blank(question.image.alt)) {
    problems.push(error(`${path}.image.alt`, 'image-alt-blank', 'Describe the image for learners who cannot see it.'));
  }

  const texts = new Set<string>();
  question.answers.forEach((answer, j) => {
    const aPath = `${answersPath}.${j}`;
    if (blank(answer.text) && !answer.image) {
      problems.push(error(`${aPath}.text`, 'answer-text-blank', 'An answer has no text and no image.'));
    }
    if (answer.image && blank(answer.image.alt)) {
      problems.push(
        error(`${aPath}.image.alt`, 'image-alt-blank', 'Describe the image for learners who cannot see it.'),
      );
    }
    if (!(answer.fraction >= -1 && answer.fraction <= 1)) {
      problems.push(
        error(`${aPath}.fraction`, 'fraction-out-of-range', 'An answer’s mark must be between -100% and 100%.'),
      );
    }
    const key = answer.text.trim().toLowerCase();
    if (key !== '' && texts.has(key)) {
      problems.push(warning(`${aPath}.text`, 'answer-duplicate', `The answer “${answer.text.trim()}” appears twice.`));
    }
    texts.add(key);
  });

  if (question.allOrNothing && question.kind !== 'multiple') {
    problems.push(
      warning(`${path}.allOrNothing`, 'all-or-nothing-ignored', 'All-or-nothing only applies to multiple choice.'),
    );
  }

  const fractions = question.answers.map((a) => a.fraction);
  switch (question.kind) {
    case 'single': {
      const full = fractions.filter((f) => near(f, 1)).length;
      if (full === 0) {
        problems.push(
          error(answersPath, 'single-no-full-mark', 'One answer must be worth 100% so full marks are possible.'),
        );
      } else if (full > 1) {
        problems.push(
          error(
            answersPath,
            'single-several-full-marks',
            'Only one answer may be worth 100% in a single-choice question.',
          ),
        );
      }
      break;
    }
    case 'multiple': {
      if (question.allOrNothing) {
        // Only the sign counts: an answer is correct when its fraction is positive, magnitudes are ignored.
        if (!fractions.some((f) => f > 0)) {
          problems.push(error(answersPath, 'all-or-nothing-no-correct', 'Mark at least one answer as correct.'));
        } else if (fractions.every((f) => f > 0)) {
          problems.push(warning(answersPath, 'all-or-nothing-all-correct', 'Every answer is correct.'));
        }
        break;
      }
      const positive = fractions.filter((f) => f > 0).reduce((sum, f) => sum + f, 0);
      if (!near(positive, 1)) {
        problems.push(
          error(
            answersPath,
            'multiple-positive-sum',
            `The correct answers’ marks add up to ${percent(positive)}; they must add up to 100%.`,
          ),
        );
      }
      break;
    }
    case 'true-false': {
      const ok =
        fractions.length === 2 &&
        ((fractions[0] === 1 && fractions[1] === 0) || (fractions[0] === 0 && fractions[1] === 1));
      if (fractions.length !== 2) {
        problems.push(error(answersPath, 'true-false-two-answers', 'A true/false question has exactly two answers.'));
      } else if (!ok) {
        problems.push(
          error(answersPath, 'true-false-marks', 'In a true/false question one answer is worth 100% and the other 0%.'),
        );
      }
      break;
    }
  }
  return problems;
}

/** True when nothing blocks publishing. */
export function isPublishable(problems: readonly Problem[]): boolean {
  return problems.every((p) => p.severity !== 'error');
}
