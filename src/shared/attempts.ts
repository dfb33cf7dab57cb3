// Taking a test: the rules of an attempt as pure functions (its drawn layout, accepting an answer,
// its deadline, which attempt counts, what a learner may see afterwards), and the shapes of what the
// server sends. The server runs exactly these functions; they are unit-tested without I/O.
import { z } from 'zod';
import {
  type GradingMethod,
  quizImageSchema,
  quizLayoutSchema,
  questionKindSchema,
  type QuestionKind,
  type QuizSettings,
  reviewPolicySchema,
  reviewTimingSchema,
  type TestSet,
  allQuestions,
} from './quiz.ts';
import { answerOrder, drawQuestions, passes, seededRandom } from './quiz-grading.ts';

// ---------------------------------------------------------------------------------------------
// Layout: which questions, in which order, with which answer order. Fixed when the attempt starts.

export interface LayoutQuestion {
  questionId: string;
  kind: QuestionKind;
  /** The answers in the order this attempt shows them. */
  answerIds: string[];
}
export type AttemptLayout = LayoutQuestion[];

/**
 * Draws an attempt's layout from a seed: N per category (no repeats: each question is in the
 * tree once), preferring the questions this learner has seen least, questions shuffled if set,
 * answers shuffled if set. The same seed and history give the same layout.
 */
export function drawLayout(testSet: TestSet, seed: number, seen?: ReadonlyMap<string, number>): AttemptLayout {
  const random = seededRandom(seed);
  const byId = new Map(allQuestions(testSet.categories).map((q) => [q.id, q]));
  const ids = drawQuestions(testSet.categories, random, { shuffle: testSet.settings.shuffleQuestions, seen });
  const layout: AttemptLayout = [];
  const used = new Set<string>();
  for (const id of ids) {
    const question = byId.get(id);
    if (!question || used.has(id)) continue;
    used.add(id);
    layout.push({ questionId: id, kind: question.kind, answerIds: answerOrder(question, random, testSet.settings.shuffleAnswers) });
  }
  return layout;
}

/** How many of these earlier layouts showed each question. */
export function seenCounts(layouts: readonly AttemptLayout[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const layout of layouts) for (const q of layout) counts.set(q.questionId, (counts.get(q.questionId) ?? 0) + 1);
  return counts;
}

/** How many questions an attempt of this test set has (draws do not depend on the seed's luck). */
export function questionsPerAttempt(testSet: TestSet): number {
  return drawQuestions(testSet.categories, () => 0).length;
}

// ---------------------------------------------------------------------------------------------
// Time.

/** A learner's accommodation and extra attempts for one course, granted by its author or an admin. */
export interface Allowance {
  /** The time limit is multiplied by this (1 = none; 1.5 = 50% extra time). */
  timeMultiplier: number;
  /** Added after the multiplier. */
  extraMinutes: number;
  /** Attempts on top of the test's allowance. */
  extraAttempts: number;
}
export const NO_ALLOWANCE: Allowance = { timeMultiplier: 1, extraMinutes: 0, extraAttempts: 0 };

export const allowanceSchema = z.strictObject({
  timeMultiplier: z.number().min(1).max(10),
  extraMinutes: z.int().min(0).max(24 * 60),
  extraAttempts: z.int().min(0).max(100),
});

/**
 * When an attempt's time is over (epoch ms), or null without a time limit or close date: start +
 * limit × multiplier + extra minutes, never past the close date.
 */
export function attemptDeadline(input: {
  startedAt: number;
  timeLimitMinutes: number | null;
  allowance?: Pick<Allowance, 'timeMultiplier' | 'extraMinutes'>;
  closesAt?: number | null;
}): number | null {
  const closesAt = input.closesAt ?? null;
  if (input.timeLimitMinutes === null) return closesAt;
  const allowance = input.allowance ?? NO_ALLOWANCE;
  const end =
    input.startedAt + Math.round(input.timeLimitMinutes * 60_000 * allowance.timeMultiplier) + allowance.extraMinutes * 60_000;
  return closesAt === null ? end : Math.min(end, closesAt);
}

/** Answers are accepted until this time (the deadline plus the grace period); null = no limit. */
export function acceptsUntil(deadlineAt: number | null, graceMs: number): number | null {
  return deadlineAt === null ? null : deadlineAt + graceMs;
}

