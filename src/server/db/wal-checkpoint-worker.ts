// The WAL checkpointer's thread (see wal-checkpointer.ts): its own connection to each watched
// SQLite file, a PASSIVE checkpoint of each every few hundred milliseconds. PASSIVE takes no
// writer lock, so the server's connection keeps committing while pages are copied and synced here.
import { parentPort } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

export type CheckpointerMessage =
  | { type: 'watch'; file: string; intervalMs: number }
  | { type: 'unwatch'; file: string; closed: SharedArrayBuffer };

export interface CheckpointReport {
  file: string;
  /** Frames in the WAL and frames copied into the database file, as `wal_checkpoint` returns them. */
  log: number;
  checkpointed: number;
  error?: string;
}

interface Watched {
  connection: SQLite.Database;
  timer: NodeJS.Timeout | undefined;
  lastCheckpointed: number;
}

const watched = new Map<string, Watched>();
const port = parentPort;
if (!port) throw new Error('wal-checkpoint-worker runs only as a worker thread');

function checkpoint(file: string, entry: Watched): void {
  try {
    const [result] = entry.connection.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    if (!result || result.checkpointed === entry.lastCheckpointed) return;
    entry.lastCheckpointed = result.checkpointed;
    port?.postMessage({ file, log: result.log, checkpointed: result.checkpointed } satisfies CheckpointReport);
  } catch (error) {
    // A file removed under us (a test's folder deleted) or any other failure: stop watching it;
    // the server's own connection still checkpoints (its automatic checkpoint is the backstop).
    stop(file);
    port?.postMessage({ file, log: -1, checkpointed: -1, error: String(error) } satisfies CheckpointReport);
  }
}

function stop(file: string): void {
  const entry = watched.get(file);
  if (!entry) return;
  watched.delete(file);
  clearInterval(entry.timer);
  try {
    entry.connection.close();
  } catch {
    // already unusable: nothing to release
  }
}

port.on('message', (message: CheckpointerMessage) => {
  if (message.type === 'watch') {
    if (watched.has(message.file)) return;
    let connection: SQLite.Database;
    try {
      // fileMustExist: a file deleted meanwhile must not be created again, empty, by this thread.
      connection = new SQLite(message.file, { fileMustExist: true });
      connection.pragma('busy_timeout = 0');
    } catch (error) {
      port.postMessage({ file: message.file, log: -1, checkpointed: -1, error: String(error) } satisfies CheckpointReport);
      return;
    }
    const entry: Watched = { connection, timer: undefined, lastCheckpointed: -1 };
    entry.timer = setInterval(() => checkpoint(message.file, entry), message.intervalMs);
    watched.set(message.file, entry);
    return;
  }
  stop(message.file);
  const closed = new Int32Array(message.closed);
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
});
