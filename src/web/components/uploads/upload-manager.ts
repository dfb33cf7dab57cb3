// The uploads of this tab, outside React so that they outlive pages: a queue of files sent with
// tus (resumable, in chunks, retried after network drops), at most MAX_PARALLEL at a time, each
// followed afterwards by the live state of the asset the server made from it.
import * as tus from 'tus-js-client';
import { type AssetKind, type AssetView, kindFromFileName } from '../../../shared/assets.ts';
import { ApiError, getCsrfToken, reportUnauthenticated, resetCsrfToken } from '../../api.ts';
import { assetsApi, furtherAlong, isSettled } from '../../assets-api.ts';
import { getLiveStatus, subscribeLiveEvents, subscribeLiveStatus } from '../../live.ts';

export const MAX_PARALLEL = 3;
const UPLOAD_PATH = '/api/uploads';
// Large chunks: each PATCH has a fixed cost on the server, and an interrupted one keeps the bytes
// that arrived, so resuming loses nothing (bench/upload.ts: 8 MiB ≈ 0.3 of a raw PUT, 64 MiB ≈ 0.5).
const CHUNK_SIZE = 64 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];
/** After tus gave up on a lost connection, try again this late (or as soon as the browser is online). */
const RECONNECT_MS = 20_000;
/** Progress updates reach React at most this often per file. */
const PROGRESS_INTERVAL_MS = 200;
/** Screen reader announcements are grouped and spoken at most this often. */
const ANNOUNCE_INTERVAL_MS = 2_000;
/** How often the assets are checked while live updates are paused. */
const POLL_MS = 5_000;

export const CONNECTION_LOST = 'Connection lost — retrying…';

/**
 * queued: waits for a free slot; uploading: bytes are being sent; retrying: the connection was
 * lost and the upload resumes by itself; paused: by the user; uploaded: every byte arrived (the
 * server's state of the asset is then in `asset`); failed: the upload stopped, see `error`.
 */
export type UploadStatus = 'queued' | 'uploading' | 'retrying' | 'paused' | 'uploaded' | 'failed';

export interface UploadItem {
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
  /** The asset as the server last described it (live). */
  asset: AssetView | null;
  /** Why the upload failed, or the retry notice. */
  error: string | null;
  /** A failed upload that may succeed when tried again (false when the server refused the file). */
  retryable: boolean;
  /** Continues an upload that an earlier page load started. */
  resumed: boolean;
  /** Cancel was pressed and the server is being told. */
  cancelling: boolean;
}

/** An upload that an earlier page load started and did not finish; it resumes when its file is chosen again. */
export interface UnfinishedUpload {
  storageKey: string;
  uploadUrl: string;
  assetId: string;
  name: string;
  size: number | null;
  /** Bytes the server has, when known. */
  offset: number | null;
  createdAt: string;
  discarding: boolean;
}

export type UploadEvent =
  | { type: 'created'; item: UploadItem; assetId: string }
  | { type: 'uploaded'; item: UploadItem; assetId: string }
  | { type: 'failed'; item: UploadItem; reason: string }
  | { type: 'removed'; item: UploadItem; assetId: string | null }
  | { type: 'asset'; item: UploadItem; asset: AssetView };

export interface UploadsSnapshot {
  items: readonly UploadItem[];
  unfinished: readonly UnfinishedUpload[];
  /** The latest announcement for screen readers (see the uploader's status region). */
  announcement: string;
}

interface Runtime {
  file: File;
  upload: tus.Upload | null;
  reconnectTimer?: ReturnType<typeof setTimeout>;
  lastProgress: number;
}

function endpoint(): string {
  // tus resolves the Location header against the endpoint, which must therefore be absolute.
  return new URL(UPLOAD_PATH, window.location.href).href;
}

function statusOf(error: unknown): number {
  if (error instanceof tus.DetailedError) return error.originalResponse?.getStatus() ?? 0;
  return 0;
}

