// A tus data store for object storage that needs nothing but PUT, GET, LIST and DELETE: each piece
// of an upload is its own object, and the upload's length, offset and metadata live in the
// database, so any web node can take the next chunk. (The tus S3 store needs S3 multipart
// ListParts, which not every S3-compatible server offers; see docs/decisions/0003.)
import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DataStore, ERRORS, type KvStore, Upload } from '@tus/utils';
import { createS3Client, type S3Options } from '../storage/s3.ts';

/** Bytes kept in memory before they are written as one piece: progress survives a dropped connection. */
const PIECE_BYTES = 8 * 1024 * 1024;

interface UploadRecord {
  id: string;
  size?: number;
  offset: number;
  metadata?: Record<string, string | null>;
  creation_date?: string;
}

export class ChunkedObjectStore extends DataStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly records: KvStore<UploadRecord>;

  constructor(options: S3Options, records: KvStore<UploadRecord>) {
    super();
    this.extensions = ['creation', 'creation-with-upload', 'creation-defer-length', 'termination'];
    this.client = createS3Client(options);
    this.bucket = options.bucket;
    this.prefix = `${options.prefix ? `${options.prefix}/` : ''}.uploads/`;
    this.records = records;
  }

  private pieceKey(id: string, offset: number): string {
    return `${this.prefix}${id}/${String(offset).padStart(16, '0')}`;
  }

  private async record(id: string): Promise<UploadRecord> {
    const record = await this.records.get(id);
    if (!record) throw ERRORS.FILE_NOT_FOUND;
    return record;
  }

  private async pieces(id: string): Promise<string[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.prefix}${id}/`, ContinuationToken }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys.sort();
  }

  override async create(upload: Upload): Promise<Upload> {
    upload.creation_date = new Date().toISOString();
    await this.records.set(upload.id, {
      id: upload.id,
      size: upload.size,
      offset: 0,
      metadata: upload.metadata,
      creation_date: upload.creation_date,
    });
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const r = await this.record(id);
    return new Upload({ id: r.id, size: r.size, offset: r.offset, metadata: r.metadata, creation_date: r.creation_date });
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    const r = await this.record(id);
    await this.records.set(id, { ...r, size: length });
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const r = await this.record(id);
    if (r.offset !== offset) throw ERRORS.INVALID_OFFSET;
    let committed = offset;
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    const flush = async () => {
      if (bufferedBytes === 0) return;
      const body = Buffer.concat(buffered, bufferedBytes);
      buffered = [];
      bufferedBytes = 0;
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.pieceKey(id, committed), Body: body }));
      committed += body.length;
      // The offset moves only once the piece is stored: a crash never claims bytes we do not have.
      await this.records.set(id, { ...r, offset: committed });
    };
    try {
      for await (const chunk of stream) {
        buffered.push(chunk as Buffer);
        bufferedBytes += (chunk as Buffer).length;
        if (bufferedBytes >= PIECE_BYTES) await flush();
      }
    } catch {
      // The client went away: keep what arrived; it resumes from the stored offset.
    }
    await flush();
    return committed;
  }

  override async remove(id: string): Promise<void> {
    for (const key of await this.pieces(id)) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    }
    await this.records.delete(id);
  }

  /**
   * Every upload that has pieces, with its bytes so far and its last piece's time. The listing is
   * in key order, so one upload's pieces come together: memory holds one upload at a time.
   */
  async *listPartial(): AsyncGenerator<{ id: string; size: number; lastModified: Date }> {
    let current: { id: string; size: number; lastModified: Date } | null = null;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken }));
      for (const o of page.Contents ?? []) {
        const id = o.Key?.slice(this.prefix.length).split('/')[0];
        if (!id) continue;
        const modified = o.LastModified ?? new Date(0);
        if (current && current.id !== id) {
          yield current;
          current = null;
        }
        if (!current) current = { id, size: 0, lastModified: modified };
        current.size += o.Size ?? 0;
        if (modified > current.lastModified) current.lastModified = modified;
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    if (current) yield current;
  }

  /** The whole upload, its pieces in order. */
  async read(id: string): Promise<Readable> {
    await this.record(id);
    const keys = await this.pieces(id);
    const out = new PassThrough();
    (async () => {
      for (const key of keys) {
        const piece = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        for await (const chunk of piece.Body as Readable) {
          if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
        }
      }
      out.end();
    })().catch((err) => out.destroy(err));
    return out;
  }
}
