// A route's contract: params, querystring, body and responses declared in zod on the route itself
// (fastify-type-provider-zod). Input failing its schema is a 400 in the API's one error shape;
// what leaves the server is what the response schema says (undeclared fields are stripped), and
// the same declarations make the OpenAPI document (/api/openapi.json).
//
//   app.get('/api/drafts/:id', {
//     config: { access: AUTHORS },
//     schema: { tags: ['Drafts'], params: idParams, response: { 200: z.object({ draft: draftViewSchema }) } },
//   }, async (request) => ({ draft: await drafts.get(me(request.user), request.params.id) }));
//
// A route whose answer is not JSON (a file, an event stream, tus, the web app) says so with
// `config.rawResponse: { kind, reason }` instead of a 200 schema.
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifySchema,
  FastifySchemaCompiler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import {
  createJsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiErrorBody } from '../../shared/api-error.ts';

/** The app as routes see it: request parts and answers typed from their zod schemas. */
export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export const RAW_RESPONSE_KINDS = ['file', 'stream', 'tus', 'web'] as const;

/** A route whose successful answer is not a JSON body, and why. */
export interface RawResponse {
  /** file: bytes (Range, ETag); stream: server-sent events; tus: the tus protocol; web: the app's HTML and assets. */
  kind: (typeof RAW_RESPONSE_KINDS)[number];
  reason: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    rawResponse?: RawResponse;
  }
}

/** An answer with no body (204). */
export const noContent = z.undefined().describe('No content');

/** A sample certificate PDF made for this request only (the authors' previews): shown inline, never cached. */
export function sendCertificatePreview(reply: FastifyReply, pdf: Uint8Array): FastifyReply {
  return reply
    .type('application/pdf')
    .header('cache-control', 'no-store')
    .header('content-disposition', 'inline; filename="certificate-preview.pdf"')
    .send(Buffer.from(pdf));
}

/** Validation with the type provider's compiler; an absent body is read as `{}` (as parseInput did). */
const validator: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
  if (route.httpPart !== 'body') return validate;
  return (data) => validate(data ?? {});
};

/** Sets the zod compilers, and refuses a JSON answer with a success status its route's schema left out. */
export function registerContracts(app: FastifyInstance): void {
  app.setValidatorCompiler(validator);
  app.setSerializerCompiler(serializerCompiler);
  // Without this, a status missing from `response` would be serialized by JSON.stringify, whole.
  // In the callback style: an async hook costs each answer a promise and its microtasks.
  app.addHook('preSerialization', (request, reply, payload, done) => {
    const status = reply.statusCode;
    if (status < 200 || status >= 300) return done(null, payload);
    const responses = (request.routeOptions.schema as FastifySchema | undefined)?.response as
      | Record<string, unknown>
      | undefined;
    // A route with no response schema at all is the walk test's to refuse (route-access.test.ts).
    if (!responses || request.routeOptions.config.rawResponse) return done(null, payload);
    if (!(String(status) in responses || '2xx' in responses)) {
      return done(
        new Error(`${request.method} ${request.routeOptions.url} answered ${status} without a response schema for it`),
      );
    }
    done(null, payload);
  });
}

/** A Fastify validation error (its `validation` list) as the API's error body, naming each bad field. */
export function validationErrorBody(
  validation: readonly { instancePath: string; message?: string }[],
  context: string | undefined,
): ApiErrorBody {
  const issues = validation.map((v) => ({
    path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
    message: v.message ?? 'Invalid value',
  }));
  const first = issues[0];
  const message = first
    ? first.path
      ? `${first.path}: ${first.message}`
      : first.message
    : `Invalid ${context ?? 'input'}`;
  return { error: 'validation_failed', message, issues };
}

/** Who may call an operation, as the OpenAPI document says it (`x-access`). */
export function describeAccess(access: unknown): string {
  if (access === 'public' || access === 'signed-in') return access;
  if (Array.isArray(access)) return access.join(', ');
  return 'undeclared';
}

/**
 * The type provider's zod → JSON Schema transform, plus each route's declared access and raw
 * answer as `x-` extensions (the API reference page shows them).
 */
export function openApiTransform(): ReturnType<typeof createJsonSchemaTransform> {
  const base = createJsonSchemaTransform({ skipList: [] });
  return (input) => {
    const result = base(input);
    const config = input.route.config as { access?: unknown; rawResponse?: RawResponse } | undefined;
    const schema = { ...(result.schema as Record<string, unknown>) };
    schema['x-access'] = describeAccess(config?.access);
    if (config?.rawResponse) schema['x-raw-response'] = config.rawResponse;
    return { ...result, schema: schema as typeof result.schema };
  };
}
