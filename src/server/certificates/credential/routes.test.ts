import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type DeclaredRoute, registerAccessControl } from '../../http/access.ts';
import { type Api, registerContracts } from '../../http/contract.ts';
import { registerErrorHandling } from '../../http/errors.ts';
import { buildCredential, issuerProfile } from './credential.ts';
import { type IssuerKeys, loadOrCreateIssuerKeys } from './keys.ts';
import { registerCredentialRoutes } from './routes.ts';
import { createCredentialService } from './service.ts';
import { signCredential, verifyCredential, verifyStatusList } from './signing.ts';
import { isRevoked, LIST_SIZE } from './status-list.ts';
import { snapshot, verifyWithJose } from './test-fixtures.ts';

const publicUrl = 'https://learn.example.org';
const issuer = issuerProfile(publicUrl, 'Example Academy');

describe('credential publishing routes', () => {
  let app: Api;
  let keys: IssuerKeys;
  const routeTable: DeclaredRoute[] = [];
  const revoked = new Set<number>();
  const asked: { from: number; to: number }[] = [];

  before(async () => {
    keys = loadOrCreateIssuerKeys({ dataDir: mkdtempSync(path.join(tmpdir(), 'lectern-routes-')), publicUrl });
    app = Fastify().withTypeProvider<ZodTypeProvider>();
    registerErrorHandling(app);
    registerContracts(app);
    registerAccessControl(app, routeTable);
    const credentials = createCredentialService({
      keys,
      issuer,
      publicUrl,
      revokedStatusIndexes: async (range) => {
        asked.push(range);
        // Sloppier than the SQL will be: every revoked index, some outside the range (ignored).
        return [...revoked];
      },
    });
    registerCredentialRoutes(app, { credentials });
    await app.ready();
  });
  after(() => app.close());

  it('declares every route public', () => {
    assert.deepEqual(routeTable.map((r) => `${r.method} ${r.url} ${String(r.access)}`).sort(), [
      'GET /api/credentials/status/:listId public',
      'GET /api/issuer public',
      'GET /api/issuer/keys public',
      'GET /api/issuer/keys/:thumbprint public',
    ]);
  });

  it('publishes the issuer profile and its keys, each at the URL the JWS kid names', async () => {
    const profile = await app.inject({ url: '/api/issuer' });
    assert.equal(profile.statusCode, 200);
    assert.deepEqual(profile.json(), {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      ...issuer,
    });
    const set = await app.inject({ url: '/api/issuer/keys' });
    assert.match(String(set.headers['content-type']), /^application\/jwk-set\+json/);
    assert.deepEqual(set.json(), { keys: [keys.current.jwk] });
    assert.equal(JSON.stringify(set.json()).includes('"d"'), false, 'no private part is ever published');

    const jwt = await signCredential(buildCredential(snapshot(), { issuer, publicUrl }), keys.current);
    const kid = JSON.parse(Buffer.from(jwt.split('.')[0] as string, 'base64url').toString()).kid as string;
    assert.ok(kid.startsWith(`${publicUrl}/`));
    const one = await app.inject({ url: new URL(kid).pathname });
    assert.equal(one.statusCode, 200);
    assert.equal((await verifyWithJose(jwt, one.json())).ok, true);

    assert.equal((await app.inject({ url: `/api/issuer/keys/${'A'.repeat(43)}` })).statusCode, 404);
    assert.equal((await app.inject({ url: '/api/issuer/keys/nope' })).statusCode, 400);
  });

  it('serves the signed status list: revoke a certificate → its bit is set', async () => {
    const statusIndex = LIST_SIZE + 42;
    const vc = buildCredential(snapshot({ statusIndex }), { issuer, publicUrl });
    const jwt = await signCredential(vc, keys.current);
    const { statusListCredential, statusListIndex } = (
      (await verifyCredential(jwt, keys.all)) as { credential: typeof vc }
    ).credential.credentialStatus;
    const url = new URL(statusListCredential).pathname;

    const fetchList = async () => {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/vc\+jwt/);
      assert.match(String(res.headers['cache-control']), /max-age=60/);
      const verified = await verifyStatusList(res.body, keys.all);
      assert.equal(verified.status, 'valid');
      return verified.status === 'valid' ? verified.credential.credentialSubject.encodedList : '';
    };
    assert.equal(isRevoked(await fetchList(), Number(statusListIndex)), false);
    revoked.add(statusIndex);
    revoked.add(7); // list 0: not this list's business
    const list = await fetchList();
    assert.equal(isRevoked(list, Number(statusListIndex)), true);
    assert.equal(isRevoked(list, 7), false);
    assert.deepEqual(asked.at(-1), { from: LIST_SIZE, to: 2 * LIST_SIZE });

    assert.equal((await app.inject({ url: '/api/credentials/status/-1' })).statusCode, 400);
    assert.equal((await app.inject({ url: '/api/credentials/status/abc' })).statusCode, 400);
    assert.equal((await app.inject({ url: '/api/credentials/status/99999999' })).statusCode, 400);
  });
});
