// Uploads end to end on the real server: tus → ingest (real type from the bytes) → processing →
// serving with Range and ETag → deletion that leaves nothing behind.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import type { AssetView } from '../../shared/assets.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { tusUpload } from '../testing/tus.ts';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] uploads and file assets`, () => {
    let app: TestApp;
    let author: TestClient;
    let base: string;

    const upload = async (client: TestClient, content: Buffer, filename: string, kind: string) =>
      tusUpload(base, content, { cookie: client.cookieHeader(), csrf: await client.csrf(), filename, kind });
    const settled = async (client: TestClient, id: string): Promise<AssetView> => {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const asset = (await client.get(`/api/assets/${id}`)).json().asset as AssetView;
        if (asset.state === 'ready' || asset.state === 'failed') return asset;
        await sleep(100);
      }
      assert.fail(`asset ${id} did not settle`);
    };

    before(async () => {
      app = await createTestApp(dialect, { UPLOAD_MAX_FILE_MB: '5' });
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const admin = await setUpAdmin(app);
      author = (await createSignedInUser(app, admin, 'author')).client;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });
    after(() => app.close());

    it('uploads an image in chunks, detects it, makes web and thumbnail versions, and serves it', async () => {
      const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#336699' } }).png().toBuffer();
      const { assetId } = await upload(author, png, '../../évaluation\u0007.png', 'image');
      const asset = await settled(author, assetId);
      assert.equal(asset.state, 'ready', asset.reason ?? '');
      assert.equal(asset.originalName, 'évaluation.png');
      assert.equal(asset.mime, 'image/png');
      assert.equal(asset.viewer, 'image');
      assert.deepEqual(asset.derivatives.map((d) => d.role).sort(), ['thumbnail', 'web']);

      const original = await author.get(`/api/assets/${assetId}/original`);
      assert.equal(original.statusCode, 200);
      assert.equal(original.headers['content-type'], 'image/png');
      assert.equal(original.headers['x-content-type-options'], 'nosniff');
      assert.match(String(original.headers['content-disposition']), /^attachment; .*filename\*=UTF-8''%C3%A9valuation\.png/);
      assert.equal(createHash('sha256').update(original.rawPayload).digest('hex'), createHash('sha256').update(png).digest('hex'));
      const etag = String(original.headers.etag);

      const range = await author.request('GET', `/api/assets/${assetId}/original`, undefined, { headers: { range: 'bytes=0-9' } });
      assert.equal(range.statusCode, 206);
      assert.equal(range.headers['content-range'], `bytes 0-9/${png.length}`);
      assert.deepEqual(range.rawPayload, png.subarray(0, 10));
      const notModified = await author.request('GET', `/api/assets/${assetId}/original`, undefined, { headers: { 'if-none-match': etag } });
      assert.equal(notModified.statusCode, 304);
      const web = await author.get(`/api/assets/${assetId}/derivatives/web`);
      assert.equal(web.statusCode, 200);
      assert.match(String(web.headers['content-type']), /^image\//);
    });

    it('refuses a file over its kind’s limit before any byte arrives', async () => {
      await assert.rejects(upload(author, Buffer.alloc(6 * 1024 * 1024, 1), 'big.pdf', 'pdf'), (err: Error) => {
        assert.match(err.message, /413/);
        assert.match(err.message, /the limit for pdf files is 5 MB/);
        return true;
      });
    });

    it('fails an executable named .pdf with a reason, alone', async () => {
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(2000, 0x90)]);
      const { assetId } = await upload(author, exe, 'syllabus.pdf', 'pdf');
      const asset = await settled(author, assetId);
      assert.equal(asset.state, 'failed');
      assert.ok(asset.reason && asset.reason.length > 10, `a reason: ${asset.reason}`);
    });

    it('keeps other people out of an upload and a file', async () => {
      const admin = app.client();
      await admin.post('/api/auth/login', { email: 'admin@example.org', password: 'correct horse battery staple' });
      const other = (await createSignedInUser(app, admin, 'author')).client;
      const learner = (await createSignedInUser(app, admin, 'learner')).client;
      const { assetId } = await upload(author, Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nHello\n'), 'a.srt', 'captions');
      assert.equal((await other.get(`/api/assets/${assetId}`)).statusCode, 404);
      assert.equal((await other.get(`/api/assets/${assetId}/original`)).statusCode, 404);
      // Learners may read files of courses they are enrolled in; this one is in none.
      assert.equal((await learner.get(`/api/assets/${assetId}`)).statusCode, 404);
      const patch = await other.request('PATCH', `/api/uploads/${assetId}`, undefined, {
        headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      });
      assert.equal(patch.statusCode, 404);
      await settled(author, assetId);
    });

    it('deletes a file and every byte only it used', async () => {
      const unique = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } }).jpeg().toBuffer();
      const { assetId } = await upload(author, unique, 'red.jpg', 'image');
      assert.equal((await settled(author, assetId)).state, 'ready');
      const keys = new Set([
        ...(await app.db.selectFrom('assets').select('blob_key as key').where('id', '=', assetId).execute()).map((r) => r.key),
        ...(await app.db.selectFrom('asset_derivatives').select('blob_key as key').where('asset_id', '=', assetId).execute()).map((r) => r.key),
      ]);
      assert.ok(keys.size >= 2);
      const blobsDir = path.join(app.config.dataDir, 'blobs', 'sha256');
      const before = await filesUnder(blobsDir);
      const deleted = await author.request('DELETE', `/api/assets/${assetId}`);
      assert.equal(deleted.statusCode, 204);
      const after = await filesUnder(blobsDir);
      assert.equal(before.length - after.length, keys.size, 'the original and its derivatives are gone from the disk');
      for (const key of keys) assert.equal(await app.db.selectFrom('blobs').select('key').where('key', '=', key as string).executeTakeFirst(), undefined);
      assert.equal((await author.get(`/api/assets/${assetId}`)).statusCode, 404);
      assert.deepEqual(await filesUnder(app.config.uploadsDir).then((f) => f.filter((n) => n.includes(assetId))), []);
    });
  });
}
