// What leaves the server about an attempt. A learner's view is built from the review visibility
// (src/shared/attempts.ts) and checked against the strict view schema as it leaves (each route's
// serializer), so nothing about correctness, marks or feedback is sent before submission, nor after
// it beyond what the test's review allows.
import {
  type AttemptLayout,
  type AttemptSummaryView,
  type AttemptView,
  attemptSummaryViewSchema,
  outcomeOf,
  type ReviewVisibility,
} from '../../shared/attempts.ts';
import { allQuestions, type Question, type TestSet } from '../../shared/quiz.ts';
import type { AnswerRow, AttemptRow } from './repository.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function parseLayout(row: Pick<AttemptRow, 'layout'>): AttemptLayout {
  return JSON.parse(row.layout) as AttemptLayout;
}

export function gradeFractions(row: Pick<AttemptRow, 'grade'>): Map<string, number> {
  if (!row.grade) return new Map();
  return new Map((JSON.parse(row.grade) as { questionId: string; fraction: number }[]).map((g) => [g.questionId, g.fraction]));
}

/** Everything an author may see; a learner's review at its widest. */
export const FULL_VISIBILITY: ReviewVisibility = {
  open: true,
  opensAt: null,
  score: true,
  outcomes: true,
  correctAnswers: true,
  feedback: true,
};

export function presentAttempt(input: {
  row: AttemptRow;
  answers: readonly AnswerRow[];
  testSet: TestSet;
  visibility: ReviewVisibility;
  now: number;
  graceMs: number;
  /** The row's layout and the test's questions by id, when the caller has them parsed already. */
  layout?: AttemptLayout;
  byId?: ReadonlyMap<string, Question>;
}): AttemptView {
  const { row, testSet, visibility } = input;
  const layout = input.layout ?? parseLayout(row);
  const byId = input.byId ?? new Map<string, Question>(allQuestions(testSet.categories).map((q) => [q.id, q]));
  const answers = new Map(input.answers.map((a) => [a.question_id, a]));
  const chosenOf = (questionId: string): string[] => {
    const a = answers.get(questionId);
    return a ? (JSON.parse(a.answer_ids) as string[]) : [];
  };
  const submitted = row.state === 'submitted';
  const fractions = gradeFractions(row);

  const view: AttemptView = {
    id: row.id,
    courseId: row.course_id,
    version: row.version,
    number: row.number,
    state: row.state,
    startedAt: iso(row.started_at),
    deadline: isoOrNull(row.deadline_at),
    graceSeconds: Math.round(input.graceMs / 1000),
    serverNow: iso(input.now),
    submittedAt: isoOrNull(row.submitted_at),
    submittedBy: row.submitted_by,
    layout: testSet.settings.layout,
    passMarkPercent: testSet.settings.passMarkPercent,
    questions: layout.flatMap((l, i) => {
      const question = byId.get(l.questionId);
      if (!question) return [];
      const answerById = new Map(question.answers.map((a) => [a.id, a]));
      return [
        {
          id: question.id,
          number: i + 1,
          kind: question.kind,
          text: question.text,
          image: question.image,
          answers: l.answerIds.flatMap((id) => {
            const a = answerById.get(id);
            return a ? [{ id: a.id, text: a.text, image: a.image }] : [];
          }),
        },
      ];
    }),
    responses: Object.fromEntries(
      input.answers.map((a) => [
        a.question_id,
        { answerIds: JSON.parse(a.answer_ids) as string[], sequence: a.sequence, flagged: a.flagged_at !== null, savedAt: iso(a.saved_at) },
      ]),
    ),
    result:
      submitted && visibility.score && row.percent !== null
        ? { score: row.score ?? 0, maxScore: row.max_score ?? 0, percent: row.percent, passed: row.passed === 1 }
        : null,
    review: submitted
      ? {
          open: visibility.open,
          opensAt: isoOrNull(visibility.opensAt),
          opensWhen: testSet.settings.reviewWhen,
          shows: testSet.settings.review,
          questions: visibility.outcomes
            ? layout.flatMap((l) => {
                const question = byId.get(l.questionId);
                if (!question) return [];
                const chosen = chosenOf(l.questionId);
                const fraction = fractions.get(l.questionId) ?? 0;
                const chosenSet = new Set(chosen);
                return [
                  {
                    questionId: l.questionId,
                    outcome: outcomeOf(fraction, chosen.length > 0),
                    ...(visibility.correctAnswers
                      ? { correctAnswerIds: question.answers.filter((a) => a.fraction > 0).map((a) => a.id) }
                      : {}),
                    ...(visibility.feedback
                      ? {
                          mark: fraction,
                          generalFeedback: question.generalFeedback,
                          answerFeedback: question.answers
                            .filter((a) => chosenSet.has(a.id) && a.feedback !== '')
                            .map((a) => ({ answerId: a.id, feedback: a.feedback })),
                        }
                      : {}),
                  },
                ];
              })
            : [],
        }
      : null,
  };
  // Checked once, as it leaves: every route answering with an attempt declares it through the strict
  // attemptViewSchema, which refuses any key it does not declare (the last guard on what leaves;
  // http/contract.ts's serializer). Parsing it here too cost a second zod pass per start and submit.
  return view;
}

export function presentSummary(row: AttemptRow, visibility: ReviewVisibility): AttemptSummaryView {
  return attemptSummaryViewSchema.parse({
    id: row.id,
    number: row.number,
    state: row.state,
    startedAt: iso(row.started_at),
    submittedAt: isoOrNull(row.submitted_at),
    deadline: isoOrNull(row.deadline_at),
    result:
      row.state === 'submitted' && visibility.score && row.percent !== null
        ? { score: row.score ?? 0, maxScore: row.max_score ?? 0, percent: row.percent, passed: row.passed === 1 }
        : null,
    reviewOpen: visibility.open,
  });
}
