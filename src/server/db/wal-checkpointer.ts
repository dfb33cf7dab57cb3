// SQLite checkpoints its write-ahead log inside the commit that takes the log past
// `wal_autocheckpoint` pages: pages copied into the database file and an fsync, on the connection's
// thread — for better-sqlite3, Node's event loop. Under steady writes (progress reports, answer
// saves) that was the tail of every request waiting behind such a commit (decision 0011). Here one
// worker thread per process, with its own connection to each file, runs PASSIVE checkpoints (no
// writer lock: commits go on meanwhile), and the server's connection keeps a much higher automatic
// checkpoint only as a backstop: under a write rate the worker cannot finish a checkpoint between
// commits, only a checkpoint on the writer's own thread resets the log.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { CheckpointerMessage, CheckpointReport } from './wal-checkpoint-worker.ts';

/** How often the worker checkpoints each file: often enough that a checkpoint copies little. */
export const CHECKPOINT_INTERVAL_MS = 200;
/** The server connection's own automatic checkpoint, in pages: 10 × SQLite's default. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;
/** Past this size a log that was reset is truncated back (a burst must not keep its disk space). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** Checkpoint reports of every watched file, for tests and diagnostics. */
export const checkpointReports = new EventEmitter<{ report: [CheckpointReport] }>();

let worker: Worker | undefined;

function checkpointer(): Worker {
  if (worker) return worker;
  const started = new Worker(new URL('./wal-checkpoint-worker.ts', import.meta.url));
  started.on('message', (report: CheckpointReport) => checkpointReports.emit('report', report));
  started.on('error', (error) => checkpointReports.emit('report', { file: '', log: -1, checkpointed: -1, error: String(error) }));
  started.on('exit', () => {
    if (worker === started) worker = undefined;
  });
  // The process may end while the worker lives: it holds nothing that a crash would not leave
  // safe (SQLite recovers the log on the next open). After the listeners: adding a 'message'
  // listener refs the worker again.
  started.unref();
  worker = started;
  return started;
}

function post(message: CheckpointerMessage): void {
  checkpointer().postMessage(message);
}

/**
 * Checkpoints `file` off the event loop until the returned function is called. That function waits
 * (a bounded, blocking wait) until the worker has closed its connection, so that closing the server's
 * connection next is, as before, the last close: it checkpoints the log into the file and removes it.
 */
export function watchWal(file: string): () => void {
  post({ type: 'watch', file, intervalMs: CHECKPOINT_INTERVAL_MS });
  return () => {
    const closed = new SharedArrayBuffer(4);
    post({ type: 'unwatch', file, closed });
    Atomics.wait(new Int32Array(closed), 0, 0, 5_000);
  };
}
