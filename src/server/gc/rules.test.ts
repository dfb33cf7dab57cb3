// The collector's rules without a database: what may go, when, and the walk of two sorted listings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countFreed,
  cutoffs,
  DAY_MS,
  defaultPolicy,
  draftFate,
  emptyReport,
  HOUR_MS,
  ListingOrderError,
  pairByKey,
  REPORT_LIST_LIMIT,
  recordFlag,
  storedFate,
  totalFreed,
  zeroGracePolicy,
} from './rules.ts';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const NOW = Date.UTC(2026, 10, 25, 12);

describe('gc rules', () => {
  it('announces a draft in the last ten days before its removal, and removes it after 90 days', () => {
    const policy = defaultPolicy();
    assert.deepEqual(draftFate(NOW - 10 * DAY_MS, policy, NOW), { state: 'kept' });
    assert.deepEqual(draftFate(NOW - 85 * DAY_MS, policy, NOW), { state: 'notice', removeAt: NOW + 5 * DAY_MS });
    assert.deepEqual(draftFate(NOW - 90 * DAY_MS, policy, NOW), { state: 'remove' });
    const short = defaultPolicy({ draftMaxAgeDays: 3 });
    assert.equal(short.draftNoticeMs, 3 * DAY_MS, 'the notice never exceeds the age limit');
    assert.equal(draftFate(NOW - DAY_MS, short, NOW).state, 'notice');
  });

  it('derives one cutoff per class from the grace periods', () => {
    const c = cutoffs(defaultPolicy({ graceHours: 2, draftMaxAgeDays: 30 }), NOW);
    assert.equal(c.assets, NOW - 2 * HOUR_MS);
    assert.equal(c.zombies, NOW - 2 * HOUR_MS);
    assert.equal(c.drafts, NOW - 30 * DAY_MS);
    assert.equal(c.draftNotice, NOW - 20 * DAY_MS);
    assert.equal(
      cutoffs(defaultPolicy({ graceHours: 0 }), NOW).tempDirs,
      NOW - 6 * HOUR_MS,
      'work folders of running jobs are safe',
    );
    assert.equal(
      cutoffs(defaultPolicy({ graceHours: 0 }), NOW).temporaries,
      NOW - HOUR_MS,
      'writes in flight are safe',
    );
    const zero = cutoffs(zeroGracePolicy(), NOW);
    assert.equal(zero.blobs, NOW);
    assert.equal(zero.drafts, NOW - 90 * DAY_MS, 'zero grace does not make drafts abandoned');
    assert.equal(zero.missing, NOW - 10 * 60_000, 'a fresh row is never called missing');
  });

  it('tells zombies, young objects, missing objects and known blobs apart', () => {
    const cut = { zombies: NOW - HOUR_MS, missing: NOW - HOUR_MS };
    const old = NOW - 2 * HOUR_MS;
    assert.equal(storedFate({ stored: { lastModified: old }, row: { createdAt: old } }, cut), 'known');
    assert.equal(storedFate({ stored: { lastModified: old } }, cut), 'zombie');
    assert.equal(storedFate({ stored: { lastModified: NOW } }, cut), 'young-zombie');
    assert.equal(storedFate({ row: { createdAt: old } }, cut), 'missing-object');
    assert.equal(storedFate({ row: { createdAt: NOW } }, cut), 'young-row');
    assert.throws(() => storedFate({}, cut));
  });

  it('pairs two sorted listings by key', async () => {
    const stored = ['a', 'b', 'd', 'f'].map((key) => ({ key, side: 'stored' }));
    const rows = ['b', 'c', 'd', 'g'].map((key) => ({ key, side: 'row' }));
    const pairs = await collect(pairByKey(from(stored), from(rows)));
    assert.deepEqual(
      pairs.map((p) => [p.key, !!p.left, !!p.right]),
      [
        ['a', true, false],
        ['b', true, true],
        ['c', false, true],
        ['d', true, true],
        ['f', true, false],
        ['g', false, true],
      ],
    );
    assert.deepEqual(await collect(pairByKey(from([]), from([]))), []);
    assert.equal((await collect(pairByKey(from([{ key: 'x' }]), from([])))).length, 1);
  });

  it('stops rather than guess when a listing is out of order', async () => {
    await assert.rejects(
      collect(pairByKey(from([{ key: 'b' }, { key: 'a' }]), from([{ key: 'a' }]))),
      ListingOrderError,
    );
    await assert.rejects(
      collect(pairByKey(from([{ key: 'a' }]), from([{ key: 'c' }, { key: 'c' }]))),
      ListingOrderError,
    );
  });

  it('holds one item of each listing at a time, however long they are', async () => {
    let pulled = 0;
    async function* counted(n: number) {
      for (let i = 0; i < n; i++) {
        pulled++;
        yield { key: `k${String(i).padStart(8, '0')}` };
      }
    }
    const walk = pairByKey(counted(1_000_000), counted(1_000_000));
    await walk.next();
    await walk.next();
    assert.ok(pulled <= 4, `pulled ${pulled} items for two pairs`);
  });

  it('caps the lists of a report but counts everything', () => {
    const report = emptyReport();
    for (let i = 0; i < REPORT_LIST_LIMIT + 50; i++)
      recordFlag(report, { kind: 'missing-object', key: `k${i}`, assetIds: [] });
    assert.equal(report.flagged.length, REPORT_LIST_LIMIT);
    assert.equal(report.flaggedCount, REPORT_LIST_LIMIT + 50);
    countFreed(report, 'blobs', 100);
    countFreed(report, 'zombies', 20);
    countFreed(report, 'assets');
    assert.deepEqual(totalFreed(report), { items: 3, bytes: 120 });
  });
});
