// The transfers of this tab's uploads: at most MAX_PARALLEL files at a time, paused, resumed and
// cancelled by the user, tried again (more slowly) after the transport gave up on a lost
// connection, and the uploads an earlier page load left unfinished, offered for resuming. The
// bytes go through a Transport (tus in the browser, tus-transport.ts; a fake one in the tests) and
// time through injected Timers, so these rules are tested without a browser or a server.
import { type AssetKind, kindFromFileName } from '../../../shared/assets.ts';
import { systemTimers, type Timers } from '../../timers.ts';

export const MAX_PARALLEL = 3;
/** After the transport gave up on a lost connection, try again this late (or as soon as the browser is online). */
export const RECONNECT_MS = 20_000;
/** Progress updates reach the screen at most this often per file. */
export const PROGRESS_INTERVAL_MS = 200;

export const CONNECTION_LOST = 'Connection lost — retrying…';
export const SERVER_TROUBLE = 'The server had a problem — retrying…';

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

export type QueueEvent =
  | { type: 'created'; item: TransferItem; assetId: string }
  | { type: 'uploaded'; item: TransferItem }
  | { type: 'failed'; item: TransferItem; reason: string }
  /** `deleted`: cancelled, so the file is gone from the server too; otherwise only the row left. */
  | { type: 'removed'; item: TransferItem; deleted: boolean };

export interface TransferQueueOptions<F extends FileLike> {
  transport: Transport<F>;
  timers?: Timers;
  /** The items or the unfinished uploads changed. */
  onChange?: () => void;
  onEvent?: (event: QueueEvent) => void;
  maxParallel?: number;
  reconnectMs?: number;
}

interface Runtime<F> {
  file: F;
  transfer: Transfer | null;
  reconnectTimer: unknown;
  lastProgress: number;
}

export class TransferQueue<F extends FileLike> {
  #items: TransferItem[] = [];
  #unfinished: UnfinishedUpload[] = [];
  #runtime = new Map<string, Runtime<F>>();
  #generation = 0;
  #nextKey = 1;
  readonly #transport: Transport<F>;
  readonly #timers: Timers;
  readonly #onChange: () => void;
  readonly #onEvent: (event: QueueEvent) => void;
  readonly #maxParallel: number;
  readonly #reconnectMs: number;

  constructor(options: TransferQueueOptions<F>) {
    this.#transport = options.transport;
    this.#timers = options.timers ?? systemTimers;
    this.#onChange = options.onChange ?? (() => {});
    this.#onEvent = options.onEvent ?? (() => {});
    this.#maxParallel = options.maxParallel ?? MAX_PARALLEL;
    this.#reconnectMs = options.reconnectMs ?? RECONNECT_MS;
  }

  get items(): readonly TransferItem[] {
    return this.#items;
  }

  get unfinished(): readonly UnfinishedUpload[] {
    return this.#unfinished;
  }

