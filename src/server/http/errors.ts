// One error shape for the whole API: { error, message, issues?, retryAfterSeconds? }.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ApiErrorBody } from '../../shared/api-error.ts';
import { DomainError, type DomainErrorKind } from '../errors.ts';
import { validationErrorBody } from './contract.ts';

/** The status of each kind of domain error (services throw them; only this layer knows HTTP). */
export const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** The answer to a domain error: status, headers and the API's error body. */
export function presentDomainError(err: DomainError): { status: number; headers: Record<string, string>; body: ApiErrorBody } {
  const { retryAfterSeconds } = err.details;
  return {
    status: STATUS_OF_KIND[err.kind],
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    body: { error: err.code, message: err.message, ...err.details },
  };
}

export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly extra: Partial<ApiErrorBody>;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    extra: Partial<ApiErrorBody> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.extra = extra;
    this.headers = headers;
  }
}

/**
 * Validates input with a zod schema; a failure is a 400 naming each bad field. Routes declare
 * their input in `schema` instead (contract.ts); this stays for input that is not a request part.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  const message = first ? (first.path ? `${first.path}: ${first.message}` : first.message) : 'Invalid input';
  throw new HttpError(400, 'validation_failed', message, { issues });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError | DomainError, request, reply) => {
    if (err instanceof DomainError) {
      const { status, headers, body } = presentDomainError(err);
      return reply.code(status).headers(headers).send(body);
    }
    if (err instanceof HttpError) {
      const body: ApiErrorBody = { error: err.code, message: err.message, ...err.extra };
      return reply.code(err.statusCode).headers(err.headers).send(body);
    }
    // Input that failed its route's zod schema (params, querystring, body): 400 naming each field.
    if ('validation' in err && Array.isArray(err.validation)) {
      return reply.code(400).send(validationErrorBody(err.validation, err.validationContext));
    }
    if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
      return reply
        .code(403)
        .send({ error: 'csrf_invalid', message: 'Your form expired. Reload the page and try again.' });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.code(status).send({ error: 'internal', message: 'Something went wrong on the server.' });
    }
    // Fastify's own 4xx (malformed JSON, body too large, unsupported media type).
    return reply.code(status).send({ error: err.code?.toLowerCase() ?? 'bad_request', message: err.message });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', message: `No route for ${request.method} ${request.url}` });
  });
}
