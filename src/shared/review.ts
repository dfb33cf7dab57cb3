// A problem the Review step lists for a draft, tied to the wizard step where the author fixes it.
// Shared so the wizard's pages can show each problem beside the field it concerns.
import { z } from 'zod';

export const reviewProblemSchema = z.object({
  /** `review`: a field of the Review step itself (the certificate's signature image). */
  step: z.enum(['basics', 'files', 'test', 'review']),
  /** Dotted path into the draft content, e.g. `files.2` or `test.categories.0.questions.1`. */
  path: z.string(),
  code: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});
export type ReviewProblem = z.infer<typeof reviewProblemSchema>;

/** GET /api/drafts/:id/review: every problem found, errors and warnings. */
export const reviewResponseSchema = z.object({ problems: z.array(reviewProblemSchema) });
