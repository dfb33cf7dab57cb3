// Blob store on the local disk: DATA_DIR/blobs/sha256/ab/cd/<hash>, temporaries in .tmp/.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, open, opendir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  assertContentKey,
  assertTemporaryKey,
  BlobNotFoundError,
  BlobTooLargeError,
  type BlobStore,
  type ByteRange,
  contentKey,
  MARKER_NAME,
  type PutResult,
  type StoredObject,
} from './blob-store.ts';

/** Objects up to this size are read whole and written at once (see put). */
const SMALL_OBJECT_BYTES = 256 * 1024;

export function createDiskBlobStore(root: string): BlobStore {
  const tmpDir = path.join(root, '.tmp');
  const objectPath = (key: string) => {
    assertContentKey(key);
    return path.join(root, ...key.split('/'));
  };

  /** The files of one leaf folder (`sha256/ab/cd`), sorted, with their sizes and times. */
  async function leaf(dir: string, keyPrefix: string): Promise<StoredObject[]> {
    const names = (await readdir(dir).catch(() => [] as string[])).sort();
    const found = await Promise.all(
      names.map(async (name) => {
        const info = await stat(path.join(dir, name)).catch(() => null);
        return info?.isFile() ? { key: `${keyPrefix}${name}`, size: info.size, lastModified: info.mtime } : null;
      }),
    );
    return found.filter((o): o is StoredObject => o !== null);
  }

  async function sortedSubfolders(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).filter((name) => /^[0-9a-f]{2}$/.test(name)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /**
   * Every object in key order. The leaves under one first-level folder (1/256 of the store) are
   * read at once, so the disk sees many requests in flight; memory holds one such folder.
   */
  async function* walk(top: string): AsyncGenerator<StoredObject> {
    for (const a of await sortedSubfolders(top)) {
      const subs = await sortedSubfolders(path.join(top, a));
      const leaves: StoredObject[][] = [];
      for (let i = 0; i < subs.length; i += 64) {
        leaves.push(
          ...(await Promise.all(subs.slice(i, i + 64).map((b) => leaf(path.join(top, a, b), `sha256/${a}/${b}/`)))),
        );
      }
      for (const objects of leaves) yield* objects;
    }
  }

  function putSmall(bytes: Buffer, maxBytes: number): PutResult {
    if (bytes.length > maxBytes) throw new BlobTooLargeError(maxBytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = contentKey(sha256);
    const target = objectPath(key);
    const existing = statSync(target, { throwIfNoEntry: false });
    if (existing?.isFile() && existing.size === bytes.length)
      return { key, sha256, size: bytes.length, created: false };
    const tmp = path.join(tmpDir, randomUUID());
    try {
      try {
        writeFileSync(tmp, bytes, { flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        mkdirSync(tmpDir, { recursive: true });
        writeFileSync(tmp, bytes, { flag: 'wx' });
      }
      // Made first: with 65,536 leaf folders, most are still missing until a store is large.
      mkdirSync(path.dirname(target), { recursive: true });
      // rename is atomic: readers see the whole object or none.
      renameSync(tmp, target);
      return { key, sha256, size: bytes.length, created: true };
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** The rest of a large object, after the chunks already read (`head`), hashed and written chunk by chunk. */
  async function putStreamed(
    head: Uint8Array[],
    rest: AsyncIterator<Uint8Array | string>,
    maxBytes: number,
  ): Promise<PutResult> {
    const tmp = path.join(tmpDir, randomUUID());
    // Opened before the rest is read, so a missing temporary folder is made and the open retried.
    const file = await open(tmp, 'wx')
      .catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        await mkdir(tmpDir, { recursive: true });
        return open(tmp, 'wx');
      })
      .catch(async (err: unknown) => {
        await rest.return?.();
        throw err;
      });
    try {
      // Without a stream pipeline: a pipeline's worth of ticks per chunk is not needed to write a file.
      const hash = createHash('sha256');
      let size = 0;
      const write = async (bytes: Uint8Array) => {
        size += bytes.length;
        if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
        hash.update(bytes);
        for (let offset = 0; offset < bytes.length; ) offset += (await file.write(bytes, offset)).bytesWritten;
      };
      try {
        for (const bytes of head) await write(bytes);
        for (;;) {
          const next = await rest.next();
          if (next.done) break;
          await write(typeof next.value === 'string' ? Buffer.from(next.value) : next.value);
        }
      } finally {
        await file.close();
      }
      const sha256 = hash.digest('hex');
      const key = contentKey(sha256);
      const target = objectPath(key);
      const existing = await stat(target).catch(() => null);
      if (existing?.isFile() && existing.size === size) {
        await rm(tmp, { force: true });
        return { key, sha256, size, created: false };
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp, target);
      return { key, sha256, size, created: true };
    } catch (err) {
      // Stop the source too (e.g. an upload's request), so nothing keeps reading into nowhere.
      await rest.return?.();
      await rm(tmp, { force: true });
      throw err;
    }
  }

  return {
    kind: 'disk',
    description: `disk at ${root}`,
    localPath: (key) => objectPath(key),

    async put(content: Readable, options = {}): Promise<PutResult> {
      const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
      // A small object (a certificate, a thumbnail, a caption file) is read whole and written with
      // synchronous calls: a few hundred microseconds of blocking instead of six thread-pool round
      // trips, which cost twice that on a busy machine. Anything larger streams to disk.
      const iterator = content[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
      const head: Uint8Array[] = [];
      let headSize = 0;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return putSmall(Buffer.concat(head, headSize), maxBytes);
        const bytes: Uint8Array = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        head.push(bytes);
        headSize += bytes.length;
        if (headSize > maxBytes) {
          await iterator.return?.();
          throw new BlobTooLargeError(maxBytes);
        }
        if (headSize > SMALL_OBJECT_BYTES) break;
      }
      return putStreamed(head, iterator, maxBytes);
    },

    async read(key: string, range?: ByteRange): Promise<Readable> {
      const file = objectPath(key);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw new BlobNotFoundError(key);
      return createReadStream(file, range ? { start: range.start, end: range.end } : {});
    },

    async stat(key: string): Promise<StoredObject | null> {
      const info = await stat(objectPath(key)).catch(() => null);
      return info?.isFile() ? { key, size: info.size, lastModified: info.mtime } : null;
    },

    async delete(key: string): Promise<void> {
      await rm(objectPath(key), { force: true });
    },

    list: () => walk(path.join(root, 'sha256')),

    async *listTemporary(): AsyncGenerator<StoredObject> {
      let dir: Awaited<ReturnType<typeof opendir>>;
      try {
        dir = await opendir(tmpDir);
      } catch {
        return;
      }
      for await (const entry of dir) {
        const info = await stat(path.join(tmpDir, entry.name)).catch(() => null);
        if (info?.isFile()) yield { key: `.tmp/${entry.name}`, size: info.size, lastModified: info.mtime };
      }
    },

    async deleteTemporary(key: string): Promise<void> {
      assertTemporaryKey(key);
      await rm(path.join(tmpDir, key.slice('.tmp/'.length)), { force: true });
    },

    async hasMarker(): Promise<boolean> {
      return (await stat(path.join(root, MARKER_NAME)).catch(() => null))?.isFile() ?? false;
    },

    async ensureMarker(): Promise<void> {
      await mkdir(root, { recursive: true });
      const marker = path.join(root, MARKER_NAME);
      if (!(await stat(marker).catch(() => null))) {
        await writeFile(marker, 'This folder is a Lectern blob store. Do not delete this file.\n');
      }
    },
  };
}