function bodyOf(error: unknown): string {
  if (!(error instanceof tus.DetailedError)) return '';
  try {
    return error.originalResponse?.getBody() ?? '';
  } catch {
    return '';
  }
}

/** The server's own words for a refusal: its JSON `message`, or its text, or a sentence per status. */
export function serverMessage(status: number, body: string): string {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as { message?: unknown };
      if (typeof json.message === 'string' && json.message) return json.message;
    } catch {
      // not JSON after all
    }
  } else if (text && text.length <= 500 && !text.startsWith('<')) {
    return text;
  }
  switch (status) {
    case 401:
      return 'Your session has expired. Sign in again, then choose the file again.';
    case 403:
      return 'You may not upload files.';
    case 404:
    case 410:
      return 'The server no longer has this upload. Choose the file again to start over.';
    case 413:
      return 'This file is too large.';
    case 0:
      return 'Could not reach the server.';
    default:
      return `The server could not take the file (status ${status}).`;
  }
}

function assetIdFromUrl(url: string): string | null {
  const id = url.split('?')[0]?.split('/').filter(Boolean).at(-1);
  return id ? decodeURIComponent(id) : null;
}

interface Announcement {
  name: string;
  event: 'uploaded' | 'ready' | 'failed';
  reason?: string;
}

/**
 * One text for what happened since the last announcement: each event when there are few
 * ("a.pdf uploaded. b.png failed: …"), otherwise counts, but failures always by name.
 */
function summarize(announcements: Announcement[]): string {
  const sentence = (a: Announcement) =>
    a.event === 'failed'
      ? `${a.name} failed: ${a.reason}`
      : a.event === 'ready'
        ? `${a.name} is ready`
        : `${a.name} uploaded`;
  if (announcements.length <= 3) return announcements.map(sentence).join('. ');
  const count = (event: Announcement['event']) => announcements.filter((a) => a.event === event).length;
  const files = (n: number) => (n === 1 ? '1 file' : `${n} files`);
  const parts: string[] = [];
  if (count('uploaded') > 0) parts.push(`${files(count('uploaded'))} uploaded`);
  if (count('ready') > 0) parts.push(`${files(count('ready'))} ready`);
  const failures = announcements.filter((a) => a.event === 'failed');
  parts.push(...failures.slice(0, 3).map(sentence));
  if (failures.length > 3) parts.push(`${failures.length - 3} more failed`);
  return parts.join('. ');
}

let nextKey = 1;

