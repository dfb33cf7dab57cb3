// Walks the whole route table as each role and checks that every answer matches the route's
// declared access. Every later feature's routes are covered by this walk automatically.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import type { Role } from '../../shared/accounts.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { type Access, registerAccessControl } from './access.ts';

type Caller = 'anonymous' | Role;
const CALLERS: Caller[] = ['anonymous', 'learner', 'author', 'admin'];

function expectedOutcome(access: Access, caller: Caller): 'allowed' | 401 | 403 {
  if (access === 'public') return 'allowed';
  if (caller === 'anonymous') return 401;
  if (access === 'signed-in') return 'allowed';
  return access.includes(caller) ? 'allowed' : 403;
}

function concreteUrl(url: string): string {
  return url.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000').replace(/\*$/, 'probe');
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] route access walk`, () => {
    let app: TestApp;
    let admin: TestClient;
    before(async () => {
      app = await createTestApp(dialect);
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      admin = await setUpAdmin(app);
    });
    after(() => app.close());

    it('covers the routes every later feature relies on', () => {
      const declared = new Map(app.routeTable.map((r) => [`${r.method} ${r.url}`, r.access]));
      assert.deepEqual(declared.get('GET /api/admin/users'), ['admin']);
      assert.deepEqual(declared.get('PATCH /api/admin/users/:id'), ['admin']);
      assert.equal(declared.get('GET /api/me'), 'signed-in');
      assert.equal(declared.get('POST /api/auth/login'), 'public');
      assert.ok(app.routeTable.length >= 15, `only ${app.routeTable.length} routes`);
    });

    it('declares the answer of every route: a response schema, or a raw answer with its reason', () => {
      const undeclared = app.routeTable
        .filter((r) => r.responses.length === 0 && !(r.rawResponse && r.rawResponse.reason.trim().length > 0))
        .map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(undeclared, [], 'routes without a response schema (see src/server/http/contract.ts)');
    });

    it('answers every route as its declaration says, for every caller', async () => {
      const callers = async (caller: Caller): Promise<TestClient> =>
        caller === 'anonymous' ? app.client() : (await createSignedInUser(app, admin, caller)).client;
      const failures: string[] = [];
      for (const route of app.routeTable) {
        for (const caller of CALLERS) {
          // A fresh client per call: a sign-out or a role change cannot leak into the next check.
          const client = await callers(caller);
          const method = route.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
          const url = concreteUrl(route.url);
          const status = route.streaming
            ? await client.streamStatus(url)
            : (await client.request(method, url, method === 'GET' ? undefined : {})).statusCode;
          const expected = expectedOutcome(route.access, caller);
          const ok = expected === 'allowed' ? status !== 401 && status !== 403 && status < 500 : status === expected;
          if (!ok) failures.push(`${route.method} ${route.url} as ${caller}: ${status}, expected ${expected}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}

describe('access declarations', () => {
  it('refuses a route that does not declare who may call it', () => {
    const app = Fastify();
    registerAccessControl(app, []);
    assert.throws(() => app.get('/undeclared', async () => 'x'), /GET \/undeclared does not declare its access/);
  });
});
