// First start: put the marker at the storage root and remember that we did. Later starts check
// for it: a missing marker means the storage is not the one we wrote to (say, an unmounted disk),
// and the collector must not take its emptiness for garbage.
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { BlobStore } from './blob-store.ts';

const INITIALIZED = 'blob_store_initialized_at';

export type StorageState = { ok: true } | { ok: false; reason: string };

export async function prepareBlobStore(db: Kysely<DB>, store: BlobStore, now = Date.now()): Promise<StorageState> {
  const initialized = await db.selectFrom('app_settings').select('value').where('key', '=', INITIALIZED).executeTakeFirst();
  if (!initialized) {
    await store.ensureMarker();
    await db
      .insertInto('app_settings')
      .values({ key: INITIALIZED, value: String(now), updated_at: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return { ok: true };
  }
  if (await store.hasMarker()) return { ok: true };
  return {
    ok: false,
    reason: `The blob store (${store.description}) has lost its marker file: is the right disk or bucket mounted?`,
  };
}

/** For readiness: the storage answers and still carries its marker. */
export async function checkBlobStore(store: BlobStore): Promise<StorageState> {
  try {
    if (await store.hasMarker()) return { ok: true };
    return { ok: false, reason: `The blob store (${store.description}) has no marker file.` };
  } catch (err) {
    return { ok: false, reason: `The blob store (${store.description}) is unreachable: ${(err as Error).message}` };
  }
}
