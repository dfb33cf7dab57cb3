// The body of every error answer of the API.
import { z } from 'zod';

export const apiErrorBodySchema = z.object({
  /** A stable machine-readable code, e.g. `invalid_credentials`, `validation_failed`. */
  error: z.string(),
  /** A sentence a person can read. */
  message: z.string(),
  /** Per-field problems for `validation_failed`. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** Seconds until a retry may succeed, for `rate_limited`. */
  retryAfterSeconds: z.number().optional(),
  /** For `conflict`: the server's current version of what the request tried to change. */
  current: z.unknown().optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
