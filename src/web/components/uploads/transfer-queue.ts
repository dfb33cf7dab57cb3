// The transfers of this tab's uploads: at most MAX_PARALLEL files at a time, paused, resumed and
// cancelled by the user, tried again (more slowly) after the transport gave up on a lost
// connection, and the uploads an earlier page load left unfinished, offered for resuming. The
// bytes go through a Transport (tus in the browser, tus-transport.ts; a fake one in the tests) and
// time through injected Timers, so these rules are tested without a browser or a server.
import { kindFromFileName } from '../../../shared/assets.ts';
import { systemTimers, type Timers } from '../../timers.ts';
import {
  type FileLike,
  findUnfinished,
  forgetStoredOf,
  type QueueEvent,
  type Transfer,
  type TransferEvents,
  type TransferFailure,
  type TransferItem,
  type Transport,
  type UnfinishedUpload,
} from './transfer-types.ts';

export type * from './transfer-types.ts';

export const MAX_PARALLEL = 3;
/** After the transport gave up on a lost connection, try again this late (or as soon as the browser is online). */
export const RECONNECT_MS = 20_000;
/** Progress updates reach the screen at most this often per file. */
export const PROGRESS_INTERVAL_MS = 200;

export const CONNECTION_LOST = 'Connection lost — retrying…';
export const SERVER_TROUBLE = 'The server had a problem — retrying…';

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
      await forgetStoredOf(this.#transport, assetIds);
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
    let found: UnfinishedUpload[];
    try {
      found = await findUnfinished(this.#transport);
    } catch {
      return;
    }
    if (generation !== this.#generation) return;
    // Some may have been resumed meanwhile.
    const inUse = this.#urlsInUse('');
    this.#setUnfinished(found.filter((u) => !inUse.has(u.uploadUrl)));
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
