// Contract tests: every blob store driver behaves the same.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { type LocalS3, startLocalS3 } from '../testing/s3.ts';
import { type BlobStore, BlobNotFoundError, BlobTooLargeError, contentKey } from './blob-store.ts';
import { createDiskBlobStore } from './disk.ts';
import { createS3BlobStore } from './s3.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const drivers: { name: string; setUp(): Promise<{ store: BlobStore; tearDown(): Promise<void> }> }[] = [
  {
    name: 'disk',
    async setUp() {
      const root = mkdtempSync(path.join(tmpdir(), 'lectern-blobs-'));
      return { store: createDiskBlobStore(root), tearDown: async () => rmSync(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3',
    async setUp() {
      const s3: LocalS3 = await startLocalS3();
      return { store: createS3BlobStore({ ...s3.options('school/blobs'), listPageSize: 7 }), tearDown: () => s3.stop() };
    },
  },
];

for (const driver of drivers) {
  describe(`[${driver.name}] blob store contract`, () => {
    let store: BlobStore;
    let tearDown: () => Promise<void>;
    before(async () => {
      ({ store, tearDown } = await driver.setUp());
    });
    after(() => tearDown());

    it('stores content under its SHA-256 and reads it back whole and by range', async () => {
      const content = randomBytes(300_000);
      const put = await store.put(Readable.from([content.subarray(0, 1000), content.subarray(1000)]));
      assert.equal(put.sha256, sha(content));
      assert.equal(put.size, content.length);
      assert.equal(put.key, contentKey(put.sha256));
      assert.equal(put.created, true);
      assert.deepEqual(await readAll(await store.read(put.key)), content);
      assert.deepEqual(await readAll(await store.read(put.key, { start: 10, end: 19 })), content.subarray(10, 20));
      const info = await store.stat(put.key);
      assert.equal(info?.size, content.length);
    });

    it('names the local file of an object only when it keeps one on this disk', async () => {
      const content = Buffer.from('processed in place');
      const put = await store.put(Readable.from([content]));
      const local = store.localPath?.(put.key) ?? null;
      if (store.kind === 'disk') assert.deepEqual(readFileSync(local as string), content);
      else assert.equal(local, null);
    });

    it('stores identical content once', async () => {
      const content = Buffer.from('the same bytes twice');
      const first = await store.put(Readable.from([content]));
      const second = await store.put(Readable.from([content]));
      assert.equal(second.key, first.key);
      assert.equal(second.created, false);
      const keys = (await collect(store.list())).map((o) => o.key).filter((k) => k === first.key);
      assert.equal(keys.length, 1);
      assert.deepEqual(await collect(store.listTemporary()), []);
    });

    it('stores an empty object', async () => {
      const put = await store.put(Readable.from([]));
      assert.equal(put.size, 0);
      assert.equal(put.sha256, sha(Buffer.alloc(0)));
      assert.equal(await text(await store.read(put.key)), '');
    });

    it('refuses content over the limit and leaves nothing behind', async () => {
      const before = await collect(store.list());
      await assert.rejects(store.put(Readable.from([randomBytes(2048)]), { maxBytes: 1024 }), BlobTooLargeError);
      assert.deepEqual(await collect(store.list()), before);
      assert.deepEqual(await collect(store.listTemporary()), []);
    });

    it('refuses a large object over the limit part way through and leaves nothing behind', async () => {
      // Past the size a disk store takes whole: the limit is met while streaming to a temporary file.
      const before = await collect(store.list());
      const chunks = Array.from({ length: 6 }, () => randomBytes(100_000));
      await assert.rejects(store.put(Readable.from(chunks), { maxBytes: 450_000 }), BlobTooLargeError);
      assert.deepEqual(await collect(store.list()), before);
      assert.deepEqual(await collect(store.listTemporary()), []);
    });

    for (const sentBefore of [1_000, 400_000]) {
      it(`leaves nothing behind when the source stream fails after ${sentBefore} bytes`, async () => {
        let sent = 0;
        const failing = new Readable({
          read() {
            if (sent >= sentBefore) {
              this.destroy(new Error('connection dropped'));
              return;
            }
            sent += 50_000;
            this.push(randomBytes(Math.min(50_000, sentBefore)));
          },
        });
        await assert.rejects(store.put(failing), /connection dropped/);
        assert.deepEqual(await collect(store.listTemporary()), []);
      });
    }

    it('lists every object, across pages, and deletes idempotently', async () => {
      const keys = new Set<string>();
      for (let i = 0; i < 25; i++) keys.add((await store.put(Readable.from([Buffer.from(`object ${i}`)]))).key);
      const listed = new Set((await collect(store.list())).map((o) => o.key));
      for (const k of keys) assert.ok(listed.has(k), `${k} listed`);
      const [one] = keys;
      assert.ok(one);
      await store.delete(one);
      await store.delete(one);
      assert.equal(await store.stat(one), null);
      await assert.rejects(store.read(one), BlobNotFoundError);
    });

    it('knows whether its root carries the marker', async () => {
      assert.equal(await store.hasMarker(), false);
      await store.ensureMarker();
      await store.ensureMarker();
      assert.equal(await store.hasMarker(), true);
      const listed = (await collect(store.list())).map((o) => o.key);
      assert.ok(listed.every((k) => k.startsWith('sha256/')));
    });

    it('refuses keys it did not make', async () => {
      await assert.rejects(store.read('../../etc/passwd'), /Not a blob key/);
      await assert.rejects(store.delete('sha256/../x'), /Not a blob key/);
    });
  });
}
