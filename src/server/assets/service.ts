// The life of an uploaded file: created when its upload starts, ingested when the upload ends
// (real type from the bytes, stored as a blob), processed into derivatives, served, deleted.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { AssetKind, AssetView } from '../../shared/assets.ts';
import { formatBytes } from '../../shared/format-bytes.ts';
import { createBlobDeletion } from '../blobs/deletion.ts';
import { blobEtag, type FileToServe } from '../blobs/file-to-serve.ts';
import type { DB } from '../db/types.ts';
import { conflict, notFound, tooLarge } from '../errors.ts';
import { type Actor, mayManage, mayReadFile } from '../policies.ts';
import type { JobContext, JobQueue } from '../jobs/queue.ts';
import type { UploadQuota } from '../quotas/service.ts';
import type { BlobStore, PutResult } from '../storage/blob-store.ts';
import type { UploadStore } from '../uploads/store.ts';
import type { UserRow } from '../users/repository.ts';
import { type Detection, detectFile, KIND_NOUNS } from './detect/index.ts';
import { presentAsset } from './presenter.ts';
import type { DerivativeFile } from './processors/types.ts';
import type { VideoProcessorOptions } from './processors/video.ts';
import type { AssetRow, AssetsRepository } from './repository.ts';

export interface AssetsServiceDeps {
  db: Kysely<DB>;
  assets: AssetsRepository;
  blobStore: BlobStore;
  uploads: UploadStore;
  queue: JobQueue;
  /** Tells the asset's owner about a change (live updates). */
  publish: (ownerId: string, asset: AssetView) => void;
  limits: Record<AssetKind, number>;
  /** Whether someone other than the owner may read the asset through a course (enrolled, or owning the course). */
  readableThroughCourses?: (userId: string, assetId: string) => Promise<boolean>;
  now?: () => number;
  /** Per-user quotas, checked in the transaction that creates an upload's row; none when absent. */
  quota?: UploadQuota;
  /** The video ladder (heights, WebM, time limit); defaults when absent. */
  video?: VideoProcessorOptions['ladder'];
  /** The drafts an upload can be made for (the wizard's files and images). */
  draftUploads: DraftUploads;
}

/** What starting an upload for a draft needs of the drafts: whose it is, and the link that makes it the draft's. */
export interface DraftUploads {
  find(draftId: string, trx: Kysely<DB>): Promise<{ owner_id: string } | undefined>;
  linkUpload(draftId: string, assetId: string, trx: Kysely<DB>): Promise<void>;
}

type StoredDerivative = DerivativeFile & { key: string; size: number; put: PutResult | null };

/** A claim met a blob being deleted: the transaction rolls back and runs again once it is gone. */
class BlobBeingDeleted extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`The stored content ${key} is being deleted.`);
    this.key = key;
  }
}

/** Every job that works on one asset (keyed by its id). */
export const ASSET_JOBS = ['assets.ingest', 'assets.process', 'assets.process-media'] as const;

function processingJob(kind: AssetKind): 'assets.process' | 'assets.process-media' {
  return kind === 'audio' || kind === 'video' ? 'assets.process-media' : 'assets.process';
}

/** "x.wav is 3 MB; the limit for audio files is 2 MB." */
function overLimitMessage(name: string, size: number, kind: AssetKind, limit: number): string {
  return `${name} is ${formatBytes(size)}; the limit for ${kind === 'other' ? 'files' : `${kind} files`} is ${formatBytes(limit)}.`;
}

/**
 * An SVG with scripts or event handlers is refused: it is only ever downloaded, never shown from
 * our origin, but a reader who opens the download locally would run it.
 */
function refuseScriptedSvg(detection: Detection): Detection {
  if (detection.ok && detection.details.svg === true && detection.details.hasScript === true) {
    return {
      ok: false,
      reason: 'This SVG image contains scripts or event handlers. Save it without them (or as a PNG) and upload it again.',
    };
  }
  return detection;
}

