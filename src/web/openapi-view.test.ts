// The API reference page's reading of an OpenAPI document: groups, access, fields, raw answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OpenApiDocument } from '../shared/openapi.ts';
import { filterGroups, operationsByTag } from './openapi-view.ts';

const doc: OpenApiDocument = {
  openapi: '3.0.3',
  info: { title: 'T', version: '1' },
  components: {
    schemas: { User: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
  },
  paths: {
    '/api/things/{id}': {
      get: {
        tags: ['Things'],
        'x-access': 'signed-in',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': {
            description: 'Default Response',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['thing'],
                  properties: {
                    thing: {
                      type: 'object',
                      required: ['owner'],
                      properties: {
                        owner: { $ref: '#/components/schemas/User' },
                        tags: { type: 'array', items: { type: 'string' } },
                        state: { type: 'string', enum: ['a', 'b'], nullable: true },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/api/things/{id}/file': {
      get: {
        tags: ['Things'],
        'x-access': 'admin',
        'x-raw-response': { kind: 'file', reason: 'The bytes.' },
        responses: { '200': { description: 'Default Response' } },
      },
    },
    '/api/others': { post: { 'x-access': 'public', responses: { '204': { description: 'No content' } } } },
  },
};

describe('operationsByTag', () => {
  const groups = operationsByTag(doc);

  it('groups operations by their first tag, untagged ones under Other', () => {
    assert.deepEqual(
      groups.map((g) => [g.tag, g.operations.map((o) => o.key)]),
      [
        ['Other', ['POST /api/others']],
        ['Things', ['GET /api/things/{id}', 'GET /api/things/{id}/file']],
      ],
    );
  });

  it('reads access, parameters and nested answer fields, following $refs', () => {
    const [get] = groups[1]?.operations ?? [];
    assert.equal(get?.access, 'signed-in');
    assert.deepEqual(get?.parameters, [
      { name: 'id', in: 'path', type: 'string (uuid)', required: true, description: undefined },
    ]);
    const thing = get?.responses[0]?.fields[0];
    assert.equal(thing?.name, 'thing');
    assert.deepEqual(
      thing?.fields.map((f) => [f.name, f.type, f.required]),
      [
        ['owner', 'object', true],
        ['tags', 'string[]', false],
        ['state', '"a" | "b" | null', false],
      ],
    );
    assert.deepEqual(
      thing?.fields[0]?.fields.map((f) => f.name),
      ['id'],
    );
  });

  it('describes a raw answer by its kind and reason', () => {
    const file = groups[1]?.operations[1];
    assert.equal(file?.responses[0]?.summary, 'file: The bytes.');
  });

  it('filters by path, method, tag or access', () => {
    assert.deepEqual(
      filterGroups(groups, 'FILE').flatMap((g) => g.operations.map((o) => o.key)),
      ['GET /api/things/{id}/file'],
    );
    assert.deepEqual(
      filterGroups(groups, 'things').map((g) => g.operations.length),
      [2],
    );
    assert.equal(filterGroups(groups, 'nothing like it').length, 0);
  });
});
