// What went wrong, as services say it: they throw these and know nothing of HTTP; the HTTP layer
// (http/errors.ts) turns each kind into a status code, and the job runner and the CLI print the
// message. The code is the stable word clients read (`email_taken`, `not_publishable`).
import type { ApiErrorBody } from '../shared/api-error.ts';

export type DomainErrorKind =
  /** The input breaks a rule (a field, a file's contents). */
  | 'invalid'
  /** Understood, but it cannot be done with this input (a draft with problems). */
  | 'unprocessable'
  /** The thing does not exist, or the user may not know it does. */
  | 'not_found'
  /** Who is asking is not signed in as anyone with the right to. */
  | 'unauthenticated'
  /** Known, but not allowed for this user. */
  | 'forbidden'
  /** The state changed or forbids it (stale revision, a file in use, an email taken). */
  | 'conflict'
  /** Larger than a limit allows. */
  | 'too_large'
  /** Too many attempts or requests; may succeed after `retryAfterSeconds`. */
  | 'rate_limited'
  /** The server cannot take it now (a full queue); may succeed after `retryAfterSeconds`. */
  | 'unavailable';

export interface DomainErrorDetails {
  issues?: ApiErrorBody['issues'];
  retryAfterSeconds?: number;
  /** For a conflict: the current state, so the client can show it. */
  current?: unknown;
}

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly code: string;
  readonly details: DomainErrorDetails;

  constructor(kind: DomainErrorKind, code: string, message: string, details: DomainErrorDetails = {}) {
    super(message);
    this.name = 'DomainError';
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (message: string, code = 'not_found') => new DomainError('not_found', code, message);
export const forbidden = (message: string, code = 'forbidden') => new DomainError('forbidden', code, message);
export const conflict = (message: string, code = 'conflict', details: DomainErrorDetails = {}) =>
  new DomainError('conflict', code, message, details);
export const invalid = (message: string, code: string, details: DomainErrorDetails = {}) =>
  new DomainError('invalid', code, message, details);
export const unprocessable = (message: string, code: string) => new DomainError('unprocessable', code, message);
export const unauthenticated = (message: string, code: string) => new DomainError('unauthenticated', code, message);
export const tooLarge = (message: string, code: string) => new DomainError('too_large', code, message);
export const rateLimited = (message: string, retryAfterSeconds: number, code = 'rate_limited') =>
  new DomainError('rate_limited', code, message, { retryAfterSeconds });
export const unavailable = (message: string, retryAfterSeconds: number, code = 'busy') =>
  new DomainError('unavailable', code, message, { retryAfterSeconds });
