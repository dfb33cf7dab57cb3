// The garbage collector: the safety net behind eager cancel and delete. One run at a time across
// the cluster (a lease), refused when the storage marker is missing, and page by page throughout.
// Order matters: drafts → assets → blobs, so one run frees a whole chain; rows before objects.
import { randomUUID } from 'node:crypto';
import { opendir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { GcRunView } from '../../shared/gc.ts';
import type { BlobDeletion } from '../blobs/deletion.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { UploadStore } from '../uploads/store.ts';
import type { GarbageAsset, GcRepository, GcRunRow } from './repository.ts';
import {
  countFreed,
  cutoffs,
  draftFate,
  emptyReport,
  type GcPolicy,
  type GcReport,
  pairByKey,
  REPORT_LIST_LIMIT,
  recordError,
  recordFlag,
  storedFate,
} from './rules.ts';

export interface GcServiceDeps {
  repo: GcRepository;
  blobStore: BlobStore;
  /** Blob deletion: marked in a transaction, objects deleted outside it, rows removed after. */
  blobs: BlobDeletion;
  uploads: Pick<UploadStore, 'listPartial' | 'remove'>;
  /** Stops queued or running work (ffmpeg included) on an asset that has gone. */
  cancelAssetWork(assetId: string): Promise<void>;
  policy: GcPolicy;
  /** Where asset work folders (`lectern-asset-*`) are made: os.tmpdir(). */
  tempRoot: string;
  /** An upload nobody finished in this long is given up: its asset fails with a reason. */
  unfinishedUploadMaxAgeMs: number;
  now?: () => number;
  /** Rows read per query. */
  pageSize?: number;
  /** Who this process is, in the lease. */
  holder?: string;
}

export type GcRunResult = { status: 'busy' } | { status: GcRunRow['status']; id: string; report: GcReport };

const LEASE = 'gc';
const LEASE_TTL_MS = 5 * 60_000;
const KEEP_RUNS = 200;
const TEMP_DIR_PREFIX = 'lectern-asset-';
/** Rows deleted (or marked) per transaction: short transactions, few round trips. */
const DELETE_BATCH = 100;

export function presentRun(row: GcRunRow): GcRunView {
  return {
    id: row.id,
    trigger: row.trigger,
    dryRun: row.dry_run === 1,
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
    report: JSON.parse(row.report) as GcReport,
  };
}

function draftTitle(content: string): string {
  try {
    const title = (JSON.parse(content) as { basics?: { title?: unknown } }).basics?.title;
    return typeof title === 'string' && title.trim() ? title : '(untitled)';
  } catch {
    return '(untitled)';
  }
}

/** Bytes under a folder, without holding its listing. */
async function folderSize(dir: string): Promise<number> {
  let total = 0;
  const handle = await opendir(dir).catch(() => null);
  if (!handle) return 0;
  for await (const entry of handle) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderSize(full);
    else total += (await stat(full).catch(() => null))?.size ?? 0;
  }
  return total;
}

