// The part of the OpenAPI document (GET /api/openapi.json) that the admin API reference page reads.
// Loose objects: the rest of the document passes through untouched.
import { z } from 'zod';

/** A JSON Schema as the document holds it (OpenAPI 3.0 subset); read, never validated here. */
export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  nullable?: boolean;
  format?: string;
  description?: string;
  additionalProperties?: boolean | JsonSchema;
  $ref?: string;
};
// An object with any keys (so the document describes it), typed for the page.
const jsonSchema = z.looseObject({}) as unknown as z.ZodType<JsonSchema>;

export const openApiParameterSchema = z.looseObject({
  name: z.string(),
  in: z.string(),
  required: z.boolean().optional(),
  description: z.string().optional(),
  schema: jsonSchema.optional(),
});

const contentSchema = z.record(z.string(), z.looseObject({ schema: jsonSchema.optional() }));

export const openApiOperationSchema = z.looseObject({
  summary: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  parameters: z.array(openApiParameterSchema).optional(),
  requestBody: z.looseObject({ content: contentSchema.optional() }).optional(),
  responses: z.record(
    z.string(),
    z.looseObject({ description: z.string().optional(), content: contentSchema.optional() }),
  ),
  /** Who may call it: `public`, `signed-in`, or the roles, comma-separated. */
  'x-access': z.string().optional(),
  /** An answer that is not JSON: a file, an event stream, the tus protocol. */
  'x-raw-response': z.object({ kind: z.string(), reason: z.string() }).optional(),
});
export type OpenApiOperation = z.infer<typeof openApiOperationSchema>;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string(), description: z.string().optional() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.looseObject({ schemas: z.record(z.string(), jsonSchema).optional() }).optional(),
});
export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;