  #item(key: string): TransferItem | undefined {
    return this.#items.find((item) => item.key === key);
  }

  #update(key: string, patch: Partial<TransferItem>): TransferItem | undefined {
    let updated: TransferItem | undefined;
    this.#items = this.#items.map((item) => {
      if (item.key !== key) return item;
      updated = { ...item, ...patch };
      return updated;
    });
    if (updated) this.#onChange();
    return updated;
  }

  #setUnfinished(unfinished: UnfinishedUpload[]): void {
    this.#unfinished = unfinished;
    this.#onChange();
  }

  #stop(runtime: Runtime<F> | undefined): Promise<void> {
    if (!runtime) return Promise.resolve();
    this.#timers.clearTimeout(runtime.reconnectTimer);
    runtime.reconnectTimer = undefined;
    return runtime.transfer?.abort(false).catch(() => {}) ?? Promise.resolve();
  }

  #remove(key: string, deleted: boolean): void {
    const item = this.#item(key);
    if (!item) return;
    this.#runtime.delete(key);
    this.#items = this.#items.filter((i) => i.key !== key);
    this.#onChange();
    this.#onEvent({ type: 'removed', item, deleted });
  }

  // ---- what the user does ----

  add(files: Iterable<F>, scope: string, options: { draftId?: string | null } = {}): TransferItem[] {
    const added: TransferItem[] = [];
    for (const file of files) {
      const item: TransferItem = {
        key: `upload-${this.#nextKey++}`,
        scope,
        draftId: options.draftId ?? null,
        name: file.name,
        size: file.size,
        kind: kindFromFileName(file.name),
        status: 'queued',
        bytesSent: 0,
        assetId: null,
        error: null,
        retryable: true,
        resumed: false,
        cancelling: false,
      };
      this.#runtime.set(item.key, { file, transfer: null, reconnectTimer: undefined, lastProgress: 0 });
      added.push(item);
    }
    if (added.length === 0) return added;
    this.#items = [...this.#items, ...added];
    this.#onChange();
    this.#pump();
    return added;
  }

  pause(key: string): void {
    const item = this.#item(key);
    const runtime = this.#runtime.get(key);
    if (!item || !runtime) return;
    if (item.status !== 'queued' && item.status !== 'uploading' && item.status !== 'retrying') return;
    void this.#stop(runtime);
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
    if (!item || !runtime || item.cancelling || item.status === 'uploaded') return;
    this.#update(key, { cancelling: true });
    this.#timers.clearTimeout(runtime.reconnectTimer);
    runtime.reconnectTimer = undefined;
    const transfer = runtime.transfer;
    try {
      // Terminating the upload on the server deletes its asset.
      await transfer?.abort(transfer.url !== null);
    } catch {
      // The server may already have finished or dropped it: delete the asset instead.
      const assetId = this.#item(key)?.assetId;
      if (assetId) {
        try {
          await this.#transport.removeAsset(assetId);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          this.#update(key, { cancelling: false, status: 'failed', error: `Could not cancel: ${reason}` });
          return;
        }
      }
    }
    this.#remove(key, true);
    this.#pump();
  }

  /** Takes a finished or failed row off the list (the file stays on the server). */
  dismiss(key: string): void {
    const item = this.#item(key);
    if (!item || (item.status !== 'uploaded' && item.status !== 'failed')) return;
    this.#remove(key, false);
  }

  /** Removes the rows `done` picks among the uploaded ones of one uploader. */
  clearFinished(scope: string, done: (item: TransferItem) => boolean = () => true): void {
    const finished = this.#items.filter((item) => item.scope === scope && item.status === 'uploaded' && done(item));
    for (const item of finished) this.#remove(item.key, false);
  }

  /** The asset was deleted elsewhere: stop its upload, drop its row. */
  forgetAsset(assetId: string): void {
    for (const item of this.#items.filter((i) => i.assetId === assetId)) {
      void this.#stop(this.#runtime.get(item.key));
      this.#remove(item.key, false);
    }
    this.#pump();
  }

  /**
   * The draft was cancelled: its uploads stop at once and leave the list. The server deletes what
   * they sent (cancelling a draft purges its uploads), so nothing is terminated from here, and they
   * are no longer offered for resuming.
   */
  async abortDraft(draftId: string): Promise<void> {
    const assetIds = new Set<string>();
    for (const item of this.#items.filter((i) => i.draftId === draftId)) {
      await this.#stop(this.#runtime.get(item.key));
      if (item.assetId) assetIds.add(item.assetId);
      this.#remove(item.key, false);
    }
    if (assetIds.size > 0) {
      try {
        for (const entry of await this.#transport.stored()) {
          if (assetIds.has(entry.assetId)) await this.#transport.forgetStored(entry.storageKey);
        }
      } catch {
        // No storage: loading the unfinished uploads later finds them gone on the server.
      }
      if (this.#unfinished.some((u) => assetIds.has(u.assetId))) {
        this.#setUnfinished(this.#unfinished.filter((u) => !assetIds.has(u.assetId)));
      }
    }
    this.#pump();
  }

  /** Stops every upload (they stay resumable) and forgets the rows. */
  reset(): void {
    this.#generation += 1;
    for (const runtime of this.#runtime.values()) void this.#stop(runtime);
    this.#runtime.clear();
    this.#items = [];
    this.#unfinished = [];
    this.#onChange();
  }

  /** The browser is online again: the uploads waiting for the network try now. */
  reconnectNow(): void {
    for (const item of this.#items) {
      if (item.status === 'retrying' && this.#runtime.get(item.key)?.reconnectTimer !== undefined) {
        this.#restart(item.key);
      }
    }
  }

  // ---- the queue ----

  #pump(): void {
    let inFlight = this.#items.filter((item) => item.status === 'uploading' || item.status === 'retrying').length;
    for (const item of this.#items) {
      if (inFlight >= this.#maxParallel) break;
      if (item.status !== 'queued') continue;
      inFlight += 1;
      this.#update(item.key, { status: 'uploading', error: null });
      void this.#start(item.key);
    }
  }

  #urlsInUse(exceptKey: string): Set<string> {
    const urls = new Set<string>();
    for (const [key, runtime] of this.#runtime) {
      if (key !== exceptKey && runtime.transfer?.url) urls.add(runtime.transfer.url);
    }
    return urls;
  }

  async #start(key: string): Promise<void> {
    const runtime = this.#runtime.get(key);
    const item = this.#item(key);
    if (!runtime || !item) return;
    const generation = this.#generation;
    const stillWanted = () => this.#generation === generation && this.#item(key)?.status === 'uploading';

    try {
      await this.#transport.prepare();
    } catch {
      if (stillWanted()) this.#waitForNetwork(key);
      return;
    }
    if (!stillWanted()) return;

    if (runtime.transfer) {
      // Paused or dropped before: the transport asks the server for its offset and goes on from there.
      runtime.transfer.start();
      return;
    }
    const transfer = this.#transport.create(runtime.file, { kind: item.kind, draftId: item.draftId }, this.#events(key));
    runtime.transfer = transfer;
    const previous = await transfer.resumeStored(this.#urlsInUse(key)).catch(() => null);
    if (previous) {
      this.#unfinished = this.#unfinished.filter((u) => u.storageKey !== previous.storageKey);
      this.#update(key, { resumed: true });
    }
    if (!stillWanted()) return;
    transfer.start();
  }

  #events(key: string): TransferEvents {
    return {
      onCreated: (assetId) => {
        const current = this.#item(key);
        if (!current || current.assetId === assetId) return;
        const updated = this.#update(key, { assetId });
        if (updated) this.#onEvent({ type: 'created', item: updated, assetId });
      },
      onProgress: (bytesSent) => {
        const runtime = this.#runtime.get(key);
        const current = this.#item(key);
        if (!runtime || !current || current.status === 'paused') return;
        const now = this.#timers.now();
        const wasRetrying = current.status === 'retrying';
        if (!wasRetrying && now - runtime.lastProgress < PROGRESS_INTERVAL_MS) return;
        runtime.lastProgress = now;
        this.#update(key, { bytesSent, ...(wasRetrying ? { status: 'uploading' as const, error: null } : {}) });
      },
      onRetrying: (cause) => {
        if (this.#item(key)?.status !== 'uploading') return;
        this.#update(key, { status: 'retrying', error: cause === 'network' ? CONNECTION_LOST : SERVER_TROUBLE });
      },
      onSuccess: () => {
        const current = this.#item(key);
        if (!current) return;
        const updated = this.#update(key, { status: 'uploaded', bytesSent: current.size, error: null });
        if (updated) this.#onEvent({ type: 'uploaded', item: updated });
        this.#pump();
      },
      onError: (failure) => this.#failed(key, failure),
    };
  }

  #failed(key: string, failure: TransferFailure): void {
    const current = this.#item(key);
    if (!current || current.status === 'paused') return;
    if (failure.kind === 'offline') {
      // No answer after all of the transport's retries: keep trying, more slowly, until paused or cancelled.
      this.#waitForNetwork(key);
      return;
    }
    const updated = this.#update(key, { status: 'failed', error: failure.message, retryable: failure.retryable });
    if (updated) this.#onEvent({ type: 'failed', item: updated, reason: failure.message });
    this.#pump();
  }

  #waitForNetwork(key: string): void {
    const runtime = this.#runtime.get(key);
    if (!runtime) return;
    this.#timers.clearTimeout(runtime.reconnectTimer);
    this.#update(key, { status: 'retrying', error: CONNECTION_LOST });
    runtime.reconnectTimer = this.#timers.setTimeout(() => this.#restart(key), this.#reconnectMs);
  }

  #restart(key: string): void {
    const runtime = this.#runtime.get(key);
    if (!runtime || this.#item(key)?.status !== 'retrying') return;
    this.#timers.clearTimeout(runtime.reconnectTimer);
    runtime.reconnectTimer = undefined;
    this.#update(key, { status: 'uploading' });
    void this.#start(key);
  }

  // ---- uploads left unfinished by an earlier page load ----

  async loadUnfinished(): Promise<void> {
    const generation = this.#generation;
    let stored: StoredUpload[];
    try {
      stored = await this.#transport.stored();
    } catch {
      return;
    }
    const found: UnfinishedUpload[] = [];
    for (const entry of stored) {
      const offset = await this.#transport.serverOffset(entry.uploadUrl);
      if (offset === 'gone') {
        await this.#transport.forgetStored(entry.storageKey).catch(() => {});
        continue;
      }
      found.push({ ...entry, offset, discarding: false });
    }
    if (generation !== this.#generation) return;
    // Some may have been resumed meanwhile.
    const inUse = this.#urlsInUse('');
    this.#setUnfinished(
      found.filter((u) => !inUse.has(u.uploadUrl)).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    );
  }

  /** Deletes an unfinished upload (and its asset) on the server and forgets it here. */
  async discardUnfinished(storageKey: string): Promise<void> {
    const entry = this.#unfinished.find((u) => u.storageKey === storageKey);
    if (!entry || entry.discarding) return;
    const setDiscarding = (discarding: boolean) =>
      this.#setUnfinished(this.#unfinished.map((u) => (u.storageKey === storageKey ? { ...u, discarding } : u)));
    setDiscarding(true);
    try {
      await this.#transport.terminate(entry.uploadUrl);
    } catch (error) {
      setDiscarding(false);
      throw error;
    }
    await this.#transport.forgetStored(storageKey).catch(() => {});
    this.#setUnfinished(this.#unfinished.filter((u) => u.storageKey !== storageKey));
  }
}
