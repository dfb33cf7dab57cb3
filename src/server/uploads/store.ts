// Where partial uploads live until they are complete and ingested: a tus data store, plus the two
// things ingestion needs from it — a local file to inspect, and removal.
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import type { DataStore, Locker } from '@tus/utils';

export interface UploadStore {
  datastore: DataStore;
  /** A local path holding the complete upload (the upload itself on disk, a copy otherwise). */
  localPath(uploadId: string, workDir: string): Promise<string | null>;
  remove(uploadId: string): Promise<void>;
  /** Every partial upload with its bytes so far and last write, page by page (for the collector). */
  listPartial(): AsyncIterable<PartialUpload>;
  /** Shared locking across web nodes; tus's in-memory locker when absent (one process). */
  locker?: Locker;
  close?(): Promise<void>;
}

export interface PartialUpload {
  id: string;
  size: number;
  lastModified: Date;
}

const UPLOAD_ID = /^[0-9a-f-]{36}$/;

export function createFileUploadStore(directory: string): UploadStore {
  const datastore = new FileStore({ directory });
  return {
    datastore,
    async localPath(uploadId) {
      if (!UPLOAD_ID.test(uploadId)) return null;
      const file = path.join(directory, uploadId);
      return (await stat(file).catch(() => null))?.isFile() ? file : null;
    },
    async remove(uploadId) {
      if (!UPLOAD_ID.test(uploadId)) return;
      await datastore.remove(uploadId).catch((err: { status_code?: number }) => {
        if (err?.status_code !== 404) throw err;
      });
    },
    async *listPartial() {
      let dir: Awaited<ReturnType<typeof opendir>>;
      try {
        dir = await opendir(directory);
      } catch {
        return;
      }
      for await (const entry of dir) {
        if (!entry.isFile() || !UPLOAD_ID.test(entry.name)) continue;
        // The data file and its .json record: the later of the two is the last sign of life.
        const data = await stat(path.join(directory, entry.name)).catch(() => null);
        if (!data) continue;
        const record = await stat(path.join(directory, `${entry.name}.json`)).catch(() => null);
        const lastModified = record && record.mtimeMs > data.mtimeMs ? record.mtime : data.mtime;
        yield { id: entry.name, size: data.size, lastModified };
      }
    },
  };
}