export class UploadManager {
  #items: UploadItem[] = [];
  #unfinished: UnfinishedUpload[] = [];
  #announcement = '';
  #snapshot: UploadsSnapshot = { items: [], unfinished: [], announcement: '' };
  #runtime = new Map<string, Runtime>();
  #listeners = new Set<() => void>();
  #eventListeners = new Set<(event: UploadEvent) => void>();
  #pendingAnnouncements: Announcement[] = [];
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  #lastAnnounce = 0;
  #stopLive: (() => void) | null = null;
  #stopLiveStatus: (() => void) | null = null;
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  #userId: string | null = null;
  #generation = 0;
  /** How many uploaders are on screen (when none, the app shows notifications instead). */
  viewers = 0;

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('online', () => this.#reconnectNow());
    }
  }

  // ---- store for React ----

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): UploadsSnapshot => this.#snapshot;

  /** Hears about uploads created, finished, failed, removed, and their assets' changes. */
  onEvent(listener: (event: UploadEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  #changed(): void {
    this.#snapshot = { items: this.#items, unfinished: this.#unfinished, announcement: this.#announcement };
    for (const listener of [...this.#listeners]) listener();
    this.#syncLive();
  }

  #emit(event: UploadEvent): void {
    for (const listener of [...this.#eventListeners]) {
      try {
        listener(event);
      } catch (error) {
        reportError(error);
      }
    }
  }

  #item(key: string): UploadItem | undefined {
    return this.#items.find((item) => item.key === key);
  }

  #update(key: string, patch: Partial<UploadItem>): UploadItem | undefined {
    let updated: UploadItem | undefined;
    this.#items = this.#items.map((item) => {
      if (item.key !== key) return item;
      updated = { ...item, ...patch };
      return updated;
    });
    if (updated) this.#changed();
    return updated;
  }

  #announce(announcement: Announcement): void {
    this.#pendingAnnouncements.push(announcement);
    if (this.#announceTimer !== undefined) return;
    const wait = Math.max(0, this.#lastAnnounce + ANNOUNCE_INTERVAL_MS - Date.now());
    this.#announceTimer = setTimeout(() => {
      this.#announceTimer = undefined;
      this.#lastAnnounce = Date.now();
      const text = summarize(this.#pendingAnnouncements.splice(0));
      // A repeated text would not be read again: make it differ.
      this.#announcement = text === this.#announcement ? `${text}\u00a0` : text;
      this.#changed();
    }, wait);
  }

  // ---- the signed-in user ----

  /** Called when the session changes: another user's uploads must not go on in this tab. */
  setUser(userId: string | null, canUpload: boolean): void {
    if (userId === this.#userId) return;
    if (this.#userId !== null) this.reset();
    this.#userId = userId;
    if (userId && canUpload) void this.loadUnfinished();
  }

  /** Stops every upload (they stay resumable) and forgets the rows. */
  reset(): void {
    this.#generation += 1;
    for (const [, runtime] of this.#runtime) {
      clearTimeout(runtime.reconnectTimer);
      void runtime.upload?.abort(false);
    }
    this.#runtime.clear();
    this.#items = [];
    this.#unfinished = [];
    this.#pendingAnnouncements = [];
    this.#announcement = '';
    this.#changed();
  }

  // ---- adding and controlling uploads ----

  add(files: Iterable<File>, scope: string, options: { draftId?: string } = {}): void {
    const added: UploadItem[] = [];
    for (const file of files) {
      const item: UploadItem = {
        key: `upload-${nextKey++}`,
        scope,
        draftId: options.draftId ?? null,
        name: file.name,
        size: file.size,
        kind: kindFromFileName(file.name),
        status: 'queued',
        bytesSent: 0,
        assetId: null,
        asset: null,
        error: null,
        retryable: true,
        resumed: false,
        cancelling: false,
      };
      this.#runtime.set(item.key, { file, upload: null, lastProgress: 0 });
      added.push(item);
    }
    if (added.length === 0) return;
    this.#items = [...this.#items, ...added];
    this.#changed();
    this.#pump();
  }

  pause(key: string): void {
    const item = this.#item(key);
    const runtime = this.#runtime.get(key);
    if (!item || !runtime) return;
    if (item.status !== 'queued' && item.status !== 'uploading' && item.status !== 'retrying') return;
    clearTimeout(runtime.reconnectTimer);
    void runtime.upload?.abort(false);
    this.#update(key, { status: 'paused', error: null });
    this.#pump();
  }

  /** Continues a paused upload, or tries a failed one again. */
  resume(key: string): void {
    const item = this.#item(key);
    if (!item || (item.status !== 'paused' && item.status !== 'failed')) return;
    this.#update(key, { status: 'queued', error: null, retryable: true });
    this.#pump();
  }

  /** Stops the upload and removes it from the server (the asset goes with it), then the row. */
  async cancel(key: string): Promise<void> {
    const item = this.#item(key);
    const runtime = this.#runtime.get(key);
    if (!item || !runtime || item.cancelling) return;
    if (item.status === 'uploaded') return;
    this.#update(key, { cancelling: true });
    clearTimeout(runtime.reconnectTimer);
    const upload = runtime.upload;
    try {
      if (upload?.url) {
        // Terminates the upload on the server, which deletes its asset.
        await upload.abort(true);
      } else {
        await upload?.abort(false);
      }
    } catch (error) {
      // The server may already have finished or dropped it: delete the asset instead.
      const assetId = this.#item(key)?.assetId;
      if (assetId) {
        try {
          await assetsApi.remove(assetId);
        } catch (removeError) {
          if (!(removeError instanceof ApiError && removeError.status === 404)) {
            this.#update(key, {
              cancelling: false,
              status: 'failed',
              error: `Could not cancel: ${removeError instanceof ApiError ? removeError.message : serverMessage(statusOf(error), bodyOf(error))}`,
            });
            return;
          }
        }
      }
    }
    this.#remove(key);
    this.#pump();
  }

  /** Takes a finished or failed row off the list (the file stays on the server: no 'removed' event). */
  dismiss(key: string): void {
    const item = this.#item(key);
    if (!item || (item.status !== 'uploaded' && item.status !== 'failed')) return;
    this.#remove(key, false);
  }

  /** Removes the finished rows of one uploader. */
  clearFinished(scope: string): void {
    const done = this.#items.filter(
      (item) => item.scope === scope && item.status === 'uploaded' && (!item.asset || isSettled(item.asset)),
    );
    for (const item of done) this.#runtime.delete(item.key);
    if (done.length === 0) return;
    const keys = new Set(done.map((item) => item.key));
    this.#items = this.#items.filter((item) => !keys.has(item.key));
    this.#changed();
  }

  /** The asset was deleted elsewhere (e.g. from the files table): stop its upload, drop its row. */
  forgetAsset(assetId: string): void {
    for (const item of this.#items.filter((i) => i.assetId === assetId)) {
      const runtime = this.#runtime.get(item.key);
      if (runtime) {
        clearTimeout(runtime.reconnectTimer);
        void runtime.upload?.abort(false);
      }
      this.#remove(item.key, false);
    }
    this.#pump();
  }

  /**
   * The draft was cancelled: its uploads in this tab stop at once and leave the list. The server
   * deletes what they sent (cancelling a draft purges its uploads), so nothing is terminated from
   * here, and they are no longer offered for resuming.
   */
  async abortDraft(draftId: string): Promise<void> {
    const items = this.#items.filter((item) => item.draftId === draftId);
    const assetIds = new Set<string>();
    for (const item of items) {
      const runtime = this.#runtime.get(item.key);
      if (runtime) {
        clearTimeout(runtime.reconnectTimer);
        await runtime.upload?.abort(false).catch(() => {});
      }
      if (item.assetId) assetIds.add(item.assetId);
      this.#remove(item.key, false);
    }
    if (assetIds.size > 0) await this.#forgetStoredUploads(assetIds);
    this.#pump();
  }

  async #forgetStoredUploads(assetIds: ReadonlySet<string>): Promise<void> {
    const storage = tus.defaultOptions.urlStorage;
    try {
      for (const entry of await storage.findAllUploads()) {
        const assetId = entry.uploadUrl ? assetIdFromUrl(entry.uploadUrl) : null;
        if (assetId && assetIds.has(assetId)) await storage.removeUpload(entry.urlStorageKey);
      }
    } catch {
      // No storage: loading the unfinished uploads later finds them gone on the server.
    }
    const before = this.#unfinished.length;
    this.#unfinished = this.#unfinished.filter((u) => !assetIds.has(u.assetId));
    if (this.#unfinished.length !== before) this.#changed();
  }

  #remove(key: string, emit = true): void {
    const item = this.#item(key);
    if (!item) return;
    this.#runtime.delete(key);
    this.#items = this.#items.filter((i) => i.key !== key);
    this.#changed();
    if (emit) this.#emit({ type: 'removed', item, assetId: item.assetId });
  }

  // ---- the queue ----

  #pump(): void {
    let inFlight = this.#items.filter((item) => item.status === 'uploading' || item.status === 'retrying').length;
    for (const item of this.#items) {
      if (inFlight >= MAX_PARALLEL) break;
      if (item.status !== 'queued') continue;
      inFlight += 1;
      this.#update(item.key, { status: 'uploading', error: null });
      void this.#start(item.key);
    }
  }

  #urlsInUse(exceptKey: string): Set<string> {
    const urls = new Set<string>();
    for (const [key, runtime] of this.#runtime) {
      if (key !== exceptKey && runtime.upload?.url) urls.add(runtime.upload.url);
    }
    return urls;
  }

  async #start(key: string): Promise<void> {
    const runtime = this.#runtime.get(key);
    if (!runtime) return;
    const generation = this.#generation;
    const stillWanted = () => this.#generation === generation && this.#item(key)?.status === 'uploading';

    // The first request needs the CSRF token: get it before anything starts.
    try {
      await getCsrfToken();
    } catch {
      if (stillWanted()) this.#waitForNetwork(key);
      return;
    }
    if (!stillWanted()) return;

    if (runtime.upload) {
      // Paused or dropped before: tus asks the server for its offset and goes on from there.
      runtime.upload.start();
      return;
    }

    const upload = this.#createUpload(key, runtime.file);
    runtime.upload = upload;
    try {
      const previous = await upload.findPreviousUploads();
      const inUse = this.#urlsInUse(key);
      const candidate = previous
        .filter((p) => p.uploadUrl && !inUse.has(p.uploadUrl))
        .sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
      if (candidate) {
        upload.resumeFromPreviousUpload(candidate);
        this.#unfinished = this.#unfinished.filter((u) => u.storageKey !== candidate.urlStorageKey);
        this.#update(key, { resumed: true });
      }
    } catch {
      // No stored uploads (e.g. storage disabled): start afresh.
    }
    if (!stillWanted()) return;
    upload.start();
  }

  #createUpload(key: string, file: File): tus.Upload {
    const item = this.#item(key);
    const kind = item?.kind ?? kindFromFileName(file.name);
    const upload: tus.Upload = new tus.Upload(file, {
      endpoint: endpoint(),
      chunkSize: CHUNK_SIZE,
      retryDelays: RETRY_DELAYS,
      removeFingerprintOnSuccess: true,
      storeFingerprintForResuming: true,
      metadata: { filename: file.name, kind, ...(item?.draftId ? { draftId: item.draftId } : {}) },
      // The token is set here, not in `headers`, so that a renewed token is used from then on.
      onBeforeRequest: async (req) => {
        if (req.getMethod() !== 'HEAD') req.setHeader('x-csrf-token', await getCsrfToken());
      },
      onShouldRetry: (error, _attempt) => {
        const status = statusOf(error);
        if (status === 403 && bodyOf(error).includes('csrf_invalid')) {
          // The token belongs to an older session secret: fetch a new one and try again.
          resetCsrfToken();
          return true;
        }
        if (status >= 400 && status < 500 && status !== 409 && status !== 423) return false;
        // No answer, or a server error: say so while tus waits and tries again.
        if (status === 0 || status >= 500) {
          const current = this.#item(key);
          if (current?.status === 'uploading') {
            this.#update(key, {
              status: 'retrying',
              error: status === 0 ? CONNECTION_LOST : 'The server had a problem — retrying…',
            });
          }
        }
        return true;
      },
      onUploadUrlAvailable: () => {
        const assetId = upload.url ? assetIdFromUrl(upload.url) : null;
        const current = this.#item(key);
        if (!assetId || !current || current.assetId === assetId) return;
        const updated = this.#update(key, { assetId });
        if (updated) this.#emit({ type: 'created', item: updated, assetId });
      },
      onProgress: (bytesSent) => {
        const runtime = this.#runtime.get(key);
        const current = this.#item(key);
        if (!runtime || !current) return;
        const now = Date.now();
        const wasRetrying = current.status === 'retrying';
        if (!wasRetrying && now - runtime.lastProgress < PROGRESS_INTERVAL_MS) return;
        runtime.lastProgress = now;
        this.#update(key, {
          bytesSent,
          ...(wasRetrying ? { status: 'uploading' as const, error: null } : {}),
        });
      },
      onSuccess: () => {
        const current = this.#item(key);
        if (!current) return;
        const updated = this.#update(key, { status: 'uploaded', bytesSent: current.size, error: null });
        this.#announce({ name: current.name, event: 'uploaded' });
        if (updated?.assetId) {
          this.#emit({ type: 'uploaded', item: updated, assetId: updated.assetId });
          void this.#refreshAsset(updated.assetId);
        }
        this.#pump();
      },
      onError: (error) => this.#failed(key, error),
    });
    return upload;
  }

  #failed(key: string, error: unknown): void {
    const current = this.#item(key);
    if (!current || current.status === 'paused') return;
    const status = statusOf(error);
    const isHttp = error instanceof tus.DetailedError && error.originalRequest !== null;
    if (isHttp && (status === 0 || status === 423)) {
      // No answer after all of tus's retries: keep trying, more slowly, until the user pauses or cancels.
      this.#waitForNetwork(key);
      return;
    }
    if (status === 401) reportUnauthenticated();
    const reason = isHttp
      ? serverMessage(status, bodyOf(error))
      : `The upload stopped: ${error instanceof Error ? error.message : String(error)}`;
    // A refusal (too large, not allowed, unknown kind) stays a refusal; other failures may pass later.
    const retryable = !isHttp || !(status >= 400 && status < 500) || status === 408 || status === 429;
    const updated = this.#update(key, { status: 'failed', error: reason, retryable });
    this.#announce({ name: current.name, event: 'failed', reason });
    if (updated) this.#emit({ type: 'failed', item: updated, reason });
    this.#pump();
  }

  #waitForNetwork(key: string): void {
    const runtime = this.#runtime.get(key);
    if (!runtime) return;
    clearTimeout(runtime.reconnectTimer);
    this.#update(key, { status: 'retrying', error: CONNECTION_LOST });
    runtime.reconnectTimer = setTimeout(() => this.#restart(key), RECONNECT_MS);
  }

  #restart(key: string): void {
    const runtime = this.#runtime.get(key);
    if (!runtime || this.#item(key)?.status !== 'retrying') return;
    clearTimeout(runtime.reconnectTimer);
    runtime.reconnectTimer = undefined;
    this.#update(key, { status: 'uploading' });
    void this.#start(key);
  }

  #reconnectNow(): void {
    for (const item of this.#items) {
      const runtime = this.#runtime.get(item.key);
      if (item.status === 'retrying' && runtime?.reconnectTimer !== undefined) this.#restart(item.key);
    }
  }

  // ---- the assets' state on the server ----

  #watched(): UploadItem[] {
    return this.#items.filter((item) => item.assetId && (!item.asset || !isSettled(item.asset)));
  }

  /** Listens to live events while some asset is not settled; polls while they are paused. */
  #syncLive(): void {
    const needed = this.#watched().length > 0;
    if (needed && !this.#stopLive) {
      this.#stopLive = subscribeLiveEvents((event) => {
        if (event.type === 'asset') this.#assetChanged(event.data);
      });
      this.#stopLiveStatus = subscribeLiveStatus(() => this.#syncPolling());
    } else if (!needed && this.#stopLive) {
      this.#stopLive();
      this.#stopLive = null;
      this.#stopLiveStatus?.();
      this.#stopLiveStatus = null;
    }
    this.#syncPolling();
  }

  #syncPolling(): void {
    const poll = this.#stopLive !== null && getLiveStatus() === 'paused';
    if (poll && this.#pollTimer === undefined) {
      this.#pollTimer = setInterval(() => {
        for (const item of this.#watched()) {
          if (item.status === 'uploaded' && item.assetId) void this.#refreshAsset(item.assetId);
        }
      }, POLL_MS);
    } else if (!poll && this.#pollTimer !== undefined) {
      clearInterval(this.#pollTimer);
      this.#pollTimer = undefined;
    }
  }

  async #refreshAsset(assetId: string): Promise<void> {
    try {
      const { asset } = await assetsApi.get(assetId);
      this.#assetChanged(asset, true);
    } catch {
      // Live events or the next poll will tell.
    }
  }

  /** `fetched`: from a request, which may be older than the live events already applied. */
  #assetChanged(incoming: AssetView, fetched = false): void {
    for (const item of this.#items.filter((i) => i.assetId === incoming.id)) {
      const before = item.asset;
      const asset = fetched ? furtherAlong(before, incoming) : incoming;
      if (asset === before) continue;
      const updated = this.#update(item.key, { asset });
      if (!updated) continue;
      this.#emit({ type: 'asset', item: updated, asset });
      if (before?.state === asset.state) continue;
      if (asset.state === 'failed') {
        this.#announce({
          name: item.name,
          event: 'failed',
          reason: asset.reason ?? 'the file could not be processed.',
        });
      } else if (asset.state === 'ready') {
        this.#announce({ name: item.name, event: 'ready' });
      }
    }
  }

  // ---- uploads left unfinished by an earlier page load ----

  async loadUnfinished(): Promise<void> {
    const generation = this.#generation;
    const storage = tus.defaultOptions.urlStorage;
    let stored: tus.PreviousUpload[];
    try {
      stored = await storage.findAllUploads();
    } catch {
      return;
    }
    const prefix = `${endpoint()}/`;
    const found: UnfinishedUpload[] = [];
    for (const entry of stored) {
      if (!entry.uploadUrl?.startsWith(prefix)) continue;
      const assetId = assetIdFromUrl(entry.uploadUrl);
      if (!assetId) continue;
      const offset = await this.#serverOffset(entry.uploadUrl);
      if (offset === 'gone') {
        await storage.removeUpload(entry.urlStorageKey).catch(() => {});
        continue;
      }
      found.push({
        storageKey: entry.urlStorageKey,
        uploadUrl: entry.uploadUrl,
        assetId,
        name: entry.metadata?.filename ?? 'Unnamed file',
        size: entry.size,
        offset,
        createdAt: entry.creationTime,
        discarding: false,
      });
    }
    if (generation !== this.#generation) return;
    // Some may have been resumed meanwhile.
    const inUse = this.#urlsInUse('');
    this.#unfinished = found
      .filter((u) => !inUse.has(u.uploadUrl))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.#changed();
  }

  /** The bytes the server has; 'gone' when the upload no longer exists or is complete. */
  async #serverOffset(url: string): Promise<number | null | 'gone'> {
    try {
      const response = await fetch(url, {
        method: 'HEAD',
        headers: { 'tus-resumable': '1.0.0' },
        credentials: 'same-origin',
      });
      if (response.status >= 400 && response.status < 500) return 'gone';
      if (!response.ok) return null;
      const offset = Number.parseInt(response.headers.get('upload-offset') ?? '', 10);
      const length = Number.parseInt(response.headers.get('upload-length') ?? '', 10);
      if (Number.isFinite(offset) && Number.isFinite(length) && offset >= length) return 'gone';
      return Number.isFinite(offset) ? offset : null;
    } catch {
      return null;
    }
  }

  /** Deletes an unfinished upload (and its asset) on the server and forgets it here. */
  async discardUnfinished(storageKey: string): Promise<void> {
    const entry = this.#unfinished.find((u) => u.storageKey === storageKey);
    if (!entry || entry.discarding) return;
    const setDiscarding = (discarding: boolean) => {
      this.#unfinished = this.#unfinished.map((u) => (u.storageKey === storageKey ? { ...u, discarding } : u));
      this.#changed();
    };
    setDiscarding(true);
    try {
      await tus.Upload.terminate(entry.uploadUrl, {
        retryDelays: [0, 1000, 3000],
        onBeforeRequest: async (req) => {
          req.setHeader('x-csrf-token', await getCsrfToken());
        },
      });
    } catch (error) {
      const status = statusOf(error);
      // Already gone (404/410), or finished (the asset then stays, like any uploaded file).
      if (status !== 404 && status !== 410 && status !== 400) {
        setDiscarding(false);
        throw new Error(serverMessage(status, bodyOf(error)));
      }
    }
    await tus.defaultOptions.urlStorage.removeUpload(storageKey).catch(() => {});
    this.#unfinished = this.#unfinished.filter((u) => u.storageKey !== storageKey);
    this.#changed();
  }
}
