// Blob store on the local disk: DATA_DIR/blobs/sha256/ab/cd/<hash>, temporaries in .tmp/.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, opendir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertContentKey,
  assertTemporaryKey,
  type BlobStore,
  BlobNotFoundError,
  type ByteRange,
  contentKey,
  MARKER_NAME,
  type PutResult,
  type StoredObject,
} from './blob-store.ts';
import { HashingCounter } from './hashing.ts';

export function createDiskBlobStore(root: string): BlobStore {
  const tmpDir = path.join(root, '.tmp');
  const objectPath = (key: string) => {
    assertContentKey(key);
    return path.join(root, ...key.split('/'));
  };

  async function* walk(dir: string, keyPrefix: string, depth: number): AsyncGenerator<StoredObject> {
    let entries: string[];
    try {
      entries = (await readdir(dir)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of entries) {
      const full = path.join(dir, name);
      if (depth < 2) {
        if (/^[0-9a-f]{2}$/.test(name)) yield* walk(full, `${keyPrefix}${name}/`, depth + 1);
        continue;
      }
      const info = await stat(full).catch(() => null);
      if (info?.isFile()) yield { key: `${keyPrefix}${name}`, size: info.size, lastModified: info.mtime };
    }
  }

  return {
    kind: 'disk',
    description: `disk at ${root}`,

    async put(content: Readable, options = {}): Promise<PutResult> {
      await mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, randomUUID());
      const counter = new HashingCounter(options.maxBytes);
      try {
        await pipeline(content, counter, createWriteStream(tmp, { flags: 'wx' }));
        const sha256 = counter.digest();
        const key = contentKey(sha256);
        const target = objectPath(key);
        const existing = await stat(target).catch(() => null);
        if (existing?.isFile() && existing.size === counter.size) {
          await rm(tmp, { force: true });
          return { key, sha256, size: counter.size, created: false };
        }
        await mkdir(path.dirname(target), { recursive: true });
        // rename is atomic: readers see the whole object or none.
        await rename(tmp, target);
        return { key, sha256, size: counter.size, created: true };
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
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

    list: () => walk(path.join(root, 'sha256'), 'sha256/', 0),

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
