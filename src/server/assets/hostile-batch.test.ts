// One batch of good files and hostile or broken ones, uploaded together: every bad file fails alone
// with a clear reason, every good one ends ready, and the server stays up.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { AssetView } from '../../shared/assets.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { FIXTURES } from '../testing/fixtures.ts';
import { tusUpload } from '../testing/tus.ts';
import { CONTENT_TYPES, writeZip } from './detect/testkit.ts';
import { skipIfOptedOut } from '../testing/prerequisites.ts';

const MiB = 1024 * 1024;

/** A PNG whose header declares 100000 × 100000 pixels (a decompression bomb), CRCs correct. */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlibCrc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}


interface Case {
  name: string;
  kind: string;
  content: Buffer;
  expect: 'ready' | 'failed';
  /** For a failure: what the reason must say. */
  reason?: RegExp;
}

describe('[sqlite] a hostile batch of uploads', () => {
  let app: TestApp;
  let author: TestClient;
  let base: string;
  let work: string;

  before(async () => {
    app = await createTestApp('sqlite');
    await app.app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    author = (await createSignedInUser(app, await setUpAdmin(app), 'author')).client;
    await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    work = mkdtempSync(path.join(tmpdir(), 'lectern-hostile-'));
  });
  after(async () => {
    await app.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('fails each bad file alone with its reason and makes every good one ready', { timeout: 240_000, skip: skipIfOptedOut('video', 'office') }, async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#2a6' } }).png().toBuffer();
    const pdfDoc = await PDFDocument.create();
    pdfDoc.addPage();
    pdfDoc.addPage();
    const pdf = Buffer.from(await pdfDoc.save());
    const mp3 = path.join(work, 'tone.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', mp3]);
    const bomb = readFileSync(
      await writeZip(path.join(work, 'bomb.docx'), [
        { name: '[Content_Types].xml', data: CONTENT_TYPES },
        { name: 'word/document.xml', zeros: 600 * MiB },
      ]),
    );
    const fixture = (p: string) => readFileSync(path.join(FIXTURES, p));

    const cases: Case[] = [
      { name: 'single-paragraph.docx', kind: 'office', content: fixture('office/single-paragraph.docx'), expect: 'ready' },
      { name: 'raw_text.doc', kind: 'office', content: fixture('office/textract_raw_text.doc'), expect: 'ready' },
      { name: '../../../etc/ZeroClipboard.swf', kind: 'flash', content: fixture('swf/ZeroClipboard.swf'), expect: 'ready' },
      { name: 'expressInstall.swf', kind: 'flash', content: fixture('swf/expressInstall.swf'), expect: 'ready' },
      { name: 'diagram\u0001\u001b[31m.png', kind: 'image', content: png, expect: 'ready' },
      { name: 'handout.pdf', kind: 'pdf', content: pdf, expect: 'ready' },
      { name: 'tone.mp3', kind: 'audio', content: readFileSync(mp3), expect: 'ready' },
      { name: 'subs.srt', kind: 'captions', content: Buffer.from('1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\n'), expect: 'ready' },
      { name: 'empty.pdf', kind: 'pdf', content: Buffer.alloc(0), expect: 'failed', reason: /empty/i },
      { name: 'cut.png', kind: 'image', content: png.subarray(0, Math.floor(png.length / 2)), expect: 'failed', reason: /cut off|damaged|incomplete/i },
      { name: 'syllabus.pdf', kind: 'pdf', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4000, 0x90)]), expect: 'failed', reason: /program|executable/i },
      {
        name: 'logo.svg',
        kind: 'image',
        content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'),
        expect: 'failed',
        reason: /script/i,
      },
      { name: 'huge.png', kind: 'image', content: pngDeclaring(100_000, 100_000), expect: 'failed', reason: /too large|megapixels/i },
      { name: 'bomb.docx', kind: 'office', content: bomb, expect: 'failed', reason: /zip bomb/i },
    ];

    const csrf = await author.csrf();
    const uploads = await Promise.allSettled(
      cases.map((c) => tusUpload(base, c.content, { cookie: author.cookieHeader(), csrf, filename: c.name, kind: c.kind })),
    );
    const ids = new Map<string, Case>();
    uploads.forEach((u, i) => {
      const c = cases[i] as Case;
      // An empty file may already be refused at creation; either way it must not become an asset that is ready.
      if (u.status === 'fulfilled') ids.set(u.value.assetId, c);
      else assert.equal(c.expect, 'failed', `${c.name} could not be uploaded: ${u.reason}`);
    });

    const deadline = Date.now() + 200_000;
    let views: AssetView[] = [];
    while (Date.now() < deadline) {
      views = (await author.get('/api/assets')).json().assets as AssetView[];
      const mine = views.filter((v) => ids.has(v.id));
      if (mine.length === ids.size && mine.every((v) => v.state === 'ready' || v.state === 'failed')) break;
      await sleep(250);
    }
    const problems: string[] = [];
    for (const view of views.filter((v) => ids.has(v.id))) {
      const c = ids.get(view.id) as Case;
      if (view.state !== c.expect) problems.push(`${c.name}: ${view.state} (${view.reason}), expected ${c.expect}`);
      else if (c.reason && !c.reason.test(view.reason ?? '')) problems.push(`${c.name}: reason "${view.reason}" does not match ${c.reason}`);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none got through.
      if (/[\u0000-\u001f/\\]/.test(view.originalName)) problems.push(`${c.name}: unsafe display name ${JSON.stringify(view.originalName)}`);
    }
    assert.deepEqual(problems, []);
    assert.equal((await author.get('/healthz')).statusCode, 200);
  });

  it('accepts a file name that is not valid UTF-8, showing it readably', async () => {
    const csrf = await author.csrf();
    const name = Buffer.concat([Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('.srt')]).toString('base64');
    const body = Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nHi\n');
    const created = await fetch(`${base}/api/uploads`, {
      method: 'POST',
      headers: {
        cookie: author.cookieHeader(),
        'x-csrf-token': csrf,
        'tus-resumable': '1.0.0',
        'upload-length': String(body.length),
        'upload-metadata': `filename ${name},kind ${Buffer.from('captions').toString('base64')}`,
      },
    });
    assert.equal(created.status, 201, await created.text());
    const id = (created.headers.get('location') as string).split('/').pop() as string;
    const view = (await author.get(`/api/assets/${id}`)).json().asset as AssetView;
    assert.match(view.originalName, /A\.srt$/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none got through.
    assert.doesNotMatch(view.originalName, /[\u0000-\u001f]/);
  });
});
