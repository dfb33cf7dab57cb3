// The route contract: input checked against its zod schema (400 in the API's error shape), only
// declared fields leave the server, and the OpenAPI document made from the contracts is valid.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { registerAccessControl } from './access.ts';
import { registerContracts } from './contract.ts';
import { registerErrorHandling } from './errors.ts';

async function smallApp() {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  registerErrorHandling(app);
  registerContracts(app);
  registerAccessControl(app, []);
  const user = z.object({ id: z.string(), name: z.string() });
  app.post(
    '/things/:id',
    {
      config: { access: 'public' },
      schema: {
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ full: z.enum(['yes', 'no']).optional() }),
        body: z.object({ name: z.string().min(1, 'Name is required') }),
        response: { 200: z.object({ user }) },
      },
    },
    async (request) => {
      // The row as a repository would hand it over, secrets and all.
      const row = { id: request.params.id, name: request.body.name, passwordHash: 'scrypt$secret' };
      return { user: row, internal: 'not for the browser' };
    },
  );
  app.get(
    '/created',
    { config: { access: 'public' }, schema: { response: { 200: z.object({ ok: z.boolean() }) } } },
    async (_request, reply) =>
      // @ts-expect-error the type provider refuses an undeclared status at compile time; the hook at run time.
      reply.code(201).send({ ok: true }),
  );
  await app.ready();
  return app;
}

const ID = '00000000-0000-4000-8000-000000000000';

describe('route contracts', () => {
  it('sends only the fields the response schema declares', async () => {
    const app = await smallApp();
    const response = await app.inject({ method: 'POST', url: `/things/${ID}`, payload: { name: 'Ada' } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { user: { id: ID, name: 'Ada' } });
    assert.doesNotMatch(response.body, /secret|internal|passwordHash/);
    await app.close();
  });

  it('answers input that fails its schema with a 400 naming the field', async () => {
    const app = await smallApp();
    const badBody = await app.inject({ method: 'POST', url: `/things/${ID}`, payload: { name: '' } });
    assert.equal(badBody.statusCode, 400);
    assert.deepEqual(badBody.json(), {
      error: 'validation_failed',
      message: 'name: Name is required',
      issues: [{ path: 'name', message: 'Name is required' }],
    });
    const noBody = await app.inject({ method: 'POST', url: `/things/${ID}` });
    assert.equal(noBody.statusCode, 400);
    assert.equal(noBody.json().issues[0].path, 'name');
    const badParam = await app.inject({ method: 'POST', url: '/things/nope', payload: { name: 'Ada' } });
    assert.equal(badParam.statusCode, 400);
    assert.match(badParam.json().message, /^id: /);
    const badQuery = await app.inject({ method: 'POST', url: `/things/${ID}?full=maybe`, payload: { name: 'Ada' } });
    assert.equal(badQuery.statusCode, 400);
    assert.match(badQuery.json().message, /^full: /);
    await app.close();
  });

  it('refuses to send a success status the response schema does not declare', async () => {
    const app = await smallApp();
    const response = await app.inject({ method: 'GET', url: '/created' });
    assert.equal(response.statusCode, 500);
    assert.equal(response.json().error, 'internal');
    await app.close();
  });
});

describe('[sqlite] the OpenAPI document', () => {
  let app: TestApp;
  let admin: TestClient;
  before(async () => {
    app = await createTestApp('sqlite');
    admin = await setUpAdmin(app);
  });
  after(() => app.close());

  it('is for administrators only', async () => {
    assert.equal((await app.client().get('/api/openapi.json')).statusCode, 401);
    const { client: author } = await createSignedInUser(app, admin, 'author');
    assert.equal((await author.get('/api/openapi.json')).statusCode, 403);
  });

  it('validates as OpenAPI 3 and lists every API route with its access', async () => {
    const response = await admin.get('/api/openapi.json');
    assert.equal(response.statusCode, 200);
    const document = response.json();
    const validator = new Validator();
    const result = await validator.validate(document);
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.0');

    const operations = new Map<string, Record<string, unknown>>();
    for (const [path, item] of Object.entries(
      document.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      for (const [method, operation] of Object.entries(item))
        operations.set(`${method.toUpperCase()} ${path}`, operation);
    }
    const apiRoutes = app.routeTable.filter((r) => r.rawResponse?.kind !== 'web' && r.url !== '/api/*');
    for (const route of apiRoutes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const operation = operations.get(`${route.method} ${path}`);
      assert.ok(operation, `${route.method} ${route.url} is missing from the document`);
      assert.ok(operation['x-access'], `${route.method} ${route.url} has no x-access`);
      assert.ok((operation.tags as string[] | undefined)?.length, `${route.method} ${route.url} has no tag`);
    }
    const me = operations.get('GET /api/me') as {
      responses: Record<string, { content: Record<string, { schema: { properties: object } }> }>;
    };
    assert.equal(operations.get('GET /api/me')?.['x-access'], 'signed-in');
    assert.deepEqual(Object.keys(me.responses['200']?.content['application/json']?.schema.properties ?? {}), ['user']);
    assert.equal(operations.get('GET /api/admin/users')?.['x-access'], 'admin');
    assert.deepEqual(operations.get('GET /api/assets/{id}/original')?.['x-raw-response'], {
      kind: 'file',
      reason: 'The stored bytes, with Range, ETag and a sandboxing CSP.',
    });
  });
});
