// Uploads in scale-out: pieces in object storage, their offsets in PostgreSQL, and a lock
// per upload that any web node can take, so the chunks of one upload may reach different nodes.
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ERRORS, type KvStore, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { DB } from '../db/types.ts';
import type { S3Options } from '../storage/s3.ts';
import { ChunkedObjectStore } from './chunked-store.ts';
import type { UploadStore } from './store.ts';

const UPLOAD_ID = /^[0-9a-f-]{36}$/;

/** Upload records, shared through the database instead of each node's memory. */
export function createDatabaseKvStore<T>(db: Kysely<DB>): KvStore<T> {
  return {
    async get(key) {
      const row = await db.selectFrom('upload_kv').select('value').where('key', '=', key).executeTakeFirst();
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    async set(key, value) {
      const row = { value: JSON.stringify(value), updated_at: Date.now() };
      await db
        .insertInto('upload_kv')
        .values({ key, ...row })
        .onConflict((oc) => oc.column('key').doUpdateSet(row))
        .execute();
    },
    async delete(key) {
      await db.deleteFrom('upload_kv').where('key', '=', key).execute();
    },
  };
}

export function createS3UploadStore(options: S3Options, db: Kysely<DB>, locker?: Locker & { close(): Promise<void> }): UploadStore {
  const datastore = new ChunkedObjectStore(options, createDatabaseKvStore(db));
  return {
    datastore,
    async localPath(uploadId, workDir) {
      if (!UPLOAD_ID.test(uploadId)) return null;
      const file = path.join(workDir, 'upload');
      try {
        await pipeline(await datastore.read(uploadId), createWriteStream(file));
      } catch {
        return null;
      }
      return file;
    },
    async remove(uploadId) {
      if (!UPLOAD_ID.test(uploadId)) return;
      await datastore.remove(uploadId).catch(() => {});
    },
    listPartial: () => datastore.listPartial(),
    locker,
    close: async () => locker?.close(),
  };
}

const RELEASE_CHANNEL = 'lectern_upload_lock_release';
const LOCK_TIMEOUT_MS = 30_000;

/**
 * Per-upload locks across nodes: a PostgreSQL advisory lock held on a dedicated connection. A node
 * that wants a lock another node holds asks, over NOTIFY, for it to be released: the holder ends
 * its request (the client resumes there), as tus's in-memory locker does within one process.
 */
export async function createPostgresLocker(connectionString: string): Promise<Locker & { close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString, max: 50 });
  pool.on('error', () => {});
  const held = new Map<string, RequestRelease>();
  const listener = new pg.Client({ connectionString });
  listener.on('error', () => {});
  await listener.connect();
  await listener.query(`LISTEN ${RELEASE_CHANNEL}`);
  listener.on('notification', (message) => {
    const release = message.payload ? held.get(message.payload) : undefined;
    if (release) void release();
  });

  return {
    newLock(id: string): Lock {
      let client: pg.PoolClient | null = null;
      return {
        async lock(signal: AbortSignal, requestRelease: RequestRelease) {
          const deadline = Date.now() + LOCK_TIMEOUT_MS;
          const c = await pool.connect();
          try {
            for (;;) {
              const { rows } = await c.query('SELECT pg_try_advisory_lock(hashtextextended($1, 7)) AS ok', [id]);
              if (rows[0]?.ok) break;
              if (signal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
              await c.query('SELECT pg_notify($1, $2)', [RELEASE_CHANNEL, id]);
              await new Promise((r) => setTimeout(r, 100));
            }
          } catch (err) {
            c.release();
            throw err;
          }
          client = c;
          held.set(id, requestRelease);
        },
        async unlock() {
          held.delete(id);
          const c = client;
          client = null;
          if (!c) return;
          try {
            await c.query('SELECT pg_advisory_unlock(hashtextextended($1, 7))', [id]);
          } finally {
            c.release();
          }
        },
      };
    },
    async close() {
      await listener.end().catch(() => {});
      await pool.end();
    },
  };
}
