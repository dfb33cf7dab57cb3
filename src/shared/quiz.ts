// A course version's test set (quiz) as an author builds it in a draft: settings, then a tree of
// categories holding questions and their answers. These schemas describe the *shape* any draft may
// have (so the editor can save half-finished work); whether a test set is fit to publish is decided
// by the rules in src/shared/quiz-rules.ts, which report plain-word problems instead.
import { z } from 'zod';

/** Nesting limit for categories: a top-level category is depth 1. */
export const MAX_CATEGORY_DEPTH = 5;
/** Tolerance for comparing grade fractions, as Moodle's editor does (0.3333333 × 3 counts as 100%). */
export const FRACTION_TOLERANCE = 0.0001;

export const QUESTION_KINDS = ['single', 'multiple', 'true-false'] as const;
export const questionKindSchema = z.enum(QUESTION_KINDS);
export type QuestionKind = z.infer<typeof questionKindSchema>;

/**
 * What a learner may see of a finished attempt:
 * - `nothing`: only that the attempt was submitted;
 * - `score`: the score and whether they passed;
 * - `score-and-wrong`: also their own choices, each question marked right, partly right or wrong;
 * - `score-and-correct-answers`: also the right answers;
 * - `everything`: also the per-answer feedback, each question's general feedback and its mark.
 */
export const REVIEW_POLICIES = ['nothing', 'score', 'score-and-wrong', 'score-and-correct-answers', 'everything'] as const;
export const reviewPolicySchema = z.enum(REVIEW_POLICIES);
export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;

/**
 * When the review opens: as soon as the attempt is submitted; once the attempt's time is over
 * (its deadline, so early finishers cannot pass answers to learners still taking it); or once the
 * learner has no attempt left.
 */
export const REVIEW_TIMINGS = ['immediately', 'after-deadline', 'after-last-attempt'] as const;
export const reviewTimingSchema = z.enum(REVIEW_TIMINGS);
export type ReviewTiming = z.infer<typeof reviewTimingSchema>;

/** Which of a learner's attempts gives their grade for the test (Moodle's "grading method"). */
export const GRADING_METHODS = ['highest', 'last', 'first', 'average'] as const;
export const gradingMethodSchema = z.enum(GRADING_METHODS);
export type GradingMethod = z.infer<typeof gradingMethodSchema>;

/** How an attempt is shown: one question per page, or all on one page. */
export const QUIZ_LAYOUTS = ['one-per-page', 'all-on-one-page'] as const;
export const quizLayoutSchema = z.enum(QUIZ_LAYOUTS);
export type QuizLayout = z.infer<typeof quizLayoutSchema>;

export const quizImageSchema = z.object({
  assetId: z.uuid(),
  /**
   * Every image must be described for screen readers before publishing (the rules say so); a draft
   * may hold one still undescribed, as an import brings it, for the author to fill in.
   */
  alt: z.string().max(300),
});
export type QuizImage = z.infer<typeof quizImageSchema>;

export const quizSettingsSchema = z.object({
  /** A disabled test is kept in the draft but not offered to learners (and may be empty). */
  enabled: z.boolean().default(true),
  passMarkPercent: z.number().min(0).max(100).default(50),
  /** null = no time limit. */
  timeLimitMinutes: z.int().min(1).max(600).nullable().default(null),
  /** null = unlimited attempts. */
  attemptsAllowed: z.int().min(1).max(100).nullable().default(null),
  shuffleQuestions: z.boolean().default(false),
  shuffleAnswers: z.boolean().default(true),
  review: reviewPolicySchema.default('score'),
  reviewWhen: reviewTimingSchema.default('immediately'),
  gradingMethod: gradingMethodSchema.default('highest'),
  layout: quizLayoutSchema.default('one-per-page'),
  /** null = a new attempt may start as soon as the previous one is submitted. */
  minutesBetweenAttempts: z.int().min(1).max(525_600).nullable().default(null),
  /**
   * The course's close date (ISO, UTC): no attempt starts after it and every attempt's deadline is
   * at most this. null = the course does not close.
   */
  closesAt: z.iso.datetime().nullable().default(null),
});
export type QuizSettings = z.infer<typeof quizSettingsSchema>;

