// Builders for test sets in tests: valid by default, override what a test is about.
import { randomUUID } from 'node:crypto';
import {
  type Answer,
  type Question,
  type QuizCategory,
  type QuizSettings,
  quizSettingsSchema,
  type TestSet,
} from '../../shared/quiz.ts';

export function answer(fraction: number, overrides: Partial<Answer> = {}): Answer {
  return {
    id: randomUUID(),
    text: `answer ${randomUUID().slice(0, 8)}`,
    image: null,
    fraction,
    feedback: '',
    ...overrides,
  };
}

export function question(kind: Question['kind'], fractions: number[], overrides: Partial<Question> = {}): Question {
  return {
    id: randomUUID(),
    kind,
    text: 'What is it?',
    image: null,
    allOrNothing: false,
    generalFeedback: '',
    answers: fractions.map((f) => answer(f)),
    ...overrides,
  };
}

export const single = (overrides: Partial<Question> = {}) => question('single', [1, 0, 0], overrides);

export function category(questions: Question[], overrides: Partial<QuizCategory> = {}): QuizCategory {
  return { id: randomUUID(), name: 'Basics', drawCount: null, questions, children: [], ...overrides };
}

export function testSet(categories: QuizCategory[], settings: Partial<QuizSettings> = {}): TestSet {
  return { settings: { ...quizSettingsSchema.parse({}), ...settings }, categories };
}
