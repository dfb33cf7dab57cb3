/** The body of every error answer of the API. */
export interface ApiErrorBody {
  /** A stable machine-readable code, e.g. `invalid_credentials`, `validation_failed`. */
  error: string;
  /** A sentence a person can read. */
  message: string;
  /** Per-field problems for `validation_failed`. */
  issues?: { path: string; message: string }[];
  /** Seconds until a retry may succeed, for `rate_limited`. */
  retryAfterSeconds?: number;
  /** For `conflict`: the server's current version of what the request tried to change. */
  current?: unknown;
}