export const answerSchema = z.object({
  id: z.uuid(),
  // Empty while the author has not written it (a new answer): the publish rules refuse it then.
  text: z.string().max(1000),
  image: quizImageSchema.nullable().default(null),
  /** Moodle's grade fraction: 1 = 100% of the question's mark, negative values are penalties. */
  fraction: z.number().min(-1).max(1),
  feedback: z.string().max(2000).default(''),
});
export type Answer = z.infer<typeof answerSchema>;

export const questionSchema = z.object({
  id: z.uuid(),
  kind: questionKindSchema,
  /** Markdown. */
  text: z.string().min(1).max(5000),
  image: quizImageSchema.nullable().default(null),
  /** Multiple choice only: full marks for exactly the right set of answers, else nothing. */
  allOrNothing: z.boolean().default(false),
  generalFeedback: z.string().max(2000).default(''),
  /** 2–20 in any draft; the rules require exactly 2 for true-false. */
  answers: z.array(answerSchema).min(2).max(20),
});
export type Question = z.infer<typeof questionSchema>;

export interface QuizCategory {
  id: string;
  name: string;
  /** How many questions an attempt draws from this category (its subcategories included); null = all. */
  drawCount: number | null;
  questions: Question[];
  children: QuizCategory[];
}

/** What an editor may send for a category: defaults are filled in on parse. */
export interface QuizCategoryInput {
  id: string;
  name: string;
  drawCount?: number | null;
  questions?: z.input<typeof questionSchema>[];
  children?: QuizCategoryInput[];
}

const TOO_DEEP = `Categories can be nested at most ${MAX_CATEGORY_DEPTH} deep.`;

/**
 * A category below the nesting limit: refused as a whole without reading inside it, so a tree nested
 * 1,000 deep is one clear issue (at its first category too deep) instead of a stack overflow.
 */
const tooDeepCategorySchema = z.custom<QuizCategory>(() => false, { message: TOO_DEEP });

/**
 * The category schema at `depth` (1 = top level). It is not recursive: it is unrolled down to the
 * nesting limit, so validation never recurses deeper than MAX_CATEGORY_DEPTH however deep the input is.
 */
function categorySchemaAt(depth: number): z.ZodType<QuizCategory, QuizCategoryInput> {
  return z.object({
    id: z.uuid(),
    name: z.string().min(1).max(200),
    drawCount: z.int().min(1).nullable().default(null),
    questions: z.array(questionSchema).default([]),
    children: z.array(depth < MAX_CATEGORY_DEPTH ? categorySchemaAt(depth + 1) : tooDeepCategorySchema).default([]),
  });
}

export const categorySchema = categorySchemaAt(1);

export const testSetSchema = z.object({
  settings: quizSettingsSchema.default(() => quizSettingsSchema.parse({})),
  categories: z.array(categorySchema).default([]),
});
export type TestSet = { settings: QuizSettings; categories: QuizCategory[] };
// Compile-time check that the hand-written recursive types match what the schema parses to.
const _parsedIsTestSet: (parsed: z.output<typeof testSetSchema>) => TestSet = (parsed) => parsed;
void _parsedIsTestSet;
/** What an editor may send: defaults filled in on parse. */
export type TestSetInput = z.input<typeof testSetSchema>;

/** Visits every category depth-first (parent before children), with its dotted path and depth (1 = top). */
export function walkCategories(
  categories: readonly QuizCategory[],
  visit: (category: QuizCategory, path: string, depth: number) => void,
  prefix = 'categories',
  depth = 1,
): void {
  categories.forEach((category, i) => {
    const path = `${prefix}.${i}`;
    visit(category, path, depth);
    walkCategories(category.children, visit, `${path}.children`, depth + 1);
  });
}

/** Every question in the tree, in authored order. */
export function allQuestions(categories: readonly QuizCategory[]): Question[] {
  const out: Question[] = [];
  walkCategories(categories, (category) => {
    out.push(...category.questions);
  });
  return out;
}
