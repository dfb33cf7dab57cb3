// A problem the Review step lists for a draft, tied to the wizard step where the author fixes it.
// Shared so the wizard's pages can show each problem beside the field it concerns.
import type { WizardStep } from './drafts.ts';

export interface ReviewProblem {
  step: Exclude<WizardStep, 'review'>;
  /** Dotted path into the draft content, e.g. `files.2` or `test.categories.0.questions.1`. */
  path: string;
  code: string;
  message: string;
  severity: 'error' | 'warning';
}
