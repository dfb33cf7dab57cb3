import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { AssetKind } from '../../../shared/assets.ts';
import { decide, detectFile } from './index.ts';
import { fromFileType } from './media.ts';
import { put, tempDir } from './testkit.ts';
import { CUT_OFF } from './types.ts';
import { skipIfOptedOut } from '../../testing/prerequisites.ts';

const PROGRAMS = 'Programs and scripts cannot be uploaded.';

const dir = await tempDir();
let png: Buffer;
let jpeg: Buffer;
before(async () => {
  const image = sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } });
  png = await image.clone().png().toBuffer();
  jpeg = await image.clone().jpeg().toBuffer();
});

describe('detectFile: images', () => {
  it('accepts a PNG and a JPEG made by sharp', async () => {
    assert.deepEqual(await detectFile(await put(dir, 'a.png', png), 'image'), {
      ok: true,
      kind: 'image',
      mime: 'image/png',
      ext: 'png',
      details: {},
    });
    assert.deepEqual(await detectFile(await put(dir, 'a.jpg', jpeg), 'image'), {
      ok: true,
      kind: 'image',
      mime: 'image/jpeg',
      ext: 'jpg',
      details: {},
    });
  });

  it('files a PNG uploaded as "pdf" or "other" under its real kind', async () => {
    const file = await put(dir, 'photo.pdf', png);
    for (const declared of ['pdf', 'other', 'video'] as const) {
      const result = await detectFile(file, declared);
      assert.equal(result.ok && result.kind, 'image');
      assert.equal(result.ok && result.mime, 'image/png');
    }
  });

  it('refuses a PNG or JPEG with its end cut off', async () => {
    const cutPng = await put(dir, 'cut.png', png.subarray(0, png.length - 20));
    assert.deepEqual(await detectFile(cutPng, 'image'), { ok: false, reason: CUT_OFF });
    const cutJpeg = await put(dir, 'cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.7)));
    assert.deepEqual(await detectFile(cutJpeg, 'image'), { ok: false, reason: CUT_OFF });
    // Cut-off files are refused whatever the declared kind.
    assert.deepEqual(await detectFile(cutPng, 'other'), { ok: false, reason: CUT_OFF });
  });

  it('accepts bytes appended after the real end of a PNG or JPEG', async () => {
    const junk = Buffer.alloc(100_000, 0x41);
    const a = await detectFile(await put(dir, 'junk.png', Buffer.concat([png, junk])), 'image');
    assert.equal(a.ok && a.mime, 'image/png');
    const b = await detectFile(await put(dir, 'junk.jpg', Buffer.concat([jpeg, junk])), 'image');
    assert.equal(b.ok && b.mime, 'image/jpeg');
  });
});

describe('detectFile: PDF', () => {
  let pdf: Uint8Array;
  before(async () => {
    const doc = await PDFDocument.create();
    doc.addPage([200, 200]).drawText('Lectern');
    pdf = await doc.save();
  });

  it('accepts a PDF and reports its version', async () => {
    assert.deepEqual(await detectFile(await put(dir, 'doc.pdf', pdf), 'pdf'), {
      ok: true,
      kind: 'pdf',
      mime: 'application/pdf',
      ext: 'pdf',
      details: { version: '1.7' },
    });
  });

  it('accepts a hand-written PDF 1.4', async () => {
    const text =
      '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';
    const result = await detectFile(await put(dir, 'hand.pdf', text), 'pdf');
    assert.deepEqual(result.ok && result.details, { version: '1.4' });
  });

  it('refuses a PDF without its end', async () => {
    const file = await put(dir, 'half.pdf', pdf.subarray(0, Math.floor(pdf.length / 2)));
    assert.deepEqual(await detectFile(file, 'pdf'), { ok: false, reason: CUT_OFF });
  });
});

describe('detectFile: refused everywhere', () => {
  it('refuses an empty file', async () => {
    const file = await put(dir, 'empty.pdf', '');
    for (const kind of ['pdf', 'other'] as const) {
      assert.deepEqual(await detectFile(file, kind), { ok: false, reason: 'The file is empty.' });
    }
  });

  it('refuses a Windows program named .pdf', async () => {
    const mz = Buffer.alloc(256);
    mz.write('MZ', 0, 'latin1');
    mz.writeUInt32LE(0x80, 0x3c);
    mz.write('PE\0\0', 0x80, 'latin1');
    const file = await put(dir, 'invoice.pdf', mz);
    assert.deepEqual(await detectFile(file, 'pdf'), {
      ok: false,
      reason: `This file is a Windows program, not a PDF. ${PROGRAMS}`,
    });
    assert.deepEqual(await detectFile(file, 'other'), {
      ok: false,
      reason: `This file is a Windows program. ${PROGRAMS}`,
    });
  });

  it('refuses a Linux program named .pdf', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
    assert.deepEqual(await detectFile(await put(dir, 'report.pdf', elf), 'pdf'), {
      ok: false,
      reason: `This file is a Linux program, not a PDF. ${PROGRAMS}`,
    });
  });

  it('refuses a macOS program but not a Java class file', async () => {
    const macho = Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), Buffer.alloc(60)]);
    assert.deepEqual(await detectFile(await put(dir, 'app', macho), 'other'), {
      ok: false,
      reason: `This file is a macOS program. ${PROGRAMS}`,
    });
    const fat = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2, ...Buffer.alloc(56)]);
    assert.equal((await detectFile(await put(dir, 'fat', fat), 'other')).ok, false);
    const java = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x34, ...Buffer.alloc(56)]);
    const result = await detectFile(await put(dir, 'A.class', java), 'other');
    assert.equal(result.ok && result.kind, 'other');
  });

  it('refuses a shell script', async () => {
    const file = await put(dir, 'notes.txt', '#!/bin/sh\nrm -rf ~\n');
    assert.deepEqual(await detectFile(file, 'other'), {
      ok: false,
      reason: `This file is a script (it starts with “#!”). ${PROGRAMS}`,
    });
    assert.deepEqual(await detectFile(file, 'captions'), {
      ok: false,
      reason: `This file is a script (it starts with “#!”), not a caption file (SRT or WebVTT). ${PROGRAMS}`,
    });
  });

  it('refuses an HTML page, even as "other"', async () => {
    const why = 'Web pages cannot be uploaded because they could run scripts on this site.';
    const page = await put(
      dir,
      'page.html',
      '\n<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n',
    );
    assert.deepEqual(await detectFile(page, 'other'), { ok: false, reason: `This file is a web page (HTML). ${why}` });
    assert.deepEqual(await detectFile(page, 'image'), {
      ok: false,
      reason: `This file is a web page (HTML), not an image. ${why}`,
    });
    for (const html of ['<script>alert(1)</script>', '<!-- x -->\n<div onclick="x()">hi</div>', 'Title\n<html>\n']) {
      assert.equal((await detectFile(await put(dir, 'x.txt', html), 'other')).ok, false, html);
    }
  });
});