export function createAssetsService(deps: AssetsServiceDeps) {
  const { db, assets, blobStore, uploads, queue } = deps;
  const now = deps.now ?? Date.now;
  const deletion = createBlobDeletion({ db, blobStore, now });

  async function announce(id: string): Promise<void> {
    const asset = await assets.find(id);
    if (!asset) return;
    deps.publish(asset.owner_id, presentAsset(asset, await assets.derivativesOf([id])));
  }

  async function fail(asset: AssetRow, reason: string): Promise<void> {
    await assets.update(asset.id, { state: 'failed', reason, progress: null }, now());
    await announce(asset.id);
  }

  async function withWorkDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(path.join(tmpdir(), 'lectern-asset-'));
    try {
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Drops blobs that lost their last reference (marked, object deleted, row removed: no storage
   * I/O inside a transaction). One the storage refused stays unreferenced: the collector retries it.
   */
  async function releaseBlobs(keys: string[]): Promise<void> {
    await deletion.deleteUnreferenced(keys);
  }

  /**
   * A transaction that claims blobs. A claim that meets a blob being deleted rolls it back; it runs
   * again once that deletion has ended (`ensureStored` then stores the object again).
   */
  async function claiming<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(fn);
      } catch (err) {
        if (!(err instanceof BlobBeingDeleted) || attempt >= 5) throw err;
        await deletion.awaitGone(err.key);
      }
    }
  }

  async function claim(blob: PutResult, trx: Kysely<DB>): Promise<void> {
    if (!(await assets.claimBlob({ key: blob.key, sha256: blob.sha256, size: blob.size }, now(), trx))) throw new BlobBeingDeleted(blob.key);
  }

  /**
   * After the row that claims a blob commits, its object must still be there: the collector may
   * have removed the same content (unreferenced, or a zombie) between our write and our row, and
   * its deletion holds the key until the object is gone. Storing it again closes that window.
   */
  async function ensureStored(key: string, file: string): Promise<void> {
    if (!(await blobStore.stat(key))) await blobStore.put(createReadStream(file));
  }

  /** Stores processor outputs as blobs; an output that is the original itself reuses the original's blob. */
  async function storeOutputs(files: DerivativeFile[], original: { path: string; key: string; size: number }) {
    const stored: StoredDerivative[] = [];
    for (const d of files) {
      if (d.path === original.path) {
        stored.push({ ...d, key: original.key, size: original.size, put: null });
      } else {
        const put = await blobStore.put(createReadStream(d.path));
        stored.push({ ...d, key: put.key, size: put.size, put });
      }
    }
    return stored;
  }

  async function saveOutputs(assetId: string, stored: StoredDerivative[], trx: Kysely<DB>): Promise<void> {
    for (const d of stored) {
      if (d.put) await claim(d.put, trx);
      await assets.saveDerivative({ asset_id: assetId, role: d.role, blob_key: d.key, mime: d.mime, size: d.size }, trx);
    }
  }

  const newBlobs = (stored: StoredDerivative[]) => stored.flatMap((d) => (d.put ? [d.put.key] : []));

  const mayAccess = (user: Actor, asset: AssetRow) => mayManage(user, { ownerId: asset.owner_id });

  return {
    /**
     * At upload creation, before any byte arrives: size, kind, the draft it is for and the owner's
     * quotas are checked, and the asset row and its draft link are written, in one transaction.
     */
    async startUpload(
      owner: UserRow,
      input: { id: string; name: string; kind: AssetKind; size: number; draftId: string | null },
    ): Promise<AssetRow> {
      const limit = deps.limits[input.kind];
      if (input.size > limit) {
        throw tooLarge(overLimitMessage(input.name, input.size, input.kind, limit), 'file_too_large');
      }
      const at = now();
      const row: AssetRow = {
        id: input.id,
        owner_id: owner.id,
        kind: input.kind,
        original_name: input.name,
        state: 'uploading',
        reason: null,
        progress: null,
        size: input.size,
        mime: null,
        blob_key: null,
        upload_id: input.id,
        uploaded_for_draft_at: null,
        metadata: '{}',
        created_at: at,
        updated_at: at,
      };
      const { draftId } = input;
      await db.transaction().execute(async (trx) => {
        if (draftId !== null) {
          const draft = await deps.draftUploads.find(draftId, trx);
          if (!draft || !mayManage(owner, { ownerId: draft.owner_id })) throw notFound('No such draft.');
        }
        await deps.quota?.checkNewUpload(owner.id, input.size, trx);
        await assets.insert(row, trx);
        if (draftId !== null) await deps.draftUploads.linkUpload(draftId, row.id, trx);
      });
      await announce(row.id);
      return row;
    },

    /** May this user send bytes to (or cancel) this upload? */
    async uploadBelongsTo(uploadId: string, user: UserRow): Promise<boolean> {
      const asset = await assets.find(uploadId);
      return !!asset && asset.upload_id === uploadId && mayAccess(user, asset);
    },

    /** The last byte arrived: hand over to the ingest job, durably. */
    async uploadFinished(uploadId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const updated = await assets.update(uploadId, { state: 'processing', progress: 0 }, now(), trx);
        if (updated) await queue.enqueue('assets.ingest', { assetId: uploadId }, { trx, singletonKey: uploadId });
      });
      await announce(uploadId);
    },

    async ingest(assetId: string, ctx: Pick<JobContext, 'signal'>): Promise<void> {
      const asset = await assets.find(assetId);
      if (asset?.state !== 'processing' || !asset.upload_id) return;
      const uploadId = asset.upload_id;
      await withWorkDir(async (workDir) => {
        const file = await uploads.localPath(uploadId, workDir);
        if (!file) return fail(asset, 'The upload was lost before it could be stored. Upload the file again.');
        const detection = refuseScriptedSvg(await detectFile(file, asset.kind));
        ctx.signal.throwIfAborted();
        if (!detection.ok) {
          await uploads.remove(uploadId);
          return fail(asset, detection.reason);
        }
        // The limit checked at creation was the declared kind's; the file is filed as its real kind,
        // which may have a smaller one (a WAV declared as video is audio).
        const size = (await stat(file)).size;
        const limit = deps.limits[detection.kind];
        if (size > limit) {
          await uploads.remove(uploadId);
          const declared = detection.kind === asset.kind ? '' : ` It was uploaded as ${KIND_NOUNS[asset.kind]}, but it is ${KIND_NOUNS[detection.kind]}.`;
          return fail(asset, `${overLimitMessage(asset.original_name, size, detection.kind, limit)}${declared}`);
        }
        const put = await blobStore.put(createReadStream(file));
        const claimed = await claiming(async (trx) => {
          await claim(put, trx);
          const current = await assets.find(assetId, trx);
          if (current?.state !== 'processing') return false;
          await assets.update(
            assetId,
            {
              blob_key: put.key,
              kind: detection.kind,
              mime: detection.mime,
              size: put.size,
              upload_id: null,
              metadata: JSON.stringify({ ext: detection.ext, ...detection.details }),
            },
            now(),
            trx,
          );
          // A video's job may run as long as its transcode is allowed to, plus time to store the outputs.
          const timeoutMs = detection.kind === 'video' && deps.video?.timeoutMs ? deps.video.timeoutMs + 15 * 60_000 : undefined;
          await queue.enqueue(processingJob(detection.kind), { assetId }, { trx, singletonKey: assetId, timeoutMs });
          return true;
        });
        // Deleted while we stored it: the blob may now belong to nobody.
        if (!claimed) await releaseBlobs([put.key]);
        else await ensureStored(put.key, file);
        await uploads.remove(uploadId);
        await announce(assetId);
      });
    },

    async process(assetId: string, ctx: Pick<JobContext, 'signal' | 'progress'>): Promise<void> {
      const asset = await assets.find(assetId);
      if (asset?.state !== 'processing' || !asset.blob_key) return;
      const blobKey = asset.blob_key;
      await withWorkDir(async (workDir) => {
        const metadata = JSON.parse(asset.metadata) as Record<string, unknown>;
        const ext = typeof metadata.ext === 'string' ? metadata.ext : 'bin';
        const input = path.join(workDir, `original.${ext.replace(/[^a-z0-9]/gi, '')}`);
        // A local store's file is linked, not copied (a 200 MB video's fast path waits on this).
        const local = blobStore.localPath?.(blobKey);
        if (local) await symlink(local, input);
        else await pipeline(await blobStore.read(blobKey), createWriteStream(input));
        const outDir = path.join(workDir, 'out');
        await mkdir(outDir);
        // Processors (sharp, pdf-lib, mammoth…) load when the first file is processed, not at start.
        const { processorFor } = await import('./processors/index.ts');
        const original = { path: input, key: blobKey, size: asset.size };
        const result = await processorFor(asset.kind, {}, { ladder: deps.video })({
          file: input,
          workDir: outDir,
          signal: ctx.signal,
          progress: (percent) => {
            void ctx.progress(percent);
            void assets.update(assetId, { progress: Math.round(percent) }, now()).then(() => announce(assetId));
          },
          detected: { mime: asset.mime ?? 'application/octet-stream', ext, details: metadata },
          // Playable before processing ends (a video's fast path): stored now, the asset still `processing`.
          early: async (partial) => {
            const stored = await storeOutputs(partial.derivatives, original);
            const saved = await claiming(async (trx) => {
              const current = await assets.find(assetId, trx);
              if (current?.state !== 'processing') return false;
              await saveOutputs(assetId, stored, trx);
              const merged = { ...(JSON.parse(current.metadata) as Record<string, unknown>), ...partial.metadata };
              await assets.update(assetId, { metadata: JSON.stringify(merged) }, now(), trx);
              return true;
            });
            if (!saved) await releaseBlobs(newBlobs(stored));
            else for (const d of stored) if (d.put) await ensureStored(d.put.key, d.path);
            await announce(assetId);
          },
        });
        if (!result.ok) return fail(asset, result.reason);
        const stored = await storeOutputs(result.derivatives, original);
        let dropped: string[] = [];
        // One transaction switches the asset over: new derivatives in, superseded early ones out, ready.
        const claimed = await claiming(async (trx) => {
          const current = await assets.find(assetId, trx);
          if (current?.state !== 'processing') return false;
          await saveOutputs(assetId, stored, trx);
          const superseded = (result.drop ?? []).filter((role) => !stored.some((d) => d.role === role));
          dropped = await assets.deleteDerivatives(assetId, superseded, trx);
          const earlier = JSON.parse(current.metadata) as Record<string, unknown>;
          await assets.update(
            assetId,
            {
              state: 'ready',
              progress: null,
              reason: result.note ?? null,
              metadata: JSON.stringify({ ...earlier, ...metadata, ...result.metadata }),
            },
            now(),
            trx,
          );
          return true;
        });
        await releaseBlobs(claimed ? dropped : newBlobs(stored));
        if (claimed) for (const d of stored) if (d.put) await ensureStored(d.put.key, d.path);
        await announce(assetId);
      });
    },

    async list(user: UserRow): Promise<AssetView[]> {
      const rows = await assets.listByOwner(user.id);
      const derivatives = await assets.derivativesOf(rows.map((r) => r.id));
      return rows.map((r) => presentAsset(r, derivatives));
    },

    /** The asset if this user may see it; 404 otherwise (its existence is not revealed). */
    async get(user: UserRow, id: string): Promise<AssetRow> {
      const asset = await assets.find(id);
      const readable =
        asset &&
        (await mayReadFile(user, { ownerId: asset.owner_id }, async () => (await deps.readableThroughCourses?.(user.id, id)) ?? false));
      if (asset && readable) return asset;
      throw notFound('No such file.');
    },

    async view(user: UserRow, id: string): Promise<AssetView> {
      const asset = await this.get(user, id);
      return presentAsset(asset, await assets.derivativesOf([id]));
    },

    derivative(assetId: string, role: string) {
      return assets.findDerivative(assetId, role);
    },

    /** The original bytes, always downloaded under the name it was uploaded with. */
    async original(user: UserRow, id: string): Promise<FileToServe> {
      const asset = await this.get(user, id);
      if (!asset.blob_key || !asset.mime) throw conflict('The file is still being uploaded or checked.', 'not_ready');
      return {
        key: asset.blob_key,
        size: asset.size,
        mime: asset.mime,
        etag: blobEtag(asset.blob_key),
        disposition: 'attachment',
        fileName: asset.original_name,
      };
    },

    /** A derivative (preview, rendition, playlist) shown in place, named after the original and its role. */
    async derivativeFile(user: UserRow, id: string, role: string): Promise<FileToServe> {
      const asset = await this.get(user, id);
      const derivative = await assets.findDerivative(asset.id, role);
      if (!derivative) throw notFound('This file has no such preview.');
      return {
        key: derivative.blob_key,
        size: derivative.size,
        mime: derivative.mime,
        etag: blobEtag(derivative.blob_key),
        disposition: 'inline',
        fileName: `${asset.original_name.replace(/\.[^.]*$/, '')} (${role})`,
        sanitizedMarkup: role === 'html',
      };
    },

    /** Deletes at once: running work cancelled, partial upload removed, blobs nobody else uses deleted. */
    async remove(user: UserRow, id: string): Promise<void> {
      const asset = await assets.find(id);
      if (!asset || !mayAccess(user, asset)) throw notFound('No such file.');
      const [holder] = await assets.usage(id);
      if (holder) throw conflict(`${asset.original_name} is used by ${holder}; remove it there first.`, 'in_use');
      for (const job of ASSET_JOBS) await queue.cancelByKey(job, id);
      if (asset.upload_id) await uploads.remove(asset.upload_id);
      const keys = await db.transaction().execute((trx) => assets.delete(id, trx));
      await releaseBlobs(keys);
    },

    /** A tus termination (the author cancelled the upload): the asset goes with it. */
    async uploadTerminated(uploadId: string): Promise<void> {
      const asset = await assets.find(uploadId);
      if (!asset || asset.upload_id !== uploadId) return;
      for (const job of ASSET_JOBS) await queue.cancelByKey(job, uploadId);
      const keys = await db.transaction().execute((trx) => assets.delete(uploadId, trx));
      await releaseBlobs(keys);
    },

    newUploadId: () => randomUUID(),
  };
}

export type AssetsService = ReturnType<typeof createAssetsService>;
