import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JOB_CATALOG, parsePayload } from './catalog.ts';
import { createJobRegistry, handle, JobRegistryError } from './registry.ts';

const noop = async () => {};
const catalog = { 'a.one': {}, 'b.two': {} };

describe('job registry', () => {
  it('maps every catalog job to its one handler', () => {
    const registry = createJobRegistry(Object.keys(JOB_CATALOG).map((name) => handle(name as never, noop)));
    assert.deepEqual(registry.names().sort(), Object.keys(JOB_CATALOG).sort());
  });

  it('refuses a job without a handler', () => {
    assert.throws(
      () => createJobRegistry([{ name: 'a.one' as never, handler: noop }], catalog),
      (err: Error) => err instanceof JobRegistryError && /job "b.two" has no handler/.test(err.message),
    );
  });

  it('refuses a job with two handlers', () => {
    const regs = [
      { name: 'a.one' as never, handler: noop },
      { name: 'a.one' as never, handler: noop },
      { name: 'b.two' as never, handler: noop },
    ];
    assert.throws(() => createJobRegistry(regs, catalog), /job "a.one" has two handlers/);
  });

  it('refuses a handler for a job the catalog does not know', () => {
    const regs = [
      { name: 'a.one' as never, handler: noop },
      { name: 'b.two' as never, handler: noop },
      { name: 'c.three' as never, handler: noop },
    ];
    assert.throws(() => createJobRegistry(regs, catalog), /unknown job "c.three"/);
  });

  it('validates payloads against the job schema, naming the job and field', () => {
    assert.deepEqual(parsePayload('system.probe', { probeId: 'p1' }), { probeId: 'p1', holdMs: 0 });
    assert.throws(() => parsePayload('system.probe', { probeId: 1 }), /Invalid payload for job "system.probe": probeId/);
  });
});