describe('detectFile: unknown files', () => {
  const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));

  it('refuses an unknown binary file unless declared "other"', async () => {
    const file = await put(dir, 'blob.pdf', random);
    assert.deepEqual(await detectFile(file, 'pdf'), {
      ok: false,
      reason: 'This file is not a PDF (it looks like an unknown binary file).',
    });
    assert.deepEqual(await detectFile(file, 'other'), {
      ok: true,
      kind: 'other',
      mime: 'application/octet-stream',
      ext: 'bin',
      details: {},
    });
  });

  it('keeps the mime file-type knows for a file no kind allows', async () => {
    const gz = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, ...random.subarray(0, 64)]);
    const file = await put(dir, 'a.gz', gz);
    assert.deepEqual(await detectFile(file, 'other'), {
      ok: true,
      kind: 'other',
      mime: 'application/gzip',
      ext: 'gz',
      details: {},
    });
    assert.deepEqual(await detectFile(file, 'video'), {
      ok: false,
      reason: 'This file is not a video (it looks like a gzip-compressed file).',
    });
  });
});

describe('detectFile: audio and video containers', () => {
  it('accepts a WAV file, and files it as audio when declared video', async () => {
    const wav = Buffer.alloc(44 + 800);
    wav.write('RIFF', 0, 'latin1');
    wav.writeUInt32LE(wav.length - 8, 4);
    wav.write('WAVEfmt ', 8, 'latin1');
    wav.writeUInt32LE(16, 16);
    wav.writeUInt16LE(1, 20);
    wav.writeUInt16LE(1, 22);
    wav.writeUInt32LE(8000, 24);
    wav.writeUInt32LE(16000, 28);
    wav.writeUInt16LE(2, 32);
    wav.writeUInt16LE(16, 34);
    wav.write('data', 36, 'latin1');
    wav.writeUInt32LE(800, 40);
    const file = await put(dir, 'a.wav', wav);
    for (const declared of ['audio', 'video'] as const) {
      assert.deepEqual(await detectFile(file, declared), {
        ok: true,
        kind: 'audio',
        mime: 'audio/wav',
        ext: 'wav',
        details: {},
      });
    }
  });

  it('keeps an Ogg file as video when declared video, else audio', () => {
    const ogg = fromFileType({ ext: 'ogg', mime: 'audio/ogg' });
    assert.deepEqual(decide(ogg, 'video'), { ok: true, kind: 'video', mime: 'video/ogg', ext: 'ogv', details: {} });
    assert.deepEqual(decide(ogg, 'audio'), { ok: true, kind: 'audio', mime: 'audio/ogg', ext: 'ogg', details: {} });
    assert.deepEqual(decide(ogg, 'other'), { ok: true, kind: 'audio', mime: 'audio/ogg', ext: 'ogg', details: {} });
  });

  it('files an MP4 declared audio as audio/mp4, otherwise as video', () => {
    const mp4 = fromFileType({ ext: 'mp4', mime: 'video/mp4' });
    assert.deepEqual(decide(mp4, 'audio'), { ok: true, kind: 'audio', mime: 'audio/mp4', ext: 'm4a', details: {} });
    assert.deepEqual(decide(mp4, 'pdf'), { ok: true, kind: 'video', mime: 'video/mp4', ext: 'mp4', details: {} });
  });

  it('names WMV and WMA from the ASF stream type', () => {
    assert.deepEqual(decide(fromFileType({ ext: 'asf', mime: 'video/x-ms-asf' }), 'video'), {
      ok: true,
      kind: 'video',
      mime: 'video/x-ms-wmv',
      ext: 'wmv',
      details: {},
    });
    const wma = decide(fromFileType({ ext: 'asf', mime: 'audio/x-ms-asf' }), 'video');
    assert.equal(wma.ok && `${wma.kind} ${wma.ext}`, 'audio wma');
  });

  it('maps the allowlisted containers to their kinds', () => {
    const cases: [string, string, string][] = [
      ['mkv', 'video/matroska', 'video'],
      ['webm', 'video/webm', 'video'],
      ['avi', 'video/vnd.avi', 'video'],
      ['mov', 'video/quicktime', 'video'],
      ['mts', 'video/mp2t', 'video'],
      ['flv', 'video/x-flv', 'video'],
      ['mpg', 'video/MP1S', 'video'],
      ['3gp', 'video/3gpp', 'video'],
      ['mp3', 'audio/mpeg', 'audio'],
      ['m4a', 'audio/x-m4a', 'audio'],
      ['aac', 'audio/aac', 'audio'],
      ['flac', 'audio/flac', 'audio'],
      ['opus', 'audio/ogg; codecs=opus', 'audio'],
      ['aif', 'audio/aiff', 'audio'],
      ['gif', 'image/gif', 'image'],
      ['webp', 'image/webp', 'image'],
      ['avif', 'image/avif', 'image'],
      ['bmp', 'image/bmp', 'image'],
      ['tif', 'image/tiff', 'image'],
      ['heic', 'image/heic', 'image'],
    ];
    for (const [ext, mime, kind] of cases) {
      const result = decide(fromFileType({ ext, mime }), 'other');
      assert.equal(result.ok && result.kind, kind, ext);
    }
    assert.equal(decide(fromFileType({ ext: 'jxl', mime: 'image/jxl' }), 'image').ok, false);
  });
});


