// Blob store on S3-compatible object storage (AWS, MinIO, Ceph, …) with multipart uploads.
import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
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

export interface S3Options {
  bucket: string;
  /** Key prefix without leading or trailing slash; may be empty. */
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Objects per listing request (S3's maximum is 1000). */
  listPageSize?: number;
}

function isNotFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)
  );
}

/** One client configuration for everything Lectern keeps in object storage. */
export function createS3Client(options: S3Options): S3Client {
  return new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    ...(options.accessKeyId && options.secretAccessKey
      ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
      : {}),
  });
}

export function createS3BlobStore(options: S3Options): BlobStore {
  const client = createS3Client(options);
  const Bucket = options.bucket;
  const base = options.prefix ? `${options.prefix}/` : '';
  const fullKey = (key: string) => {
    assertContentKey(key);
    return `${base}${key}`;
  };

  async function head(key: string): Promise<StoredObject | null> {
    try {
      const r = await client.send(new HeadObjectCommand({ Bucket, Key: fullKey(key) }));
      return { key, size: r.ContentLength ?? 0, lastModified: r.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async function* listUnder(prefix: string, toKey: (full: string) => string | null): AsyncGenerator<StoredObject> {
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken, MaxKeys: options.listPageSize ?? 1000 }),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key ? toKey(o.Key) : null;
        if (key) yield { key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  return {
    kind: 's3',
    description: `s3://${Bucket}/${options.prefix}${options.endpoint ? ` at ${options.endpoint}` : ''}`,

    async put(content: Readable, opts = {}): Promise<PutResult> {
      // The hash is known only at the end: upload to a temporary key, then copy server-side.
      const tmpKey = `${base}.tmp/${randomUUID()}`;
      const counter = new HashingCounter(opts.maxBytes);
      const body = new PassThrough();
      content.on('error', (err) => body.destroy(err));
      counter.on('error', (err) => body.destroy(err));
      content.pipe(counter).pipe(body);
      const upload = new Upload({
        client,
        params: { Bucket, Key: tmpKey, Body: body },
        partSize: 8 * 1024 * 1024,
        queueSize: 4,
      });
      try {
        await upload.done();
      } catch (err) {
        await client.send(new DeleteObjectCommand({ Bucket, Key: tmpKey })).catch(() => {});
        throw counter.errored ?? err;
      }
      const sha256 = counter.digest();
      const key = contentKey(sha256);
      try {
        const existing = await head(key);
        if (existing && existing.size === counter.size) return { key, sha256, size: counter.size, created: false };
        await client.send(new CopyObjectCommand({ Bucket, Key: fullKey(key), CopySource: `${Bucket}/${tmpKey}` }));
        return { key, sha256, size: counter.size, created: true };
      } finally {
        await client.send(new DeleteObjectCommand({ Bucket, Key: tmpKey })).catch(() => {});
      }
    },

    async read(key: string, range?: ByteRange): Promise<Readable> {
      try {
        const r = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: fullKey(key),
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        return r.Body as Readable;
      } catch (err) {
        if (isNotFound(err)) throw new BlobNotFoundError(key);
        throw err;
      }
    },

    stat: head,

    async delete(key: string): Promise<void> {
      await client.send(new DeleteObjectCommand({ Bucket, Key: fullKey(key) }));
    },

    list: () => listUnder(`${base}sha256/`, (full) => full.slice(base.length)),

    listTemporary: () => listUnder(`${base}.tmp/`, (full) => full.slice(base.length)),

    async deleteTemporary(key: string): Promise<void> {
      assertTemporaryKey(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: `${base}${key}` }));
    },

    async hasMarker(): Promise<boolean> {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: `${base}${MARKER_NAME}` }));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },

    async ensureMarker(): Promise<void> {
      if (await this.hasMarker()) return;
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: `${base}${MARKER_NAME}`,
          Body: 'This prefix is a Lectern blob store. Do not delete this object.\n',
        }),
      );
    },
  };
}
