// What the wizard's flowchart says about each step, from the draft and its review: a pure function,
// so the rules are tested without a browser.
import { type DraftContent, WIZARD_STEPS, type WizardStep } from '../../../shared/drafts.ts';
import { allQuestions } from '../../../shared/quiz.ts';
import type { ReviewProblem } from '../../../shared/review.ts';

/**
 * not-visited: never opened; in-progress: opened, not finished (or being worked on now with problems
 * still to fix); complete: opened and nothing blocks it; attention: the author went on from it (or
 * opened the review) and it has problems that block publishing.
 */
export type StepState = 'not-visited' | 'in-progress' | 'complete' | 'attention';

export const STEP_LABELS: Record<WizardStep, string> = {
  basics: 'Basics',
  files: 'Files',
  test: 'Test',
  review: 'Review',
};

export const STEP_STATE_LABELS: Record<StepState, string> = {
  'not-visited': 'not visited yet',
  'in-progress': 'in progress',
  complete: 'complete',
  attention: 'needs attention',
};

function begun(step: Exclude<WizardStep, 'review'>, content: DraftContent): boolean {
  switch (step) {
    case 'basics':
      return content.basics.title.trim() !== '';
    case 'files':
      return content.files.length > 0;
    case 'test':
      return !content.test.settings.enabled || allQuestions(content.test.categories).length > 0;
  }
}

/**
 * Whether a step's problems are shown yet: once the author has gone on from it (opened a later
 * step). Before that, a step the author is still filling in shows no red.
 */
export function problemsRevealed(step: WizardStep, visited: readonly WizardStep[]): boolean {
  const index = WIZARD_STEPS.indexOf(step);
  return visited.some((s) => WIZARD_STEPS.indexOf(s) > index);
}

/**
 * Each step's state. `problems` is null while the review is not loaded: the steps then show only
 * what the content says. `visited` are the steps the author has opened (the current one included).
 */
export function stepStates(
  content: DraftContent,
  problems: readonly ReviewProblem[] | null,
  visited: readonly WizardStep[],
  current: WizardStep,
): Record<WizardStep, StepState> {
  const states = {} as Record<WizardStep, StepState>;
  const seen = (step: WizardStep) => step === current || visited.includes(step);
  const blocked = (step: WizardStep) => problems?.some((p) => p.step === step && p.severity === 'error') ?? false;
  let anyBlocked = false;
  for (const step of WIZARD_STEPS) {
    if (step === 'review') continue;
    const errors = blocked(step);
    anyBlocked ||= errors;
    if (!seen(step)) states[step] = 'not-visited';
    else if (errors) states[step] = problemsRevealed(step, visited) ? 'attention' : 'in-progress';
    else states[step] = begun(step, content) ? 'complete' : 'in-progress';
  }
  states.review = !seen('review')
    ? 'not-visited'
    : problems === null
      ? 'in-progress'
      : anyBlocked || blocked('review')
        ? 'attention'
        : 'complete';
  return states;
}

/** The step after this one (none after review). */
export function nextStep(step: WizardStep): WizardStep | null {
  return WIZARD_STEPS[WIZARD_STEPS.indexOf(step) + 1] ?? null;
}

export function previousStep(step: WizardStep): WizardStep | null {
  const index = WIZARD_STEPS.indexOf(step);
  return index > 0 ? (WIZARD_STEPS[index - 1] ?? null) : null;
}