describe('detectFile: real media files (made by ffmpeg)', { skip: skipIfOptedOut('video') }, () => {
  const make = (name: string, args: string[]) => {
    const file = path.join(dir, name);
    const src = ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25:duration=0.5'];
    const tone = ['-f', 'lavfi', '-i', 'sine=duration=0.5'];
    const run = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...src, ...tone, ...args, '-shortest', file]);
    assert.equal(run.status, 0, String(run.stderr));
    return file;
  };
  const cases: [string, string[], AssetKind, string, string][] = [
    ['v.mp4', [], 'video', 'video/mp4', 'mp4'],
    ['v.webm', [], 'video', 'video/webm', 'webm'],
    ['v.mkv', [], 'video', 'video/matroska', 'mkv'],
    ['v.mpg', ['-c:v', 'mpeg1video', '-an'], 'video', 'video/mpeg', 'mpg'],
    ['a.mp3', ['-vn'], 'audio', 'audio/mpeg', 'mp3'],
    ['a.ogg', ['-vn', '-c:a', 'libvorbis'], 'audio', 'audio/ogg', 'ogg'],
    ['a.flac', ['-vn'], 'audio', 'audio/flac', 'flac'],
  ];
  for (const [name, args, kind, mime, ext] of cases) {
    it(`recognises ${name}`, async () => {
      assert.deepEqual(await detectFile(make(name, args), kind), { ok: true, kind, mime, ext, details: {} });
    });
  }
});

describe('detectFile: I/O', () => {
  it('throws for a missing file (a server problem, not the author’s)', async () => {
    await assert.rejects(detectFile(`${dir}/missing`, 'pdf'), { code: 'ENOENT' });
  });
});
