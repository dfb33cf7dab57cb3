// Services say what happened with domain errors; only the HTTP layer knows status codes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { conflict, type DomainErrorKind, notFound, rateLimited } from './errors.ts';
import { presentDomainError, STATUS_OF_KIND } from './http/errors.ts';

const SERVER = import.meta.dirname;

function serviceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return serviceFiles(full);
    return entry.name === 'service.ts' || entry.name.endsWith('-service.ts') ? [full] : [];
  });
}

describe('domain errors', () => {
  it('no service imports from the HTTP layer or from Fastify', () => {
    const files = serviceFiles(SERVER);
    assert.ok(files.length >= 6, `found only ${files.length} services`);
    const offenders = files.filter((file) => /from '(\.\.\/)+http\/|from '\.\/http\/|from 'fastify'|from '@fastify\//.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders.map((f) => path.relative(SERVER, f)), []);
  });

  it('maps each kind to one status, and a retry time to Retry-After', () => {
    const kinds = Object.keys(STATUS_OF_KIND) as DomainErrorKind[];
    assert.equal(new Set(kinds.map((k) => STATUS_OF_KIND[k])).size, kinds.length);
    assert.deepEqual(presentDomainError(notFound('No such draft.')), {
      status: 404,
      headers: {},
      body: { error: 'not_found', message: 'No such draft.' },
    });
    const limited = presentDomainError(rateLimited('Too many failed sign-in attempts.', 90));
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.headers, { 'retry-after': '90' });
    assert.equal(limited.body.retryAfterSeconds, 90);
    const stale = presentDomainError(conflict('Changed in another tab.', 'conflict', { current: { revision: 3 } }));
    assert.deepEqual(stale.body, { error: 'conflict', message: 'Changed in another tab.', current: { revision: 3 } });
  });
});
