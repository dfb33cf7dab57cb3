// What the wizard's flowchart says about each step, from the draft and its review: a pure function,
// so the rules are tested without a browser.
import { type DraftContent, WIZARD_STEPS, type WizardStep } from '../../../shared/drafts.ts';
import { allQuestions } from '../../../shared/quiz.ts';
import type { ReviewProblem } from '../../../shared/review.ts';

/** todo: nothing done yet; complete: done; warning: done, with notes that do not block; error: blocks publishing. */
export type StepState = 'todo' | 'complete' | 'warning' | 'error';

export const STEP_LABELS: Record<WizardStep, string> = {
  basics: 'Basics',
  files: 'Files',
  test: 'Test',
  review: 'Review',
};

export const STEP_STATE_LABELS: Record<StepState, string> = {
  todo: 'not started',
  complete: 'complete',
  warning: 'has warnings',
  error: 'has problems',
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
 * Each step's state. `problems` is null while the review is not loaded: the steps then show only
 * what the content says. Review is complete when nothing blocks publishing.
 */
export function stepStates(
  content: DraftContent,
  problems: readonly ReviewProblem[] | null,
): Record<WizardStep, StepState> {
  const states = {} as Record<WizardStep, StepState>;
  let anyError = false;
  for (const step of WIZARD_STEPS) {
    if (step === 'review') continue;
    const own = problems?.filter((p) => p.step === step) ?? [];
    const state: StepState = own.some((p) => p.severity === 'error')
      ? 'error'
      : !begun(step, content)
        ? 'todo'
        : own.length > 0
          ? 'warning'
          : 'complete';
    if (state === 'error') anyError = true;
    states[step] = state;
  }
  states.review = problems === null || anyError ? 'todo' : problems.length > 0 ? 'warning' : 'complete';
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
