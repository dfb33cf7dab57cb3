// What the collector may take, as pure functions: grace periods, the fate of a draft left alone,
// and the walk that pairs the storage listing with the blob table. No database, no storage: the
// service asks, these answer. Whether an asset or a blob is garbage is decided in SQL built from
// the reference list (`db/references.ts`, `garbageAsset` in repository.ts), and tested on both
// databases through the repository itself (references.test.ts here).

import { GC_CLASSES, type GcClass, type GcReport } from '../../shared/gc.ts';

export { GC_CLASSES, type GcClass, type GcReport };

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface GcPolicy {
  /** How old something must be before it may go, per class: nothing in flight is taken. */
  graceMs: Record<Exclude<GcClass, 'drafts'>, number>;
  /** A draft nobody saved for this long is removed (with what only it uploaded). */
  draftMaxAgeMs: number;
  /** Drafts this close to removal are listed on the report page. */
  draftNoticeMs: number;
  /**
   * A blob row must be this old before its absent object counts as missing: an upload racing the
   * collector may hold a fresh row whose object it is storing again. Flagging never deletes, so a
   * short wait costs nothing.
   */
  missingMinAgeMs: number;
}

export function defaultPolicy(overrides: { graceHours?: number; draftMaxAgeDays?: number } = {}): GcPolicy {
  const grace = (overrides.graceHours ?? 24) * HOUR_MS;
  const draftMaxAgeMs = (overrides.draftMaxAgeDays ?? 90) * DAY_MS;
  return {
    graceMs: {
      assets: grace,
      blobs: grace,
      zombies: grace,
      // An unfinished write may still be running (a large file to S3): never younger than 1 h.
      temporaries: Math.max(grace, HOUR_MS),
      uploads: grace,
      // A work folder may belong to a running job (a video encode runs up to 4 h): never younger than 6 h.
      tempDirs: Math.max(grace, 6 * HOUR_MS),
    },
    draftMaxAgeMs,
    draftNoticeMs: Math.min(10 * DAY_MS, draftMaxAgeMs),
    missingMinAgeMs: 10 * 60_000,
  };
}

/** A policy with every grace set to zero: what the tests use to collect at once. */
export function zeroGracePolicy(base: GcPolicy = defaultPolicy()): GcPolicy {
  return {
    ...base,
    graceMs: { assets: 0, blobs: 0, zombies: 0, temporaries: 0, uploads: 0, tempDirs: 0 },
  };
}

/** Anything last touched at or before the cutoff is old enough to go. */
export function cutoffs(policy: GcPolicy, now: number) {
  const g = policy.graceMs;
  return {
    assets: now - g.assets,
    blobs: now - g.blobs,
    zombies: now - g.zombies,
    temporaries: now - g.temporaries,
    uploads: now - g.uploads,
    tempDirs: now - g.tempDirs,
    drafts: now - policy.draftMaxAgeMs,
    draftNotice: now - policy.draftMaxAgeMs + policy.draftNoticeMs,
    missing: now - policy.missingMinAgeMs,
  };
}

export type Cutoffs = ReturnType<typeof cutoffs>;

export type DraftFate = { state: 'kept' } | { state: 'notice'; removeAt: number } | { state: 'remove' };

/** A draft saved within the age limit stays; close to the limit it is announced; past it, it goes. */
export function draftFate(updatedAt: number, policy: GcPolicy, now: number): DraftFate {
  const removeAt = updatedAt + policy.draftMaxAgeMs;
  if (removeAt <= now) return { state: 'remove' };
  if (removeAt - now <= policy.draftNoticeMs) return { state: 'notice', removeAt };
  return { state: 'kept' };
}

/** Something in storage, seen against the table that should know it. */
export type StoredFate = 'known' | 'zombie' | 'young-zombie' | 'missing-object' | 'young-row';

export function storedFate(
  pair: { stored?: { lastModified: number }; row?: { createdAt: number } },
  cutoff: { zombies: number; missing: number },
): StoredFate {
  if (pair.stored && pair.row) return 'known';
  if (pair.stored) return pair.stored.lastModified <= cutoff.zombies ? 'zombie' : 'young-zombie';
  if (pair.row) return pair.row.createdAt <= cutoff.missing ? 'missing-object' : 'young-row';
  throw new Error('a pair holds a stored object, a row, or both');
}

export class ListingOrderError extends Error {}

/**
 * Walks two listings sorted by key side by side (a merge join), holding one item of each: memory
 * stays flat whatever their size. A listing out of order would make known objects look like
 * zombies, so the walk stops instead of guessing.
 */
export async function* pairByKey<A extends { key: string }, B extends { key: string }>(
  left: AsyncIterable<A>,
  right: AsyncIterable<B>,
): AsyncGenerator<{ key: string; left?: A; right?: B }> {
  const li = left[Symbol.asyncIterator]();
  const ri = right[Symbol.asyncIterator]();
  let lastLeft = '';
  let lastRight = '';
  const nextLeft = async () => {
    const r = await li.next();
    if (r.done) return undefined;
    if (r.value.key <= lastLeft && lastLeft !== '')
      throw new ListingOrderError(`storage listing out of order at ${r.value.key}`);
    lastLeft = r.value.key;
    return r.value;
  };
  const nextRight = async () => {
    const r = await ri.next();
    if (r.done) return undefined;
    if (r.value.key <= lastRight && lastRight !== '')
      throw new ListingOrderError(`table listing out of order at ${r.value.key}`);
    lastRight = r.value.key;
    return r.value;
  };
  let l = await nextLeft();
  let r = await nextRight();
  while (l || r) {
    if (l && (!r || l.key < r.key)) {
      yield { key: l.key, left: l };
      l = await nextLeft();
    } else if (r && (!l || r.key < l.key)) {
      yield { key: r.key, right: r };
      r = await nextRight();
    } else if (l && r) {
      yield { key: l.key, left: l, right: r };
      l = await nextLeft();
      r = await nextRight();
    }
  }
}

export const REPORT_LIST_LIMIT = 200;

export function emptyReport(): GcReport {
  return {
    classes: Object.fromEntries(GC_CLASSES.map((c) => [c, { items: 0, bytes: 0 }])) as GcReport['classes'],
    flagged: [],
    flaggedCount: 0,
    drafts: [],
    errors: [],
    errorCount: 0,
    durationMs: 0,
  };
}

export function countFreed(report: GcReport, gcClass: GcClass, bytes = 0): void {
  report.classes[gcClass].items += 1;
  report.classes[gcClass].bytes += bytes;
}

export function recordError(report: GcReport, message: string): void {
  report.errorCount += 1;
  if (report.errors.length < REPORT_LIST_LIMIT) report.errors.push(message);
}

export function recordFlag(report: GcReport, flag: GcReport['flagged'][number]): void {
  report.flaggedCount += 1;
  if (report.flagged.length < REPORT_LIST_LIMIT) report.flagged.push(flag);
}

export function totalFreed(report: GcReport): { items: number; bytes: number } {
  let items = 0;
  let bytes = 0;
  for (const c of GC_CLASSES) {
    items += report.classes[c].items;
    bytes += report.classes[c].bytes;
  }
  return { items, bytes };
}
