// Follows what the server makes of each uploaded file (processing, ready, failed) until it
// settles: live `asset` events while any watched asset is unsettled, a request once its upload
// finished, and polling while the event stream is down. The stream, the request and the clock are
// passed in, so the rules are tested without a browser (asset-watcher.test.ts).
import type { AssetView } from '../../../shared/assets.ts';
import { furtherAlong, isSettled } from '../../assets-api.ts';
import { systemTimers, type Timers } from '../../timers.ts';

/** How often the assets are asked for while live updates are paused. */
export const POLL_MS = 5_000;

/** The event stream, as far as assets go. */
export interface LiveAssets {
  /** Calls `listener` with every asset event until the returned function is called. */
  subscribe(listener: (asset: AssetView) => void): () => void;
  /** Calls `notify` whenever the stream's status changes. */
  subscribeStatus(notify: () => void): () => void;
  /** The stream is down (events may be missed). */
  paused(): boolean;
}

export interface AssetWatcherOptions {
  live: LiveAssets;
  /** Asks the server for an asset's state. */
  fetchAsset(assetId: string): Promise<AssetView>;
  /** An asset's known state changed (`before`: the previous one, null the first time). */
  onChange(asset: AssetView, before: AssetView | null): void;
  timers?: Timers;
  pollMs?: number;
}

export class AssetWatcher {
  /** Watched assets and their last known state (null: none yet). */
  #assets = new Map<string, AssetView | null>();
  /** Watched assets whose upload finished: the server can describe them. */
  #uploaded = new Set<string>();
  #stopLive: (() => void) | null = null;
  #stopStatus: (() => void) | null = null;
  #pollTimer: unknown;
  readonly #options: AssetWatcherOptions;
  readonly #timers: Timers;

  constructor(options: AssetWatcherOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
  }

  /** The last known state of a watched asset. */
  get(assetId: string): AssetView | null {
    return this.#assets.get(assetId) ?? null;
  }

  /** Whether the live stream is being listened to (some watched asset is not settled). */
  get listening(): boolean {
    return this.#stopLive !== null;
  }

  /** Follows the asset's changes from now on (its upload was created). */
  watch(assetId: string): void {
    if (this.#assets.has(assetId)) return;
    this.#assets.set(assetId, null);
    this.#sync();
  }

  /** Its upload finished: asks the server at once, and while live updates are paused, again and again. */
  uploaded(assetId: string): void {
    this.watch(assetId);
    this.#uploaded.add(assetId);
    void this.#refresh(assetId);
  }

  unwatch(assetId: string): void {
    this.#assets.delete(assetId);
    this.#uploaded.delete(assetId);
    this.#sync();
  }

  clear(): void {
    this.#assets.clear();
    this.#uploaded.clear();
    this.#sync();
  }

  #unsettled(): string[] {
    return [...this.#assets].filter(([, asset]) => !asset || !isSettled(asset)).map(([id]) => id);
  }

  /** Listens to live events while some asset is not settled; polls while they are paused. */
  #sync(): void {
    const needed = this.#unsettled().length > 0;
    if (needed && !this.#stopLive) {
      this.#stopLive = this.#options.live.subscribe((asset) => this.#apply(asset, false));
      this.#stopStatus = this.#options.live.subscribeStatus(() => this.#syncPolling());
    } else if (!needed && this.#stopLive) {
      this.#stopLive();
      this.#stopLive = null;
      this.#stopStatus?.();
      this.#stopStatus = null;
    }
    this.#syncPolling();
  }

  #syncPolling(): void {
    const poll = this.#stopLive !== null && this.#options.live.paused();
    if (poll && this.#pollTimer === undefined) {
      this.#pollTimer = this.#timers.setTimeout(() => this.#poll(), this.#options.pollMs ?? POLL_MS);
    } else if (!poll && this.#pollTimer !== undefined) {
      this.#timers.clearTimeout(this.#pollTimer);
      this.#pollTimer = undefined;
    }
  }

  #poll(): void {
    this.#pollTimer = undefined;
    for (const assetId of this.#unsettled()) {
      if (this.#uploaded.has(assetId)) void this.#refresh(assetId);
    }
    this.#syncPolling();
  }

  async #refresh(assetId: string): Promise<void> {
    try {
      this.#apply(await this.#options.fetchAsset(assetId), true);
    } catch {
      // Live events or the next poll will tell.
    }
  }

  /** `fetched`: from a request, which may be older than the live events already applied. */
  #apply(incoming: AssetView, fetched: boolean): void {
    if (!this.#assets.has(incoming.id)) return;
    const before = this.#assets.get(incoming.id) ?? null;
    const asset = fetched ? furtherAlong(before, incoming) : incoming;
    if (asset === before) return;
    this.#assets.set(incoming.id, asset);
    this.#options.onChange(asset, before);
    this.#sync();
  }
}
