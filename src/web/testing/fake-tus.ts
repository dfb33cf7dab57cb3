// A fake tus server and transport for the upload tests: files are sent in chunks of CHUNK bytes,
// one per CHUNK_MS of the fake clock; the server keeps every upload's offset, and the "browser's"
// storage of unfinished uploads outlives a reload (a new queue on the same storage).
import type { StoredUpload, Transfer, TransferEvents, Transport } from '../components/uploads/transfer-types.ts';
import type { FakeClock } from './fake-clock.ts';

export const CHUNK = 100;
export const CHUNK_MS = 100;
/** The transport's own retries before it gives up on a lost connection (as tus's retryDelays). */
export const RETRY_DELAYS = [1000, 3000];

export interface FakeFile {
  name: string;
  size: number;
}

interface ServerUpload {
  assetId: string;
  length: number;
  offset: number;
}

export class FakeServer {
  uploads = new Map<string, ServerUpload>();
  /** Chunks received: which upload, from which byte. */
  patches: { url: string; from: number }[] = [];
  offline = false;
  /** File names the server refuses when the upload is created (as a disallowed kind or too large). */
  refused = new Set<string>();
  deletedAssets: string[] = [];
  #next = 1;

  create(length: number): string {
    const assetId = `asset-${this.#next++}`;
    const url = `/api/uploads/${assetId}`;
    this.uploads.set(url, { assetId, length, offset: 0 });
    return url;
  }
}

/** The browser's storage of unfinished uploads (tus's URL storage in localStorage). */
export class FakeStorage {
  entries: StoredUpload[] = [];
  #next = 1;
  add(entry: Omit<StoredUpload, 'storageKey'>): void {
    this.entries.push({ ...entry, storageKey: `tus::${this.#next++}` });
  }
  removeUrl(url: string): void {
    this.entries = this.entries.filter((e) => e.uploadUrl !== url);
  }
}

export class FakeTransfer implements Transfer {
  url: string | null = null;
  #run = 0;
  #attempt = 0;
  #timer: unknown;
  /** tus asks for the offset (HEAD) when it goes on with an existing upload, and names its address again. */
  #head = false;
  readonly transport: FakeTransport;
  readonly file: FakeFile;
  readonly events: TransferEvents;
  constructor(transport: FakeTransport, file: FakeFile, events: TransferEvents) {
    this.transport = transport;
    this.file = file;
    this.events = events;
  }

  async resumeStored(inUse: ReadonlySet<string>): Promise<StoredUpload | null> {
    // tus finds it by the file's fingerprint (name, size, …).
    const entry = this.transport.storage.entries.find(
      (e) => e.name === this.file.name && e.size === this.file.size && !inUse.has(e.uploadUrl),
    );
    if (!entry) return null;
    this.url = entry.uploadUrl;
    return entry;
  }

  start(): void {
    this.#run += 1;
    this.#attempt = 0;
    this.#head = true;
    this.#schedule(this.#run, CHUNK_MS);
  }

  async abort(terminate: boolean): Promise<void> {
    this.#run += 1;
    this.transport.clock.clearTimeout(this.#timer);
    if (terminate && this.url) await this.transport.terminate(this.url);
  }

  #schedule(run: number, ms: number): void {
    this.#timer = this.transport.clock.setTimeout(() => this.#step(run), ms);
  }

  #step(run: number): void {
    if (run !== this.#run) return;
    const { server, storage } = this.transport;
    if (server.offline) {
      this.#attempt += 1;
      const delay = RETRY_DELAYS[this.#attempt - 1];
      if (delay === undefined) {
        this.events.onError({ kind: 'offline' });
        return;
      }
      this.events.onRetrying('network');
      this.#schedule(run, delay);
      return;
    }
    this.#attempt = 0;
    if (!this.url) {
      if (server.refused.has(this.file.name)) {
        this.events.onError({ kind: 'refused', message: 'Files of this kind are not allowed.', retryable: false });
        return;
      }
      this.url = server.create(this.file.size);
      const assetId = server.uploads.get(this.url)?.assetId ?? '';
      storage.add({ uploadUrl: this.url, assetId, name: this.file.name, size: this.file.size, createdAt: '2026-12-05' });
      this.events.onCreated(assetId);
    } else {
      const upload = server.uploads.get(this.url);
      if (!upload) {
        this.events.onError({ kind: 'refused', message: 'The server no longer has this upload.', retryable: false });
        return;
      }
      if (this.#head) {
        this.#head = false;
        this.events.onCreated(upload.assetId);
      }
      server.patches.push({ url: this.url, from: upload.offset });
      upload.offset = Math.min(upload.length, upload.offset + CHUNK);
      this.events.onProgress(upload.offset);
      if (upload.offset === upload.length) {
        storage.removeUrl(this.url);
        this.events.onSuccess();
        return;
      }
    }
    this.#schedule(run, CHUNK_MS);
  }
}

export class FakeTransport implements Transport<FakeFile> {
  readonly server: FakeServer;
  readonly storage: FakeStorage;
  readonly clock: FakeClock;
  constructor(server: FakeServer, storage: FakeStorage, clock: FakeClock) {
    this.server = server;
    this.storage = storage;
    this.clock = clock;
  }
  prepare = async () => {
    if (this.server.offline) throw new Error('offline');
  };
  create = (file: FakeFile, _meta: unknown, events: TransferEvents) => new FakeTransfer(this, file, events);
  stored = async () => [...this.storage.entries];
  forgetStored = async (storageKey: string) => {
    this.storage.entries = this.storage.entries.filter((e) => e.storageKey !== storageKey);
  };
  serverOffset = async (url: string) => {
    if (this.server.offline) return null;
    const upload = this.server.uploads.get(url);
    return !upload || upload.offset === upload.length ? ('gone' as const) : upload.offset;
  };
  terminate = async (url: string) => {
    if (this.server.offline) throw new Error('Could not reach the server.');
    this.server.uploads.delete(url);
    this.storage.removeUrl(url);
  };
  removeAsset = async (assetId: string) => {
    this.server.deletedAssets.push(assetId);
  };
}