// ---------------------------------------------------------------------------------------------
// Saving an answer.

export type AttemptState = 'open' | 'submitted';

export interface SaveRequest {
  questionId: string;
  answerIds: readonly string[];
  /** Increases with each change of this question's answer (the page uses the choice's time in ms). */
  sequence: number;
}

export type SaveDecision =
  /** `apply`: store it; otherwise a newer (or the same) answer is already stored and stays. */
  | { ok: true; apply: boolean }
  | { ok: false; status: 400 | 404 | 409; code: string; message: string };

/**
 * Whether an answer save is accepted: refused (with a reason the learner can read) when the attempt
 * is submitted, when it arrives after deadline + grace, or when it names a question or answer the
 * attempt does not have; accepted but not applied when the stored answer has a sequence number at
 * least as high (a second tab cannot overwrite a newer answer with an older one).
 */
export function decideSave(input: {
  state: AttemptState;
  deadlineAt: number | null;
  layout: AttemptLayout;
  stored: { sequence: number } | undefined;
  save: SaveRequest;
  now: number;
  graceMs: number;
}): SaveDecision {
  const { save, layout } = input;
  const index = layout.findIndex((q) => q.questionId === save.questionId);
  const which = index < 0 ? 'this question' : `question ${index + 1}`;
  if (input.state !== 'open') {
    return {
      ok: false,
      status: 409,
      code: 'attempt_submitted',
      message: `This attempt has already been submitted, so your answer to ${which} was not saved.`,
    };
  }
  const until = acceptsUntil(input.deadlineAt, input.graceMs);
  if (until !== null && input.now > until) {
    return {
      ok: false,
      status: 409,
      code: 'attempt_time_over',
      message: `Time ran out at ${clock(input.deadlineAt as number)} UTC, so your answer to ${which} was not saved.`,
    };
  }
  const question = layout[index];
  if (!question) return { ok: false, status: 404, code: 'not_found', message: 'This attempt has no such question.' };
  const known = new Set(question.answerIds);
  if (!save.answerIds.every((id) => known.has(id))) {
    return { ok: false, status: 400, code: 'invalid_input', message: `An answer chosen for ${which} is not one of its answers.` };
  }
  if (question.kind !== 'multiple' && new Set(save.answerIds).size > 1) {
    return { ok: false, status: 400, code: 'invalid_input', message: `Only one answer can be chosen for ${which}.` };
  }
  return { ok: true, apply: input.stored === undefined || save.sequence > input.stored.sequence };
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

// ---------------------------------------------------------------------------------------------
// Attempts allowed and which attempt counts.

/** Attempts a learner may still start (null = unlimited), counting every attempt started. */
export function attemptsLeft(attemptsAllowed: number | null, extraAttempts: number, attemptsStarted: number): number | null {
  if (attemptsAllowed === null) return null;
  return Math.max(0, attemptsAllowed + extraAttempts - attemptsStarted);
}

/** The earliest time the next attempt may start, after the wait between attempts. */
export function nextStartAt(lastSubmittedAt: number | null, minutesBetweenAttempts: number | null): number | null {
  if (lastSubmittedAt === null || minutesBetweenAttempts === null) return null;
  return lastSubmittedAt + minutesBetweenAttempts * 60_000;
}

export interface GradedAttempt {
  /** 1 for the learner's first attempt. */
  number: number;
  percent: number;
}

/**
 * The learner's grade for the test by the grading method, from their graded attempts (null when
 * none): the highest, the last or first by attempt number, or the average rounded to 2 decimals.
 */
export function countingGrade(attempts: readonly GradedAttempt[], method: GradingMethod): number | null {
  if (attempts.length === 0) return null;
  const byNumber = [...attempts].sort((a, b) => a.number - b.number);
  switch (method) {
    case 'highest':
      return Math.max(...attempts.map((a) => a.percent));
    case 'first':
      return (byNumber[0] as GradedAttempt).percent;
    case 'last':
      return (byNumber[byNumber.length - 1] as GradedAttempt).percent;
    case 'average':
      return Math.round((attempts.reduce((sum, a) => sum + a.percent, 0) / attempts.length) * 100) / 100;
  }
}

/**
 * The learner's result for the test: the counting grade by the test's grading method, and whether
 * it passes (null before any graded attempt). Both the attempts (the learner's overview) and the
 * course's completion (learning) decide "passed the test" with this function.
 */
export function testResult(
  attempts: readonly GradedAttempt[],
  settings: Pick<QuizSettings, 'gradingMethod' | 'passMarkPercent'>,
): { percent: number; passed: boolean } | null {
  const percent = countingGrade(attempts, settings.gradingMethod);
  return percent === null ? null : { percent, passed: passes(percent, settings.passMarkPercent) };
}

// ---------------------------------------------------------------------------------------------
// Review: what a learner may see of a submitted attempt.

export interface ReviewVisibility {
  /** False until the review opens (and always while the attempt is open). */
  open: boolean;
  /** When it opens, if known (after-deadline); null otherwise. */
  opensAt: number | null;
  score: boolean;
  /** Their own choices and each question marked right, partly right or wrong. */
  outcomes: boolean;
  correctAnswers: boolean;
  /** Answer feedback, general feedback and each question's mark. */
  feedback: boolean;
}

const CLOSED: Omit<ReviewVisibility, 'opensAt'> = { open: false, score: false, outcomes: false, correctAnswers: false, feedback: false };

/**
 * What the review shows of an attempt now. Nothing while the attempt is open; after submission,
 * the test's review policy once its timing allows: immediately, after the attempt's deadline (at
 * submission when there is none), or when the learner has no attempt left (never with unlimited
 * attempts).
 */
export function reviewVisibility(
  settings: Pick<QuizSettings, 'review' | 'reviewWhen'>,
  attempt: { state: AttemptState; deadlineAt: number | null },
  context: { now: number; attemptsLeft: number | null; hasOpenAttempt: boolean },
): ReviewVisibility {
  if (attempt.state !== 'submitted') return { ...CLOSED, opensAt: null };
  let open: boolean;
  let opensAt: number | null = null;
  switch (settings.reviewWhen) {
    case 'immediately':
      open = true;
      break;
    case 'after-deadline':
      opensAt = attempt.deadlineAt;
      open = attempt.deadlineAt === null || context.now >= attempt.deadlineAt;
      break;
    case 'after-last-attempt':
      open = context.attemptsLeft === 0 && !context.hasOpenAttempt;
      break;
  }
  if (!open) return { ...CLOSED, opensAt };
  const level = REVIEW_LEVEL[settings.review];
  return { open: true, opensAt, score: level >= 1, outcomes: level >= 2, correctAnswers: level >= 3, feedback: level >= 4 };
}

const REVIEW_LEVEL = { nothing: 0, score: 1, 'score-and-wrong': 2, 'score-and-correct-answers': 3, everything: 4 } as const;

/** How a question went, from its grade fraction and whether anything was chosen. */
export function outcomeOf(fraction: number, answered: boolean): QuestionOutcome {
  if (!answered) return 'unanswered';
  if (fraction >= 1) return 'right';
  return fraction > 0 ? 'partly-right' : 'wrong';
}

// ---------------------------------------------------------------------------------------------
// What the API takes and sends. Learner views are strict objects: the server parses every learner
// response through them, so a key that is not declared here (a fraction, feedback) cannot leave.

export const saveAnswerBodySchema = z.strictObject({
  sequence: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  answerIds: z.array(z.uuid()).max(20),
  flagged: z.boolean().default(false),
});
export type SaveAnswerBody = z.input<typeof saveAnswerBodySchema>;

export const QUESTION_OUTCOMES = ['right', 'partly-right', 'wrong', 'unanswered'] as const;
export type QuestionOutcome = (typeof QUESTION_OUTCOMES)[number];

const isoDate = z.iso.datetime();

export const attemptQuestionViewSchema = z.strictObject({
  id: z.string(),
  /** 1-based position in the attempt. */
  number: z.int(),
  kind: questionKindSchema,
  text: z.string(),
  image: quizImageSchema.nullable(),
  answers: z.array(z.strictObject({ id: z.string(), text: z.string(), image: quizImageSchema.nullable() })),
});

export const attemptResponseViewSchema = z.strictObject({
  answerIds: z.array(z.string()),
  sequence: z.number(),
  flagged: z.boolean(),
  savedAt: isoDate,
});
export type AttemptResponseView = z.infer<typeof attemptResponseViewSchema>;

export const reviewQuestionViewSchema = z.strictObject({
  questionId: z.string(),
  outcome: z.enum(QUESTION_OUTCOMES).optional(),
  correctAnswerIds: z.array(z.string()).optional(),
  /** 0–1, with feedback only. */
  mark: z.number().optional(),
  generalFeedback: z.string().optional(),
  answerFeedback: z.array(z.strictObject({ answerId: z.string(), feedback: z.string() })).optional(),
});

export const attemptResultViewSchema = z.strictObject({
  score: z.number(),
  maxScore: z.number(),
  percent: z.number(),
  passed: z.boolean(),
});

export const attemptViewSchema = z.strictObject({
  id: z.string(),
  courseId: z.string(),
  version: z.int(),
  number: z.int(),
  state: z.enum(['open', 'submitted']),
  startedAt: isoDate,
  /** The server's end time (accommodation included); null without a time limit. */
  deadline: isoDate.nullable(),
  graceSeconds: z.number(),
  /** The server's clock when this was sent: the page's timer resyncs on it. */
  serverNow: isoDate,
  submittedAt: isoDate.nullable(),
  submittedBy: z.enum(['learner', 'deadline']).nullable(),
  layout: quizLayoutSchema,
  passMarkPercent: z.number(),
  questions: z.array(attemptQuestionViewSchema),
  /** Question id → the latest acknowledged answer. */
  responses: z.record(z.string(), attemptResponseViewSchema),
  /** With a score-showing review only. */
  result: attemptResultViewSchema.nullable(),
  review: z
    .strictObject({
      open: z.boolean(),
      opensAt: isoDate.nullable(),
      opensWhen: reviewTimingSchema,
      shows: reviewPolicySchema,
      questions: z.array(reviewQuestionViewSchema),
    })
    .nullable(),
});
export type AttemptView = z.infer<typeof attemptViewSchema>;

export const saveAnswerResultSchema = z.strictObject({
  questionId: z.string(),
  /** False when a newer answer was already stored: `response` is that one. */
  applied: z.boolean(),
  response: attemptResponseViewSchema,
  deadline: isoDate.nullable(),
  serverNow: isoDate,
});
export type SaveAnswerResult = z.infer<typeof saveAnswerResultSchema>;

export const attemptSummaryViewSchema = z.strictObject({
  id: z.string(),
  number: z.int(),
  state: z.enum(['open', 'submitted']),
  startedAt: isoDate,
  submittedAt: isoDate.nullable(),
  deadline: isoDate.nullable(),
  result: attemptResultViewSchema.nullable(),
  reviewOpen: z.boolean(),
});
export type AttemptSummaryView = z.infer<typeof attemptSummaryViewSchema>;

/** The "Start the test" page: the rules, what is left, and the learner's attempts. */
export const testOverviewSchema = z.strictObject({
  courseId: z.string(),
  version: z.int(),
  enabled: z.boolean(),
  questionCount: z.int(),
  timeLimitMinutes: z.number().nullable(),
  /** The limit with this learner's accommodation. */
  yourTimeLimitMinutes: z.number().nullable(),
  attemptsAllowed: z.int().nullable(),
  attemptsLeft: z.int().nullable(),
  nextStartAt: isoDate.nullable(),
  passMarkPercent: z.number(),
  review: reviewPolicySchema,
  reviewWhen: reviewTimingSchema,
  gradingMethod: z.enum(['highest', 'last', 'first', 'average']),
  layout: quizLayoutSchema,
  openAttemptId: z.string().nullable(),
  /** The course's close date: no attempt starts after it, none runs past it. */
  closesAt: isoDate.nullable(),
  /** The grade by the grading method, when every graded attempt's score may be shown. */
  grade: z.strictObject({ percent: z.number(), passed: z.boolean() }).nullable(),
  attempts: z.array(attemptSummaryViewSchema),
});
export type TestOverview = z.infer<typeof testOverviewSchema>;

/** GET /api/courses/:id/test. */
export const testOverviewResponseSchema = z.object({ test: testOverviewSchema });
/** Start or resume, submit, and GET /api/attempts/:id for the learner: one attempt as they may see it. */
export const attemptResponseSchema = z.object({ attempt: attemptViewSchema });
