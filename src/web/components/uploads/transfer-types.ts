// The transfer queue's rows and events, and what it needs from the network: a Transport creates
// transfers (tus in the browser: tus-transport.ts; a fake server in transfer-queue.test.ts) and
// keeps the uploads stored for resuming after a reload.
import type { AssetKind } from '../../../shared/assets.ts';

/**
 * queued: waits for a free slot; uploading: bytes are being sent; retrying: the connection was
 * lost and the upload resumes by itself; paused: by the user; uploaded: every byte arrived;
 * failed: the upload stopped, see `error`.
 */
export type UploadStatus = 'queued' | 'uploading' | 'retrying' | 'paused' | 'uploaded' | 'failed';

export interface TransferItem {
  /** Local identifier of the row. */
  key: string;
  /** Which uploader added it (e.g. "files", or a course wizard's), so each shows its own rows. */
  scope: string;
  /** The course draft the file is uploaded for: the server links the asset to it (cancel purges it). */
  draftId: string | null;
  name: string;
  size: number;
  kind: AssetKind;
  status: UploadStatus;
  bytesSent: number;
  /** Known once the server created the upload (the upload's id is the asset's id). */
  assetId: string | null;
  /** Why the upload failed, or the retry notice. */
  error: string | null;
  /** A failed upload that may succeed when tried again (false when the server refused the file). */
  retryable: boolean;
  /** Continues an upload that an earlier page load started. */
  resumed: boolean;
  /** Cancel was pressed and the server is being told. */
  cancelling: boolean;
}

export type QueueEvent =
  | { type: 'created'; item: TransferItem; assetId: string }
  | { type: 'uploaded'; item: TransferItem }
  | { type: 'failed'; item: TransferItem; reason: string }
  /** `deleted`: cancelled, so the file is gone from the server too; otherwise only the row left. */
  | { type: 'removed'; item: TransferItem; deleted: boolean };

/** An upload stored for resuming by an earlier page load (tus's URL storage). */
export interface StoredUpload {
  storageKey: string;
  uploadUrl: string;
  assetId: string;
  name: string;
  size: number | null;
  createdAt: string;
}

/** An upload that an earlier page load started and did not finish; it resumes when its file is chosen again. */
export interface UnfinishedUpload extends StoredUpload {
  /** Bytes the server has, when known. */
  offset: number | null;
  discarding: boolean;
}

/** offline: no answer even after the transport's own retries; refused: the server said no (or the upload broke). */
export type TransferFailure = { kind: 'offline' } | { kind: 'refused'; message: string; retryable: boolean };

/** What a transfer reports while it runs. */
export interface TransferEvents {
  /** The server created the upload (its id is the asset's id). */
  onCreated(assetId: string): void;
  onProgress(bytesSent: number): void;
  /** A request failed and the transport tries again by itself. */
  onRetrying(cause: 'network' | 'server'): void;
  onSuccess(): void;
  onError(failure: TransferFailure): void;
}

export interface Transfer {
  /** The upload's address once the server created it (or a stored one was taken up). */
  readonly url: string | null;
  /** Takes up the stored upload of the same file from an earlier page load (none in `inUse`); returns it when found. */
  resumeStored(inUse: ReadonlySet<string>): Promise<StoredUpload | null>;
  /** Starts, or goes on from the bytes the server has. */
  start(): void;
  /** Stops sending; `terminate` also deletes the upload (and so its asset) on the server. */
  abort(terminate: boolean): Promise<void>;
}

export interface FileLike {
  readonly name: string;
  readonly size: number;
}

export interface Transport<F extends FileLike> {
  /** Runs before a transfer starts (e.g. gets the CSRF token); rejects when the server cannot be reached. */
  prepare(): Promise<void>;
  create(file: F, meta: { kind: AssetKind; draftId: string | null }, events: TransferEvents): Transfer;
  /** The uploads stored for resuming by earlier page loads. */
  stored(): Promise<StoredUpload[]>;
  forgetStored(storageKey: string): Promise<void>;
  /** The bytes the server has; 'gone' when the upload no longer exists or is complete; null when unknown. */
  serverOffset(uploadUrl: string): Promise<number | null | 'gone'>;
  /** Deletes an upload on the server (one already gone counts as done); throws an Error saying why not. */
  terminate(uploadUrl: string): Promise<void>;
  /** Deletes an asset (one already gone counts as done); throws an Error saying why not. */
  removeAsset(assetId: string): Promise<void>;
}


/** The uploads an earlier page load left unfinished that the server still has (the others are forgotten). */
export async function findUnfinished<F extends FileLike>(transport: Transport<F>): Promise<UnfinishedUpload[]> {
  const found: UnfinishedUpload[] = [];
  for (const entry of await transport.stored()) {
    const offset = await transport.serverOffset(entry.uploadUrl);
    if (offset === 'gone') {
      await transport.forgetStored(entry.storageKey).catch(() => {});
      continue;
    }
    found.push({ ...entry, offset, discarding: false });
  }
  return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Forgets the stored uploads of these assets (they are not offered for resuming again). */
export async function forgetStoredOf<F extends FileLike>(transport: Transport<F>, assetIds: ReadonlySet<string>): Promise<void> {
  try {
    for (const entry of await transport.stored()) {
      if (assetIds.has(entry.assetId)) await transport.forgetStored(entry.storageKey);
    }
  } catch {
    // No storage: loading the unfinished uploads later finds them gone on the server.
  }
}
