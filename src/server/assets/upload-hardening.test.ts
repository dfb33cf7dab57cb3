// Issue 13 on the real server, over HTTP: HTML and scripted SVG are refused wherever they hide in a
// file, tus answers carry no CORS grant, a file is held to its real kind's size limit, and each
// user's uploads are held to their quotas.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AssetView } from '../../shared/assets.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { tusUpload } from '../testing/tus.ts';

const MiB = 1024 * 1024;

/** A tus creation request sent by hand, so its status, headers and body can be read. */
async function createUpload(
  base: string,
  client: TestClient,
  size: number,
  kind: string,
  headers: Record<string, string> = {},
) {
  const metadata = [
    `filename ${Buffer.from(`${kind}.bin`).toString('base64')}`,
    `kind ${Buffer.from(kind).toString('base64')}`,
  ].join(',');
  return fetch(`${base}/api/uploads`, {
    method: 'POST',
    headers: {
      cookie: client.cookieHeader(),
      'x-csrf-token': await client.csrf(),
      'tus-resumable': '1.0.0',
      'upload-length': String(size),
      'upload-metadata': metadata,
      ...headers,
    },
  });
}

/** A WAV file of `bytes` bytes of silence (16-bit mono, 8 kHz). */
function wav(bytes: number): Buffer {
  const data = bytes - 44;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  return Buffer.concat([header, Buffer.alloc(data)]);
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] upload hardening`, () => {
    let app: TestApp;
    let admin: TestClient;
    let author: TestClient;
    let base: string;

    const upload = async (client: TestClient, content: Buffer, filename: string, kind: string) =>
      (
        await tusUpload(base, content, {
          cookie: client.cookieHeader(),
          csrf: await client.csrf(),
          filename,
          kind,
          chunkSize: 4 * MiB,
        })
      ).assetId;
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
      app = await createTestApp(dialect, { UPLOAD_MAX_FILE_MB: '2', UPLOAD_MAX_VIDEO_MB: '8' });
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      admin = await setUpAdmin(app);
      author = (await createSignedInUser(app, admin, 'author')).client;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });
    after(() => app.close());

    it('refuses HTML past the first KiB, in UTF-16 and in 8-bit text, and SVG that animates an event handler', async () => {
      const notes = `${'Plain notes about the course, nothing to see here.\n'.repeat(2000)}`;
      const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${body}</svg>\n`;
      const cases: { name: string; kind: string; content: Buffer; reason: RegExp }[] = [
        {
          name: 'late.txt',
          kind: 'other',
          content: Buffer.from(`${notes}<script>alert(1)</script>\n`),
          reason: /web page \(HTML\)/,
        },
        {
          name: 'late-doctype.txt',
          kind: 'other',
          content: Buffer.from(`${notes}<!DOCTYPE html><p>hi`),
          reason: /web page \(HTML\)/,
        },
        {
          name: 'utf16.html',
          kind: 'other',
          content: utf16le('<!DOCTYPE html><script>alert(1)</script>'),
          reason: /web page \(HTML\)/,
        },
        {
          name: 'utf16-late.txt',
          kind: 'other',
          content: utf16le(`${notes}<html><script>alert(1)</script>`),
          reason: /web page \(HTML\)/,
        },
        {
          name: 'utf16-nobom.txt',
          kind: 'other',
          content: Buffer.from('<html><body onload="alert(1)">', 'utf16le'),
          reason: /web page \(HTML\)/,
        },
        {
          name: 'latin1.txt',
          kind: 'other',
          content: Buffer.from(`Caf\xe9 notes\n${notes}<script>alert(1)</script>\n`, 'latin1'),
          reason: /web page \(HTML\)/,
        },
        {
          name: 'set.svg',
          kind: 'image',
          content: Buffer.from(
            svg('<rect width="9" height="9"><set attributeName="onmouseover" to="alert(1)"/></rect>'),
          ),
          reason: /scripts or event handlers/,
        },
        {
          name: 'animate.svg',
          kind: 'image',
          content: Buffer.from(svg('<rect><animate attributeName = \'onclick\' values="alert(1)"/></rect>')),
          reason: /scripts or event handlers/,
        },
        {
          name: 'utf16.svg',
          kind: 'image',
          content: utf16le(svg('<set attributeName="onmouseover" to="alert(1)"/>')),
          reason: /SVG image with scripts/,
        },
      ];
      const ids = await Promise.all(cases.map((c) => upload(author, c.content, c.name, c.kind)));
      for (const [i, c] of cases.entries()) {
        const asset = await settled(author, ids[i] as string);
        assert.equal(asset.state, 'failed', `${c.name} was accepted as ${asset.mime}`);
        assert.match(asset.reason ?? '', c.reason, c.name);
      }
      // Clean files of the same shapes are still accepted.
      const clean = await settled(
        author,
        await upload(author, Buffer.from(`${notes}Quoting <html> mid-line is fine.\n`), 'notes.txt', 'other'),
      );
      assert.equal(clean.state, 'ready', clean.reason ?? '');
      const animated = svg(
        '<rect width="9" height="9"><animate attributeName="opacity" values="0;1" dur="1s"/></rect>',
      );
      const svgOk = await settled(author, await upload(author, Buffer.from(animated), 'fade.svg', 'image'));
      assert.equal(svgOk.state, 'ready', svgOk.reason ?? '');
    });

    it('holds a file to its real kind’s size limit: a 3 MB WAV declared as video (limit 8 MB) fails as audio (limit 2 MB)', async () => {
      const id = await upload(author, wav(3 * MiB), 'lecture.wav', 'video');
      const asset = await settled(author, id);
      assert.equal(asset.state, 'failed', `stored as ${asset.kind} ${asset.mime}`);
      assert.equal(
        asset.reason,
        'lecture.wav is 3 MB; the limit for audio files is 2 MB. It was uploaded as a video, but it is an audio file.',
      );
      assert.equal((await author.get(`/api/assets/${id}/original`)).statusCode, 409, 'nothing stored');
      // Within the audio limit, the same declaration is filed as audio.
      const small = await settled(author, await upload(author, wav(MiB), 'short.wav', 'video'));
      assert.equal(small.kind, 'audio');
      assert.notEqual(small.reason ?? '', asset.reason);
    });

    it('answers tus requests without access-control-allow-origin, whatever the Origin', async () => {
      // A creation from another site is refused outright (the Origin check of unsafe methods).
      const crossSite = await createUpload(base, author, 10, 'other', { origin: 'https://evil.example' });
      assert.equal(crossSite.status, 403, await crossSite.text());
      assert.equal(crossSite.headers.get('access-control-allow-origin'), null);
      const created = await createUpload(base, author, 10, 'other');
      assert.equal(created.status, 201, await created.text());
      assert.equal(created.headers.get('access-control-allow-origin'), null);
      const location = created.headers.get('location') ?? '';
      const head = await fetch(new URL(location, base), {
        method: 'HEAD',
        headers: { cookie: author.cookieHeader(), 'tus-resumable': '1.0.0', origin: 'https://evil.example' },
      });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('access-control-allow-origin'), null);
      const refused = await createUpload(base, author, 10, 'other', {
        origin: 'https://evil.example',
        'tus-resumable': '',
      });
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
      await author.request('DELETE', `/api/assets/${location.split('/').pop()}`);
    });
  });
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] per-user upload quotas`, () => {
    let app: TestApp;
    let admin: TestClient;
    let base: string;

    before(async () => {
      app = await createTestApp(dialect, {
        QUOTA_OPEN_UPLOADS: '3',
        QUOTA_UPLOADING_GB: String(8 / 1024),
        QUOTA_STORED_GB: String(12 / 1024),
      });
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      admin = await setUpAdmin(app);
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });
    after(() => app.close());

    const cancel = async (client: TestClient, response: Response) => {
      const location = response.headers.get('location');
      if (!location) return;
      const done = await fetch(new URL(location, base), {
        method: 'DELETE',
        headers: { cookie: client.cookieHeader(), 'x-csrf-token': await client.csrf(), 'tus-resumable': '1.0.0' },
      });
      assert.equal(done.status, 204);
    };
    const usage = async (client: TestClient) => (await client.get('/api/assets/usage')).json();

    it('lets 3 of 12 concurrent uploads start (429 too_many_uploads for the rest), then others once they end', async () => {
      const author = (await createSignedInUser(app, admin, 'author')).client;
      const answers = await Promise.all(Array.from({ length: 12 }, () => createUpload(base, author, 10, 'other')));
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [201, 201, 201, ...Array(9).fill(429)]);
      const refused = answers.find((a) => a.status === 429) as Response;
      const body = JSON.parse(await refused.text());
      assert.equal(body.error, 'too_many_uploads');
      assert.equal(
        body.message,
        'You have 3 uploads in progress; the limit is 3 at once. Let one finish (or cancel one), then try again.',
      );
      assert.deepEqual((await usage(author)).usage, { files: 0, storedBytes: 0, openUploads: 3, reservedBytes: 30 });
      // Another user is not held to this user's uploads.
      const other = (await createSignedInUser(app, admin, 'author')).client;
      const theirs = await createUpload(base, other, 10, 'other');
      assert.equal(theirs.status, 201);
      await cancel(other, theirs);
      for (const a of answers) if (a.status === 201) await cancel(author, a);
      const again = await createUpload(base, author, 10, 'other');
      assert.equal(again.status, 201);
      await cancel(author, again);
    });

    it('reserves declared sizes atomically: 2 of 5 concurrent 3 MB uploads fit in 8 MB (413 quota_exceeded)', async () => {
      const author = (await createSignedInUser(app, admin, 'author')).client;
      const answers = await Promise.all(Array.from({ length: 5 }, () => createUpload(base, author, 3 * MiB, 'other')));
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 201, 413, 413, 413]);
      const body = JSON.parse(await (answers.find((a) => a.status === 413) as Response).text());
      assert.equal(body.error, 'quota_exceeded');
      assert.equal(
        body.message,
        'This file (3 MB) and your uploads in progress (6 MB) would pass the limit of 8 MB uploading at once. Let some finish, then try again.',
      );
      for (const a of answers) if (a.status === 201) await cancel(author, a);
    });

    it('holds stored files plus uploads in progress to the storage limit, and shows usage to the user and to admins', async () => {
      const { client: author, id: userId } = await createSignedInUser(app, admin, 'author');
      const notes = Buffer.from('Lecture notes.\n'.repeat(Math.ceil((6 * MiB) / 15))).subarray(0, 6 * MiB);
      const { assetId } = await tusUpload(base, notes, {
        cookie: author.cookieHeader(),
        csrf: await author.csrf(),
        filename: 'notes.txt',
        kind: 'other',
        chunkSize: 4 * MiB,
      });
      const deadline = Date.now() + 30_000;
      while ((await author.get(`/api/assets/${assetId}`)).json().asset.state !== 'ready' && Date.now() < deadline)
        await sleep(100);
      const refused = await createUpload(base, author, 7 * MiB, 'other');
      assert.equal(refused.status, 413);
      assert.deepEqual(JSON.parse(await refused.text()), {
        error: 'quota_exceeded',
        message:
          'This file (7 MB) would pass your storage limit of 12 MB: your files take 6 MB. Delete files you no longer need, then try again.',
      });
      const fits = await createUpload(base, author, 6 * MiB, 'other');
      assert.equal(fits.status, 201);
      const mine = await usage(author);
      assert.deepEqual(mine, {
        usage: { files: 1, storedBytes: 6 * MiB, openUploads: 1, reservedBytes: 6 * MiB },
        limits: { openUploads: 3, reservedBytes: 8 * MiB, storedBytes: 12 * MiB },
      });
      const all = (await admin.get('/api/admin/storage-usage')).json();
      assert.deepEqual(
        all.users.find((u: { userId: string }) => u.userId === userId),
        { userId, files: 1, storedBytes: 6 * MiB, openUploads: 1, reservedBytes: 6 * MiB },
      );
      assert.deepEqual(all.limits, mine.limits);
      await cancel(author, fits);
      // Deleting a file frees its space.
      assert.equal((await author.request('DELETE', `/api/assets/${assetId}`)).statusCode, 204);
      assert.deepEqual((await usage(author)).usage, { files: 0, storedBytes: 0, openUploads: 0, reservedBytes: 0 });
      const learner = (await createSignedInUser(app, admin, 'learner')).client;
      assert.equal((await learner.get('/api/assets/usage')).statusCode, 403);
      assert.equal((await author.get('/api/admin/storage-usage')).statusCode, 403);
    });
  });
}