export function createGcService(deps: GcServiceDeps) {
  const { repo, blobStore, uploads, policy } = deps;
  const now = deps.now ?? Date.now;
  const pageSize = deps.pageSize ?? 500;
  const holder = deps.holder ?? randomUUID();

  async function* blobRows(): AsyncGenerator<{ key: string; createdAt: number; deleting: boolean }> {
    let after = '';
    for (;;) {
      const page = await repo.blobsPage(after, pageSize * 2);
      for (const row of page) yield { key: row.key, createdAt: row.created_at, deleting: row.deleting_at !== null };
      if (page.length < pageSize * 2) return;
      after = page[page.length - 1]?.key ?? after;
    }
  }

  /** Runs one class; a failure is recorded and the next class still runs. */
  async function guarded(report: GcReport, what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      recordError(report, `${what}: ${(err as Error).message}`);
    }
  }

  /** Blobs nothing keeps alive go (objects outside any transaction); a refused object is reported and retried next run. */
  async function releaseBlobs(report: GcReport, keys: string[]): Promise<void> {
    record(report, await deps.blobs.deleteUnreferenced(keys));
  }

  function record(report: GcReport, result: Awaited<ReturnType<BlobDeletion['deleteUnreferenced']>>): void {
    for (const blob of result.deleted) countFreed(report, 'blobs', blob.size);
    for (const f of result.failed) recordError(report, `blob ${f.key}: ${f.error.message}`);
  }

  async function collectDrafts(report: GcReport, dryRun: boolean, at: number): Promise<void> {
    const c = cutoffs(policy, at);
    let after: { updatedAt: number; id: string } | null = null;
    for (;;) {
      const page = await repo.staleDraftsPage(c.draftNotice, after, pageSize);
      for (const draft of page) {
        const fate = draftFate(draft.updated_at, policy, at);
        if (fate.state === 'notice') {
          if (report.drafts.length < REPORT_LIST_LIMIT) {
            report.drafts.push({
              id: draft.id,
              ownerId: draft.owner_id,
              title: draftTitle(draft.content),
              updatedAt: draft.updated_at,
              removeAt: fate.removeAt,
            });
          }
        } else if (fate.state === 'remove') {
          if (dryRun || (await repo.deleteDraftIfStale(draft.id, c.drafts))) countFreed(report, 'drafts');
        }
      }
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      if (last) after = { updatedAt: last.updated_at, id: last.id };
    }
  }

  async function deleteAssets(report: GcReport, batch: GarbageAsset[], cutoff: number): Promise<void> {
    try {
      // Rows first: an asset goes only if it is still garbage at this moment.
      const { deleted, blobKeys } = await repo.deleteAssetsIfGarbage(
        batch.map((a) => a.id),
        cutoff,
      );
      const gone = new Set(deleted);
      for (const asset of batch) {
        if (!gone.has(asset.id)) continue;
        countFreed(report, 'assets');
        await deps.cancelAssetWork(asset.id);
        if (asset.upload_id) await uploads.remove(asset.upload_id);
      }
      await releaseBlobs(report, blobKeys);
    } catch (err) {
      if (batch.length === 1) recordError(report, `asset ${batch[0]?.id}: ${(err as Error).message}`);
      // A draft save or publish that claimed one fails the batch on a foreign key: one by one.
      else for (const asset of batch) await deleteAssets(report, [asset], cutoff);
    }
  }

  async function collectAssets(report: GcReport, dryRun: boolean, at: number): Promise<void> {
    const c = cutoffs(policy, at);
    let after = '';
    for (;;) {
      const page = await repo.garbageAssetsPage(c.assets, after, pageSize);
      if (dryRun) {
        report.classes.assets.items += page.length;
      } else {
        for (let i = 0; i < page.length; i += DELETE_BATCH)
          await deleteAssets(report, page.slice(i, i + DELETE_BATCH), c.assets);
      }
      if (page.length < pageSize) return;
      after = page[page.length - 1]?.id ?? after;
    }
  }

  async function collectBlobs(report: GcReport, dryRun: boolean, at: number): Promise<void> {
    const c = cutoffs(policy, at);
    // Deletions a killed process left marked: nothing can have claimed them since, so they finish.
    if (!dryRun) {
      for (;;) {
        const stale = await deps.blobs.finishStale(pageSize);
        record(report, stale);
        if (stale.deleted.length + stale.failed.length < pageSize || stale.deleted.length === 0) break;
      }
    }
    let after = '';
    for (;;) {
      const page = await repo.unreferencedBlobsPage(c.blobs, after, pageSize);
      if (dryRun) for (const blob of page) countFreed(report, 'blobs', blob.size);
      else {
        for (let i = 0; i < page.length; i += DELETE_BATCH) {
          await releaseBlobs(
            report,
            page.slice(i, i + DELETE_BATCH).map((b) => b.key),
          );
        }
      }
      if (page.length < pageSize) return;
      after = page[page.length - 1]?.key ?? after;
    }
  }

  /** The storage listing against the blob table: zombies go, rows without their object are flagged. */
  async function walkStorage(report: GcReport, dryRun: boolean, at: number): Promise<void> {
    const c = cutoffs(policy, at);
    for await (const pair of pairByKey(blobStore.list(), blobRows())) {
      const fate = storedFate(
        {
          stored: pair.left && { lastModified: pair.left.lastModified.getTime() },
          row: pair.right && { createdAt: pair.right.createdAt },
        },
        c,
      );
      if (fate === 'zombie' && pair.left) {
        if (dryRun) {
          if (!(await repo.blobExists(pair.key))) countFreed(report, 'zombies', pair.left.size);
          continue;
        }
        try {
          if (await deps.blobs.deleteZombie(pair.key))
            countFreed(report, 'zombies', pair.left.size);
        } catch (err) {
          recordError(report, `stored object ${pair.key}: ${(err as Error).message}`);
        }
      } else if (fate === 'missing-object' && !pair.right?.deleting) {
        // The listing moved on while rows were added: look again before saying it is gone.
        if (await blobStore.stat(pair.key)) continue;
        if (!(await repo.blobExists(pair.key))) continue;
        const assetIds = dryRun
          ? []
          : await repo.markMissing(
              pair.key,
              'The stored file is missing. Upload it again, or restore the storage from a backup.',
              now(),
            );
        recordFlag(report, { kind: 'missing-object', key: pair.key, assetIds });
      }
    }
  }

  async function collectTemporaries(report: GcReport, dryRun: boolean, at: number): Promise<void> {
    const c = cutoffs(policy, at);
    for await (const object of blobStore.listTemporary()) {
      if (object.lastModified.getTime() > c.temporaries) continue;
      if (!dryRun) await blobStore.deleteTemporary(object.key);
      countFreed(report, 'temporaries', object.size);
    }
  }

  async function collectUploads(report: GcReport, dryRun: boolean, at: number): Promise<void> {
    const c = cutoffs(policy, at);
    const unfinishedCutoff = at - deps.unfinishedUploadMaxAgeMs;
    for await (const upload of uploads.listPartial()) {
      const modified = upload.lastModified.getTime();
      const owner = await repo.uploadOwner(upload.id);
      if (!owner) {
        if (modified > c.uploads) continue;
      } else if (owner.state !== 'uploading' || modified > unfinishedCutoff) {
        continue;
      } else if (!dryRun) {
        // The asset says why before its bytes go; only an upload still waiting is given up.
        const days = Math.round(deps.unfinishedUploadMaxAgeMs / 86_400_000);
        const reason = `The upload was not finished within ${days} day${days === 1 ? '' : 's'}. Upload the file again.`;
        if (!(await repo.failStaleUpload(upload.id, reason, now()))) continue;
      }
      if (!dryRun) await uploads.remove(upload.id);
      countFreed(report, 'uploads', upload.size);
    }
    // Scale-out: upload records whose pieces never arrived (or are gone) and no asset claims.
    let after = '';
    for (;;) {
      const page = await repo.orphanUploadRecordsPage(c.uploads, after, pageSize);
      for (const record of page) {
        if (!dryRun) await uploads.remove(record.key);
        countFreed(report, 'uploads');
      }
      if (page.length < pageSize) return;
      after = page[page.length - 1]?.key ?? after;
    }
  }

  async function collectTempDirs(report: GcReport, dryRun: boolean, at: number): Promise<void> {
    const c = cutoffs(policy, at);
    const names = (await readdir(deps.tempRoot).catch(() => [] as string[])).filter((n) =>
      n.startsWith(TEMP_DIR_PREFIX),
    );
    for (const name of names) {
      const full = path.join(deps.tempRoot, name);
      const info = await stat(full).catch(() => null);
      if (!info?.isDirectory() || info.mtimeMs > c.tempDirs) continue;
      const bytes = await folderSize(full);
      if (!dryRun) await rm(full, { recursive: true, force: true });
      countFreed(report, 'tempDirs', bytes);
    }
  }

  return {
    policy,

    /**
     * One collection. `busy` when another node (or the CLI) is running one; `refused` when the
     * storage has lost its marker (an unmounted disk looks empty: everything would be a zombie).
     */
    async run(options: { dryRun: boolean; trigger: GcRunRow['trigger'] }): Promise<GcRunResult> {
      const startedAt = now();
      if (!(await repo.acquireLease(LEASE, holder, startedAt, LEASE_TTL_MS))) return { status: 'busy' };
      const id = randomUUID();
      const report = emptyReport();
      const heartbeat = setInterval(() => {
        repo.renewLease(LEASE, holder, now(), LEASE_TTL_MS).catch(() => {});
      }, LEASE_TTL_MS / 5);
      heartbeat.unref();
      let status: GcRunRow['status'] = 'completed';
      try {
        await repo.closeAbandonedRuns(startedAt);
        await repo.insertRun({
          id,
          trigger: options.trigger,
          dry_run: options.dryRun ? 1 : 0,
          status: 'running',
          started_at: startedAt,
          finished_at: null,
          report: JSON.stringify(report),
        });
        const marked = await blobStore.hasMarker().catch(() => false);
        if (!marked) {
          status = 'refused';
          report.refusal = `The blob store (${blobStore.description}) has no marker file: is the right disk or bucket mounted? Nothing was deleted.`;
        } else {
          const dry = options.dryRun;
          await guarded(report, 'drafts', () => collectDrafts(report, dry, startedAt));
          await guarded(report, 'assets', () => collectAssets(report, dry, startedAt));
          await guarded(report, 'blobs', () => collectBlobs(report, dry, startedAt));
          await guarded(report, 'storage', () => walkStorage(report, dry, startedAt));
          await guarded(report, 'temporaries', () => collectTemporaries(report, dry, startedAt));
          await guarded(report, 'uploads', () => collectUploads(report, dry, startedAt));
          await guarded(report, 'work folders', () => collectTempDirs(report, dry, startedAt));
        }
      } catch (err) {
        status = 'failed';
        recordError(report, (err as Error).message);
      } finally {
        clearInterval(heartbeat);
        report.durationMs = now() - startedAt;
        await repo.finishRun(id, { status, finished_at: now(), report: JSON.stringify(report) }).catch(() => {});
        await repo.pruneRuns(KEEP_RUNS).catch(() => {});
        await repo.releaseLease(LEASE, holder).catch(() => {});
      }
      return { status, id, report };
    },

    async listRuns(limit = 50): Promise<GcRunView[]> {
      return (await repo.listRuns(limit)).map(presentRun);
    },

    async getRun(id: string): Promise<GcRunView | null> {
      const row = await repo.findRun(id);
      return row ? presentRun(row) : null;
    },

    /** Drafts within the notice window, soonest removal first: what the next runs will remove. */
    async upcomingDraftRemovals(limit = 50): Promise<GcReport['drafts']> {
      const at = now();
      const c = cutoffs(policy, at);
      const page = await repo.staleDraftsPage(c.draftNotice, null, limit);
      return page.map((d) => ({
        id: d.id,
        ownerId: d.owner_id,
        title: draftTitle(d.content),
        updatedAt: d.updated_at,
        removeAt: d.updated_at + policy.draftMaxAgeMs,
      }));
    },
  };
}

export type GcService = ReturnType<typeof createGcService>;
