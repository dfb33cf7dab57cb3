// The uploads of this tab, outside React so that they outlive pages. Two parts: the transfer queue
// (transfer-queue.ts: tus transfers, at most MAX_PARALLEL at a time, pause, resume, cancel, retry,
// resuming after a reload) and the asset watcher (asset-watcher.ts: what the server makes of each
// uploaded file, from live events). This joins them into one list for React (each row with its
// asset), the events the pages listen to, and the screen reader announcements.
import type { AssetView } from '../../../shared/assets.ts';
import { assetsApi, isSettled } from '../../assets-api.ts';
import { systemTimers, type Timers } from '../../timers.ts';
import { Announcer } from './announcer.ts';
import { AssetWatcher, type LiveAssets } from './asset-watcher.ts';
import {
  type QueueEvent,
  type TransferItem,
  TransferQueue,
  type Transport,
  type UnfinishedUpload,
} from './transfer-queue.ts';

export {
  CONNECTION_LOST,
  MAX_PARALLEL,
  type UnfinishedUpload,
  type UploadStatus,
} from './transfer-queue.ts';

export interface UploadItem extends TransferItem {
  /** The asset as the server last described it (live). */
  asset: AssetView | null;
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

export interface UploadManagerOptions {
  /** tus in the browser (tus-transport.ts). */
  transport: Transport<File>;
  /** The tab's event stream (UploadsProvider.tsx). */
  live: LiveAssets;
  /** Asks the server for an asset (e.g. through the query cache). */
  fetchAsset?: (assetId: string) => Promise<AssetView>;
  timers?: Timers;
}

interface Joined {
  from: TransferItem;
  asset: AssetView | null;
  item: UploadItem;
}

export class UploadManager {
  readonly #queue: TransferQueue<File>;
  readonly #watcher: AssetWatcher;
  readonly #announcer: Announcer;
  #snapshot: UploadsSnapshot = { items: [], unfinished: [], announcement: '' };
  /** The rows as last joined, so that an unchanged row stays the same object. */
  #joined = new Map<string, Joined>();
  #listeners = new Set<() => void>();
  #eventListeners = new Set<(event: UploadEvent) => void>();
  #userId: string | null = null;
  /** How many uploaders are on screen (when none, the app shows notifications instead). */
  viewers = 0;

  constructor(options: UploadManagerOptions) {
    const timers = options.timers ?? systemTimers;
    this.#announcer = new Announcer(() => this.#changed(), timers);
    this.#watcher = new AssetWatcher({
      live: options.live,
      fetchAsset: options.fetchAsset ?? (async (id) => (await assetsApi.get(id)).asset),
      onChange: (asset, before) => this.#assetChanged(asset, before),
      timers,
    });
    this.#queue = new TransferQueue<File>({
      transport: options.transport,
      timers,
      onChange: () => this.#changed(),
      onEvent: (event) => this.#queueEvent(event),
    });
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
    const joined = new Map<string, Joined>();
    const items = this.#queue.items.map((from) => {
      const asset = from.assetId ? this.#watcher.get(from.assetId) : null;
      const before = this.#joined.get(from.key);
      const item = before && before.from === from && before.asset === asset ? before.item : { ...from, asset };
      joined.set(from.key, { from, asset, item });
      return item;
    });
    this.#joined = joined;
    this.#snapshot = { items, unfinished: this.#queue.unfinished, announcement: this.#announcer.text };
    for (const listener of [...this.#listeners]) listener();
  }

  #emit(event: UploadEvent): void {
    for (const listener of [...this.#eventListeners]) {
      try {
        listener(event);
      } catch (error) {
        // One failing listener must not keep the event from the others; the error still surfaces.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #row(item: TransferItem): UploadItem {
    return this.#joined.get(item.key)?.item ?? { ...item, asset: item.assetId ? this.#watcher.get(item.assetId) : null };
  }

  #queueEvent(event: QueueEvent): void {
    switch (event.type) {
      case 'created':
        this.#watcher.watch(event.assetId);
        this.#emit({ type: 'created', item: this.#row(event.item), assetId: event.assetId });
        break;
      case 'uploaded': {
        const { item } = event;
        this.#announcer.announce({ name: item.name, event: 'uploaded' });
        if (item.assetId) {
          this.#emit({ type: 'uploaded', item: this.#row(item), assetId: item.assetId });
          this.#watcher.uploaded(item.assetId);
        }
        break;
      }
      case 'failed':
        this.#announcer.announce({ name: event.item.name, event: 'failed', reason: event.reason });
        this.#emit({ type: 'failed', item: this.#row(event.item), reason: event.reason });
        break;
      case 'removed': {
        const { item } = event;
        const row = this.#row(item);
        if (item.assetId && !this.#queue.items.some((i) => i.assetId === item.assetId)) {
          this.#watcher.unwatch(item.assetId);
        }
        if (event.deleted) this.#emit({ type: 'removed', item: row, assetId: item.assetId });
        break;
      }
    }
  }

  #assetChanged(asset: AssetView, before: AssetView | null): void {
    this.#changed();
    for (const item of this.#snapshot.items.filter((i) => i.assetId === asset.id)) {
      this.#emit({ type: 'asset', item, asset });
      if (before?.state === asset.state) continue;
      if (asset.state === 'failed') {
        this.#announcer.announce({
          name: item.name,
          event: 'failed',
          reason: asset.reason ?? 'the file could not be processed.',
        });
      } else if (asset.state === 'ready') {
        this.#announcer.announce({ name: item.name, event: 'ready' });
      }
    }
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
    this.#announcer.reset();
    this.#watcher.clear();
    this.#queue.reset();
  }

  /** The browser is online again: the uploads waiting for the network try now. */
  reconnectNow(): void {
    this.#queue.reconnectNow();
  }

  // ---- adding and controlling uploads ----

  add(files: Iterable<File>, scope: string, options: { draftId?: string } = {}): void {
    this.#queue.add(files, scope, options);
  }

  pause(key: string): void {
    this.#queue.pause(key);
  }

  /** Continues a paused upload, or tries a failed one again. */
  resume(key: string): void {
    this.#queue.resume(key);
  }

  /** Stops the upload and removes it from the server (the asset goes with it), then the row. */
  cancel(key: string): Promise<void> {
    return this.#queue.cancel(key);
  }

  /** Takes a finished or failed row off the list (the file stays on the server: no 'removed' event). */
  dismiss(key: string): void {
    this.#queue.dismiss(key);
  }

  /** Removes the finished rows of one uploader (uploaded, and the server is done with the file). */
  clearFinished(scope: string): void {
    this.#queue.clearFinished(scope, (item) => {
      const asset = item.assetId ? this.#watcher.get(item.assetId) : null;
      return !asset || isSettled(asset);
    });
  }

  /** The asset was deleted elsewhere (e.g. from the files table): stop its upload, drop its row. */
  forgetAsset(assetId: string): void {
    this.#queue.forgetAsset(assetId);
  }

  /** The draft was cancelled: its uploads in this tab stop at once and leave the list (see TransferQueue). */
  abortDraft(draftId: string): Promise<void> {
    return this.#queue.abortDraft(draftId);
  }

  // ---- uploads left unfinished by an earlier page load ----

  loadUnfinished(): Promise<void> {
    return this.#queue.loadUnfinished();
  }

  /** Deletes an unfinished upload (and its asset) on the server and forgets it here. */
  discardUnfinished(storageKey: string): Promise<void> {
    return this.#queue.discardUnfinished(storageKey);
  }
}
