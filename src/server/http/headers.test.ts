import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../testing/app.ts';

describe('security headers and health', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp('sqlite');
  });
  after(() => app.close());

  it('sends a strict CSP with no inline script, nosniff, frame-ancestors and a referrer policy', async () => {
    const r = await app.client().get('/api/auth/session');
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'same-origin');
    assert.match(String(r.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('echoes a caller-provided request id', async () => {
    const r = await app.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(r.headers['x-request-id'], 'abc-123');
  });

  it('is alive and ready once migrated', async () => {
    assert.deepEqual((await app.client().get('/healthz')).json(), { status: 'ok' });
    assert.deepEqual((await app.client().get('/readyz')).json(), { status: 'ready' });
  });

  it('answers unknown API paths with JSON 404, never the web app', async () => {
    const r = await app.client().get('/api/does-not-exist');
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error, 'not_found');
  });
});

describe('secure cookies behind TLS', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp('sqlite', { PUBLIC_URL: 'https://lectern.example.org' });
  });
  after(() => app.close());

  it('marks the session cookie Secure with the __Host- prefix and sends HSTS', async () => {
    const client = app.client();
    const r = await client.post('/api/setup', {
      email: 'a@example.org',
      displayName: 'A',
      password: 'correct horse battery staple',
    });
    assert.equal(r.statusCode, 201);
    const cookie = String(r.headers['set-cookie']);
    assert.match(cookie, /__Host-lectern_session=[^;]+;.*Secure/);
    assert.match(String(r.headers['strict-transport-security']), /max-age=31536000/);
  });
});
