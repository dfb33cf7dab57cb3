// The test's settings in the words a learner reads on the course page and the result page.
import type { ReviewPolicy, ReviewTiming } from '../../../shared/quiz.ts';

const REVIEW_WORDS: Record<ReviewPolicy, string> = {
  nothing: 'only that your attempt was submitted',
  score: 'your score and whether you passed',
  'score-and-wrong': 'your score and which questions you got wrong',
  'score-and-correct-answers': 'your score, which questions you got wrong and the correct answers',
  everything: 'your score, which questions you got wrong, the correct answers and the feedback',
};

const TIMING_WORDS: Record<ReviewTiming, string> = {
  immediately: 'as soon as you submit',
  'after-deadline': "once the attempt's time is over",
  'after-last-attempt': 'after your last attempt',
};

/** "You will see your score and whether you passed, as soon as you submit." */
export function reviewSentence(review: ReviewPolicy, when: ReviewTiming): string {
  if (review === 'nothing') return 'Afterwards you see only that your attempt was submitted.';
  return `Afterwards you see ${REVIEW_WORDS[review]}, ${TIMING_WORDS[when]}.`;
}

export const GRADING_WORDS = {
  highest: 'your highest attempt counts',
  last: 'your last attempt counts',
  first: 'your first attempt counts',
  average: 'the average of your attempts counts',
} as const;

export function minutesWords(minutes: number): string {
  const rounded = Math.round(minutes * 100) / 100;
  return `${rounded} minute${rounded === 1 ? '' : 's'}`;
}
