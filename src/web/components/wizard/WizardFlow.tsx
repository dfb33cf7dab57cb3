// The flowchart across the top of the wizard: Basics → Files → Test → Review, each a link that
// says whether the step is not visited yet, in progress, complete or needs attention, like a
// checkout's progress, and which one the author is on.
import { VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router';
import { WIZARD_STEPS, type WizardStep } from '../../../shared/drafts.ts';
import { stepPath } from '../../drafts-api.ts';
import classes from './wizard.module.css';
import { STEP_LABELS, STEP_STATE_LABELS, type StepState } from './wizard-steps.ts';

const MARKS: Record<StepState, string | null> = {
  'not-visited': null,
  'in-progress': null,
  complete: '✓',
  attention: '!',
};

export function WizardFlow({
  draftId,
  current,
  states,
}: {
  draftId: string;
  current: WizardStep;
  states: Record<WizardStep, StepState>;
}) {
  const index = WIZARD_STEPS.indexOf(current);
  return (
    <nav aria-label="Course steps" className={classes.flowNav}>
      {/* The phone's summary; the links below say the same to screen readers. */}
      <p className={classes.flowCompact} aria-hidden="true">
        Step {index + 1} of {WIZARD_STEPS.length}: <strong>{STEP_LABELS[current]}</strong> ·{' '}
        {STEP_STATE_LABELS[states[current]]}
      </p>
      <ol className={classes.flow}>
        {WIZARD_STEPS.map((step, index) => {
          const state = states[step];
          const isCurrent = step === current;
          return (
            <li key={step} className={classes.flowItem}>
              <Link
                to={stepPath(draftId, step)}
                className={classes.flowLink}
                data-state={state}
                aria-current={isCurrent ? 'step' : undefined}
              >
                <span className={classes.flowMark} aria-hidden="true">
                  {MARKS[state] ?? index + 1}
                </span>
                <span className={classes.flowWords}>
                  <span>{STEP_LABELS[step]}</span>
                  {/* Read as part of the link: "Files, needs attention". */}
                  <VisuallyHidden>, </VisuallyHidden>
                  {state === 'not-visited' ? (
                    <VisuallyHidden>{STEP_STATE_LABELS[state]}</VisuallyHidden>
                  ) : (
                    <span className={classes.flowState}>{STEP_STATE_LABELS[state]}</span>
                  )}
                </span>
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
