// The blob store: content-addressed, immutable objects. Drivers: local disk and S3.
import type { Readable } from 'node:stream';

export interface PutResult {
  /** Storage key, derived from the content: `sha256/ab/cd/<hex>`. */
  key: string;
  sha256: string;
  size: number;
  /** False when identical content was already stored (nothing new was written). */
  created: boolean;
}

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export class BlobTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`The file is larger than the limit of ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
  }
}

export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`No stored object ${key}`);
  }
}

export interface BlobStore {
  readonly kind: 'disk' | 's3';
  /** Where it stores, for logs and the doctor (no credentials). */
  readonly description: string;
  /** Streams content in, hashing as it goes; commits under its content key. */
  put(content: Readable, options?: { maxBytes?: number }): Promise<PutResult>;
  /** A stream of the object or of one byte range of it. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<StoredObject | null>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Every stored object (not temporaries or the marker), fetched page by page. */
  list(): AsyncIterable<StoredObject>;
  /** Temporary objects of unfinished writes, for the collector. */
  listTemporary(): AsyncIterable<StoredObject>;
  /** Deletes one temporary object named by listTemporary (missing is not an error). */
  deleteTemporary(key: string): Promise<void>;
  /** The object's file when the store keeps it on a local disk (read it, never write it); else null. */
  localPath?(key: string): string | null;
  /** The marker proves the storage root is the real one (an unmounted disk looks empty). */
  hasMarker(): Promise<boolean>;
  ensureMarker(): Promise<void>;
}

export function contentKey(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

const KEY_PATTERN = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** Keys come from our database, but a driver never touches a path it did not make. */
export function assertContentKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`Not a blob key: ${JSON.stringify(key)}`);
}

const TEMPORARY_PATTERN = /^\.tmp\/[0-9a-f-]{36}$/;

/** Temporary keys come from a listing; a driver still refuses anything else. */
export function assertTemporaryKey(key: string): void {
  if (!TEMPORARY_PATTERN.test(key)) throw new Error(`Not a temporary key: ${JSON.stringify(key)}`);
}

export const MARKER_NAME = '.lectern-blob-store';
