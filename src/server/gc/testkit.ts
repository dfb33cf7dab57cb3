// A real Lectern (either database, either blob store) with a collector at zero grace working in a
// private temp folder, and the helpers the collector's tests share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DraftView } from '../../shared/drafts.ts';
import type { StoredObject } from '../storage/blob-store.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import type { Dialect } from '../testing/databases.ts';
import { type LocalS3, startLocalS3 } from '../testing/s3.ts';
import { tusUpload } from '../testing/tus.ts';
import { waitFor } from '../testing/wait.ts';
import { createBlobDeletion } from '../blobs/deletion.ts';
import { createGcRepository } from './repository.ts';
import { DAY_MS, type GcPolicy, zeroGracePolicy } from './rules.ts';
import { createGcService, type GcService } from './service.ts';

export type StoreKind = 'disk' | 's3';
export const TEST_STORES: StoreKind[] = (process.env.TEST_STORES ?? 'disk,s3')
  .split(',')
  .filter((s): s is StoreKind => s === 'disk' || s === 's3');

export interface GcHarness {
  app: TestApp;
  admin: TestClient;
  author: TestClient;
  authorId: string;
  base: string;
  /** At zero grace: takes whatever is unreferenced the moment it runs. */
  gc: GcService;
  tempRoot: string;
  upload(content: Buffer, options?: { draftId?: string; name?: string }): Promise<string>;
  /** Until the asset is ready or failed (or gone). */
  settled(assetId: string): Promise<void>;
  newDraft(): Promise<DraftView>;
  storedKeys(): Promise<Map<string, StoredObject>>;
  close(): Promise<void>;
}

export async function startGcHarness(
  dialect: Dialect,
  store: StoreKind,
  options: { workers?: boolean; policy?: GcPolicy } = {},
): Promise<GcHarness> {
  const s3: LocalS3 | null = store === 's3' ? await startLocalS3() : null;
  const app = await createTestApp(dialect, s3 ? s3.env('blobs') : {});
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const admin = await setUpAdmin(app);
  const { client: author, id: authorId } = await createSignedInUser(app, admin, 'author');
  if (options.workers !== false) await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
  const tempRoot = mkdtempSync(path.join(tmpdir(), 'lectern-gc-tmp-'));
  const { runtime } = app;
  const gc = createGcService({
    repo: createGcRepository(app.db, dialect),
    blobStore: runtime.blobStore,
    blobs: createBlobDeletion({ db: app.db, blobStore: runtime.blobStore }),
    uploads: runtime.uploads,
    cancelAssetWork: async (assetId) => {
      for (const job of ['assets.ingest', 'assets.process', 'assets.process-media'] as const)
        await runtime.queue.cancelByKey(job, assetId);
    },
    policy: options.policy ?? zeroGracePolicy(),
    tempRoot,
    unfinishedUploadMaxAgeMs: 7 * DAY_MS,
    pageSize: 7,
  });

  return {
    app,
    admin,
    author,
    authorId,
    base,
    gc,
    tempRoot,
    async upload(content, opts = {}) {
      const { assetId } = await tusUpload(base, content, {
        cookie: author.cookieHeader(),
        csrf: await author.csrf(),
        filename: opts.name ?? 'notes.bin',
        kind: 'other',
        metadata: opts.draftId ? { draftId: opts.draftId } : {},
      });
      return assetId;
    },
    async settled(assetId) {
      await waitFor(
        async () => {
          const row = await app.db.selectFrom('assets').select('state').where('id', '=', assetId).executeTakeFirst();
          return !row || row.state === 'ready' || row.state === 'failed';
        },
        `asset ${assetId} settled`,
        30_000,
        20,
      );
    },
    async newDraft() {
      const response = await author.post('/api/drafts');
      if (response.statusCode !== 201) throw new Error(`draft: ${response.statusCode} ${response.body}`);
      return response.json().draft as DraftView;
    },
    async storedKeys() {
      const keys = new Map<string, StoredObject>();
      for await (const o of runtime.blobStore.list()) keys.set(o.key, o);
      return keys;
    },
    async close() {
      await app.close();
      await s3?.stop();
      rmSync(tempRoot, { recursive: true, force: true });
    },
  };
}

/** Seeded PRNG (mulberry32): a failing sequence can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
