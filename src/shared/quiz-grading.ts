// Grading and drawing for attempts, as pure functions. Randomness is injected (`random` returns a
// number in [0, 1), like Math.random) so an attempt can be reproduced and tests are deterministic.
import { FRACTION_TOLERANCE, type Question, type QuizCategory } from './quiz.ts';

export type Random = () => number;

/** A question's result: 0 = nothing, 1 = full marks. Always within [0, 1]. */
export interface QuestionGrade {
  fraction: number;
}

/**
 * Grades one question by Moodle's rules:
 * - single and true-false: the chosen answer's fraction (0 when none or several are chosen);
 * - multiple: the sum of the chosen answers' fractions, clamped to [0, 1];
 * - all-or-nothing multiple: 1 if exactly the answers with a positive fraction are chosen, else 0.
 * Unknown or repeated answer ids are ignored. Unlike Moodle, a negative single-choice answer also
 * clamps to 0: a penalty never spills over into other questions.
 */
export function gradeQuestion(question: Question, chosenAnswerIds: readonly string[]): QuestionGrade {
  const chosenSet = new Set(chosenAnswerIds);
  const chosen = question.answers.filter((a) => chosenSet.has(a.id));
  switch (question.kind) {
    case 'single':
    case 'true-false':
      return { fraction: chosen.length === 1 ? clampFraction(chosen[0]?.fraction ?? 0) : 0 };
    case 'multiple': {
      if (question.allOrNothing) {
        const correct = question.answers.filter((a) => a.fraction > 0);
        const exact = chosen.length === correct.length && chosen.every((a) => a.fraction > 0);
        return { fraction: exact ? 1 : 0 };
      }
      return { fraction: clampFraction(chosen.reduce((sum, a) => sum + a.fraction, 0)) };
    }
  }
}

/**
 * Clamps to [0, 1] and snaps values within the authoring tolerance of 0 or 1, so that
 * 0.3333333 × 3 earns full marks rather than 99.99999%.
 */
export function clampFraction(value: number): number {
  if (!Number.isFinite(value) || value <= FRACTION_TOLERANCE) return 0;
  if (value >= 1 - FRACTION_TOLERANCE) return 1;
  return value;
}

export interface AttemptGrade {
  /** Sum of the question fractions. */
  score: number;
  /** One mark per question. */
  maxScore: number;
  /** 0–100, rounded to 2 decimals. */
  percent: number;
  /** percent ≥ pass mark (compared after rounding, so it agrees with what the learner sees). */
  passed: boolean;
  questions: { questionId: string; fraction: number }[];
}

/**
 * Whether a grade (percent, 0–100) reaches the pass mark: the one rule for "passed", used for an
 * attempt here and for the test's counting grade (attempts.ts testResult), which decides completion.
 */
export function passes(percent: number, passMarkPercent: number): boolean {
  return percent >= passMarkPercent;
}

/**
 * Grades an attempt: every question is worth one mark. `responses` maps question id → chosen
 * answer ids; unanswered questions score 0. An attempt with no questions cannot be passed.
 */
export function gradeAttempt(
  questions: readonly Question[],
  responses: Readonly<Record<string, readonly string[]>> | ReadonlyMap<string, readonly string[]>,
  passMarkPercent: number,
): AttemptGrade {
  const chosenFor = (id: string) =>
    (responses instanceof Map ? responses.get(id) : (responses as Record<string, readonly string[]>)[id]) ?? [];
  const graded = questions.map((q) => ({ questionId: q.id, fraction: gradeQuestion(q, chosenFor(q.id)).fraction }));
  const score = graded.reduce((sum, g) => sum + g.fraction, 0);
  const maxScore = questions.length;
  const percent = maxScore === 0 ? 0 : Math.round((score / maxScore) * 100 * 100) / 100;
  return { score, maxScore, percent, passed: maxScore > 0 && passes(percent, passMarkPercent), questions: graded };
}

/** A shuffled copy (Fisher–Yates); the input is left alone. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function randomIndex(random: Random, n: number): number {
  // Guard against a generator that returns exactly 1 (or slightly more).
  return Math.min(n - 1, Math.floor(random() * n));
}

/**
 * The question ids an attempt gets. Each category's pool is its own questions followed by what
 * its subcategories yield (each drawn by its own rule first); a category with a drawCount picks
 * that many from its pool at random, otherwise takes all. The result keeps authored order, unless
 * `shuffle` is set. A drawCount larger than the pool takes the whole pool (the rules flag it).
 *
 * With `seen` (question id → how many of this learner's earlier attempts showed it), a draw prefers
 * the questions seen least, as Moodle does: random among the least seen, then the next least, ….
 * Without it the draw is uniform (and consumes the same random numbers).
 */
export function drawQuestions(
  categories: readonly QuizCategory[],
  random: Random,
  options: { shuffle?: boolean; seen?: ReadonlyMap<string, number> } = {},
): string[] {
  const drawn = categories.flatMap((category) => drawFrom(category, random, options.seen));
  return options.shuffle ? shuffled(drawn, random) : drawn;
}

function drawFrom(category: QuizCategory, random: Random, seen: ReadonlyMap<string, number> | undefined): string[] {
  const pool = [
    ...category.questions.map((q) => q.id),
    ...category.children.flatMap((c) => drawFrom(c, random, seen)),
  ];
  if (category.drawCount === null || category.drawCount >= pool.length) return pool;
  // Pick random positions, then restore authored order so the result is stable for a given seed.
  let positions = shuffled(
    pool.map((_, i) => i),
    random,
  );
  if (seen) {
    // A stable sort keeps the random order among questions seen equally often.
    const timesSeen = (i: number) => seen.get(pool[i] as string) ?? 0;
    positions = positions.sort((a, b) => timesSeen(a) - timesSeen(b));
  }
  return positions
    .slice(0, category.drawCount)
    .sort((a, b) => a - b)
    .map((i) => pool[i] as string);
}

/** The answer order an attempt shows for each question: authored order, or shuffled. */
export function answerOrder(question: Question, random: Random, shuffle: boolean): string[] {
  const ids = question.answers.map((a) => a.id);
  return shuffle ? shuffled(ids, random) : ids;
}

/** A small seeded PRNG (mulberry32): reproducible draws for tests and for replaying an attempt. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
