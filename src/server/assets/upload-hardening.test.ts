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
async function createUpload(base: string, client: TestClient, size: number, kind: string, headers: Record<string, string> = {}) {
  const metadata = [`filename ${Buffer.from(`${kind}.bin`).toString('base64')}`, `kind ${Buffer.from(kind).toString('base64')}`].join(',');
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
      (await tusUpload(base, content, { cookie: client.cookieHeader(), csrf: await client.csrf(), filename, kind, chunkSize: 4 * MiB })).assetId;
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
        { name: 'late.txt', kind: 'other', content: Buffer.from(`${notes}<script>alert(1)</script>\n`), reason: /web page \(HTML\)/ },
        { name: 'late-doctype.txt', kind: 'other', content: Buffer.from(`${notes}<!DOCTYPE html><p>hi`), reason: /web page \(HTML\)/ },
        { name: 'utf16.html', kind: 'other', content: utf16le('<!DOCTYPE html><script>alert(1)</script>'), reason: /web page \(HTML\)/ },
        { name: 'utf16-late.txt', kind: 'other', content: utf16le(`${notes}<html><script>alert(1)</script>`), reason: /web page \(HTML\)/ },
        { name: 'utf16-nobom.txt', kind: 'other', content: Buffer.from('<html><body onload="alert(1)">', 'utf16le'), reason: /web page \(HTML\)/ },
        { name: 'latin1.txt', kind: 'other', content: Buffer.from(`Caf\xe9 notes\n${notes}<script>alert(1)</script>\n`, 'latin1'), reason: /web page \(HTML\)/ },
        { name: 'set.svg', kind: 'image', content: Buffer.from(svg('<rect width="9" height="9"><set attributeName="onmouseover" to="alert(1)"/></rect>')), reason: /scripts or event handlers/ },
        { name: 'animate.svg', kind: 'image', content: Buffer.from(svg('<rect><animate attributeName = \'onclick\' values="alert(1)"/></rect>')), reason: /scripts or event handlers/ },
        { name: 'utf16.svg', kind: 'image', content: utf16le(svg('<set attributeName="onmouseover" to="alert(1)"/>')), reason: /SVG image with scripts/ },
      ];
      const ids = await Promise.all(cases.map((c) => upload(author, c.content, c.name, c.kind)));
      for (const [i, c] of cases.entries()) {
        const asset = await settled(author, ids[i] as string);
        assert.equal(asset.state, 'failed', `${c.name} was accepted as ${asset.mime}`);
        assert.match(asset.reason ?? '', c.reason, c.name);
      }
      // Clean files of the same shapes are still accepted.
      const clean = await settled(author, await upload(author, Buffer.from(`${notes}Quoting <html> mid-line is fine.\n`), 'notes.txt', 'other'));
      assert.equal(clean.state, 'ready', clean.reason ?? '');
      const animated = svg('<rect width="9" height="9"><animate attributeName="opacity" values="0;1" dur="1s"/></rect>');
      const svgOk = await settled(author, await upload(author, Buffer.from(animated), 'fade.svg', 'image'));
      assert.equal(svgOk.state, 'ready', svgOk.reason ?? '');
    });

    it('holds a file to its real kind’s size limit: a 3 MB WAV declared as video (limit 8 MB) fails as audio (limit 2 MB)', async () => {
      const id = await upload(author, wav(3 * MiB), 'lecture.wav', 'video');
      const asset = await settled(author, id);
      assert.equal(asset.state, 'failed', `stored as ${asset.kind} ${asset.mime}`);
      assert.equal(asset.reason, 'lecture.wav is 3 MB; the limit for audio files is 2 MB. It was uploaded as a video, but it is an audio file.');
      assert.equal((await author.get(`/api/assets/${id}/original`)).statusCode, 409, 'nothing stored');
      // Within the audio limit, the same declaration is filed as audio.
      const small = await settled(author, await upload(author, wav(MiB), 'short.wav', 'video'));
      assert.equal(small.kind, 'audio');
      assert.notEqual(small.reason ?? '', asset.reason);
    });

    it('answers tus requests without access-control-allow-origin, whatever the Origin', async () => {
      const created = await createUpload(base, author, 10, 'other', { origin: 'https://evil.example' });
      assert.equal(created.status, 201, await created.text());
      assert.equal(created.headers.get('access-control-allow-origin'), null);
      const location = created.headers.get('location') ?? '';
      const head = await fetch(new URL(location, base), {
        method: 'HEAD',
        headers: { cookie: author.cookieHeader(), 'tus-resumable': '1.0.0', origin: 'https://evil.example' },
      });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('access-control-allow-origin'), null);
      const refused = await createUpload(base, author, 10, 'other', { origin: 'https://evil.example', 'tus-resumable': '' });
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
      await author.request('DELETE', `/api/assets/${location.split('/').pop()}`);
    });
  });
}
