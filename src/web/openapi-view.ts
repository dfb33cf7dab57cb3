// Reads the OpenAPI document (GET /api/openapi.json) into what the API reference page lists:
// operations grouped by tag, each with its access, parameters, body fields and answers.
import { HTTP_METHODS, type JsonSchema, type OpenApiDocument, openApiOperationSchema } from '../shared/openapi.ts';

export interface FieldView {
  name: string;
  type: string;
  required: boolean;
  description?: string;
  /** The fields of an object (or of an array's items); cut at a depth to keep the page readable. */
  fields: FieldView[];
  /** There is more below, not shown. */
  truncated: boolean;
}

export interface ParameterView {
  name: string;
  in: string;
  type: string;
  required: boolean;
  description?: string;
}

export interface ResponseView {
  status: string;
  /** What the body is: a type for JSON, or the raw answer's description. */
  summary: string;
  fields: FieldView[];
}

export interface OperationView {
  /** `GET /api/drafts/{id}`: unique, and the element id's source. */
  key: string;
  method: string;
  path: string;
  summary?: string;
  access: string;
  parameters: ParameterView[];
  body: FieldView[] | null;
  bodyType: string | null;
  responses: ResponseView[];
  raw?: { kind: string; reason: string };
}

export interface TagGroup {
  tag: string;
  operations: OperationView[];
}

const MAX_DEPTH = 3;

function resolve(schema: JsonSchema | undefined, doc: OpenApiDocument): JsonSchema {
  if (!schema) return {};
  if (schema.$ref?.startsWith('#/components/schemas/')) {
    const name = schema.$ref.slice('#/components/schemas/'.length);
    return resolve(doc.components?.schemas?.[name] as JsonSchema | undefined, doc);
  }
  return schema;
}

/** A short type for people: `string`, `number[]`, `"a" | "b"`, `object | null`. */
export function typeOf(raw: JsonSchema | undefined, doc: OpenApiDocument): string {
  const schema = resolve(raw, doc);
  const nullable = schema.nullable ? ' | null' : '';
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ') + nullable;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((s) => typeOf(s, doc)).join(' | ') + nullable;
  if (schema.allOf?.length === 1) return typeOf(schema.allOf[0], doc) + nullable;
  if (schema.type === 'array') return `${typeOf(schema.items, doc)}[]${nullable}`;
  if (schema.type === 'string' && schema.format) return `string (${schema.format})${nullable}`;
  if (schema.type) return schema.type + nullable;
  if (schema.properties) return `object${nullable}`;
  return 'any';
}

/** The object a schema holds, looking through arrays, nullables and single-branch unions. */
function objectOf(raw: JsonSchema | undefined, doc: OpenApiDocument): JsonSchema | null {
  const schema = resolve(raw, doc);
  if (schema.properties) return schema;
  if (schema.type === 'array') return objectOf(schema.items, doc);
  if (schema.allOf?.length === 1) return objectOf(schema.allOf[0], doc);
  const union = (schema.anyOf ?? schema.oneOf)?.filter((s) => resolve(s, doc).type !== 'null');
  if (union?.length === 1) return objectOf(union[0], doc);
  return null;
}

export function fieldsOf(raw: JsonSchema | undefined, doc: OpenApiDocument, depth = 1): FieldView[] {
  const object = objectOf(raw, doc);
  if (!object?.properties) return [];
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties).map(([name, property]) => {
    const nested = objectOf(property, doc);
    const deeper = nested !== null && Object.keys(nested.properties ?? {}).length > 0;
    return {
      name,
      type: typeOf(property, doc),
      required: required.has(name),
      description: resolve(property, doc).description,
      fields: deeper && depth < MAX_DEPTH ? fieldsOf(property, doc, depth + 1) : [],
      truncated: deeper && depth >= MAX_DEPTH,
    };
  });
}

function jsonSchemaOf(content: Record<string, { schema?: JsonSchema }> | undefined): JsonSchema | undefined {
  if (!content) return undefined;
  return (content['application/json'] ?? Object.values(content)[0])?.schema;
}

/** Every operation of the document, grouped by its first tag; groups and operations in path order. */
export function operationsByTag(doc: OpenApiDocument): TagGroup[] {
  const groups = new Map<string, OperationView[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const parsed = openApiOperationSchema.safeParse(item[method]);
      if (!parsed.success) continue;
      const operation = parsed.data;
      const tag = operation.tags?.[0] ?? 'Other';
      const bodySchema = jsonSchemaOf(operation.requestBody?.content);
      const raw = operation['x-raw-response'];
      const view: OperationView = {
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        summary: operation.summary,
        access: operation['x-access'] ?? 'undeclared',
        parameters: (operation.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          type: typeOf(p.schema, doc),
          required: p.required === true,
          description: p.description,
        })),
        body: bodySchema ? fieldsOf(bodySchema, doc) : null,
        bodyType: bodySchema ? typeOf(bodySchema, doc) : null,
        responses: Object.entries(operation.responses).map(([status, response]) => {
          const schema = jsonSchemaOf(response.content);
          const summary = schema
            ? typeOf(schema, doc)
            : raw && status.startsWith('2')
              ? `${raw.kind}: ${raw.reason}`
              : (response.description ?? 'No body');
          return { status, summary, fields: schema ? fieldsOf(schema, doc) : [] };
        }),
        raw,
      };
      groups.set(tag, [...(groups.get(tag) ?? []), view]);
    }
  }
  return [...groups.entries()]
    .map(([tag, operations]) => ({ tag, operations }))
    .sort((a, b) => a.tag.localeCompare(b.tag));
}

/** Operations whose method, path, summary or tag contain the text (case-insensitive). */
export function filterGroups(groups: TagGroup[], text: string): TagGroup[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return groups;
  return groups
    .map((group) => ({
      tag: group.tag,
      operations: group.tag.toLowerCase().includes(needle)
        ? group.operations
        : group.operations.filter((o) => `${o.key} ${o.summary ?? ''} ${o.access}`.toLowerCase().includes(needle)),
    }))
    .filter((group) => group.operations.length > 0);
}
