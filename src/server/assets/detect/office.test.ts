import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import CFB from 'cfb';
import { detectFile } from './index.ts';
import { CONTENT_TYPES, endOfCentralDirectory, FIXTURES, put, tempDir, writeZip } from './testkit.ts';

const dir = await tempDir();
const office = (name: string) => path.join(FIXTURES, 'office', name);
const MiB = 1024 * 1024;

const MIME = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  doc: 'application/msword',
};

describe('detectFile: office fixtures', () => {
  const cases: [string, keyof typeof MIME][] = [
    ['footnotes.docx', 'docx'],
    ['simple-list.docx', 'docx'],
    ['single-paragraph.docx', 'docx'],
    ['tables.docx', 'docx'],
    ['tiny-picture.docx', 'docx'],
    ['textract_paragraphs_and_tables.docx', 'docx'],
    ['textract_standardized_text.xlsx', 'xlsx'],
    ['textract_standardized_text.pptx', 'pptx'],
    ['textract_standardized_text.odt', 'odt'],
    ['textract_raw_text.doc', 'doc'],
  ];
  for (const [name, format] of cases) {
    it(`recognises ${name} as ${format}`, async () => {
      const expected = { ok: true, kind: 'office', mime: MIME[format], ext: format, details: { format } };
      assert.deepEqual(await detectFile(office(name), 'office'), expected);
      // Uploaded under the wrong kind, it is still filed as office.
      assert.deepEqual(await detectFile(office(name), 'other'), expected);
      assert.deepEqual(await detectFile(office(name), 'pdf'), expected);
    });
  }

  it('refuses a docx cut in half', async () => {
    const data = await readFile(office('tables.docx'));
    const file = await put(dir, 'half.docx', data.subarray(0, data.length >> 1));
    assert.deepEqual(await detectFile(file, 'office'), {
      ok: false,
      reason: 'This file looks like a zip archive (such as a Word or Excel document) but it is damaged or cut off.',
    });
  });
});

describe('detectFile: zip files', () => {
  it('refuses a docx zip bomb of 600 MB of zeros (the file itself stays small)', async () => {
    const file = await writeZip(path.join(dir, 'bomb.docx'), [
      { name: '[Content_Types].xml', data: CONTENT_TYPES },
      { name: 'word/document.xml', zeros: 600 * MiB },
    ]);
    assert.ok((await stat(file)).size < 1 * MiB);
    assert.deepEqual(await detectFile(file, 'office'), {
      ok: false,
      reason: 'This document expands to more than 500 MB when opened; it may be a zip bomb.',
    });
    // Refused whatever the declared kind.
    assert.equal((await detectFile(file, 'other')).ok, false);
  });

  it('refuses a part compressed more than 200:1 beyond 10 MB', async () => {
    const file = await writeZip(path.join(dir, 'ratio.docx'), [
      { name: '[Content_Types].xml', data: CONTENT_TYPES },
      { name: 'word/document.xml', zeros: 20 * MiB },
    ]);
    assert.deepEqual(await detectFile(file, 'office'), {
      ok: false,
      reason:
        'This document contains a part compressed more than 200 times (over 10 MB once opened); it may be a zip bomb.',
    });
  });

  it('accepts highly compressible parts under 10 MB', async () => {
    const file = await writeZip(path.join(dir, 'small.docx'), [
      { name: '[Content_Types].xml', data: CONTENT_TYPES },
      { name: 'word/document.xml', zeros: 9 * MiB },
    ]);
    const result = await detectFile(file, 'office');
    assert.equal(result.ok && result.ext, 'docx');
  });

  it('refuses more than 10,000 entries, and takes the limits as parameters', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}` }));
    const file = await writeZip(path.join(dir, 'many.zip'), many);
    assert.deepEqual(await detectFile(file, 'other'), {
      ok: false,
      reason: 'This file contains more than 10,000 parts inside; it may be a zip bomb.',
    });
    const few = await writeZip(path.join(dir, 'few.zip'), many.slice(0, 12));
    assert.equal((await detectFile(few, 'other')).ok, true);
    assert.equal((await detectFile(few, 'other', { zipLimits: { maxEntries: 10 } })).ok, false);
    const doc = office('tables.docx');
    const limited = await detectFile(doc, 'office', { zipLimits: { maxTotalUncompressedBytes: 10_000 } });
    assert.deepEqual(limited, {
      ok: false,
      reason: 'This document expands to more than 9.8 KB when opened; it may be a zip bomb.',
    });
  });

  it('refuses entries that share their data (overlapping zip bomb)', async () => {
    const file = await writeZip(path.join(dir, 'one.zip'), [{ name: 'a', zeros: 5 * MiB }]);
    const zip = await readFile(file);
    // Repeat the single central directory record 50 times, all pointing at the same data.
    const cdStart = zip.readUInt32LE(zip.length - 22 + 16);
    const record = zip.subarray(cdStart, zip.length - 22);
    const records = Buffer.concat(Array.from({ length: 50 }, () => record));
    const overlapped = Buffer.concat([
      zip.subarray(0, cdStart),
      records,
      endOfCentralDirectory(50, records.length, cdStart),
    ]);
    assert.deepEqual(await detectFile(await put(dir, 'overlap.zip', overlapped), 'other'), {
      ok: false,
      reason: 'This archive has parts that overlap each other; it may be a zip bomb.',
    });
  });

  it('accepts a plain zip only as "other"', async () => {
    const file = await writeZip(path.join(dir, 'plain.zip'), [{ name: 'readme.txt', data: Buffer.from('hi') }]);
    assert.deepEqual(await detectFile(file, 'other'), {
      ok: true,
      kind: 'other',
      mime: 'application/zip',
      ext: 'zip',
      details: {},
    });
    assert.deepEqual(await detectFile(file, 'office'), {
      ok: false,
      reason:
        'This file is not an office document (Word, Excel, PowerPoint or OpenDocument) (it looks like a zip archive).',
    });
  });

  it('names macro-enabled OOXML by its real extension', async () => {
    const file = await writeZip(path.join(dir, 'macros.docx'), [
      { name: '[Content_Types].xml', data: CONTENT_TYPES },
      { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
      { name: 'word/vbaProject.bin', data: Buffer.from('vba') },
    ]);
    assert.deepEqual(await detectFile(file, 'office'), {
      ok: true,
      kind: 'office',
      mime: 'application/vnd.ms-word.document.macroEnabled.12',
      ext: 'docm',
      details: { format: 'docx', macros: true },
    });
  });

  it('reads the ODF mimetype entry', async () => {
    const file = await writeZip(path.join(dir, 'deck.odp'), [
      { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.presentation') },
      { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
    ]);
    const result = await detectFile(file, 'office');
    assert.deepEqual(result.ok && [result.ext, result.details], ['odp', { format: 'odp' }]);
  });
});

function cfbFile(streams: Record<string, string>, rootClsid?: string): Buffer {
  const container = CFB.utils.cfb_new();
  for (const [name, content] of Object.entries(streams)) CFB.utils.cfb_add(container, name, Buffer.from(content));
  if (rootClsid && container.FileIndex[0]) container.FileIndex[0].clsid = rootClsid;
  return CFB.write(container, { type: 'buffer' }) as Buffer;
}

describe('detectFile: compound (OLE2) files', () => {
  it('tells Word, Excel and PowerPoint apart by their streams', async () => {
    const cases: [string, string, string][] = [
      ['Workbook', 'xls', 'application/vnd.ms-excel'],
      ['Book', 'xls', 'application/vnd.ms-excel'],
      ['PowerPoint Document', 'ppt', 'application/vnd.ms-powerpoint'],
      ['WordDocument', 'doc', 'application/msword'],
    ];
    for (const [stream, format, mime] of cases) {
      const file = await put(dir, `${format}.bin`, cfbFile({ [stream]: 'x' }));
      assert.deepEqual(await detectFile(file, 'office'), {
        ok: true,
        kind: 'office',
        mime,
        ext: format,
        details: { format },
      });
    }
  });

  it('refuses a compound file that is not an Office document, unless declared "other"', async () => {
    // The Word stream sits in a sub-storage, as an embedded object would: not a Word file.
    const file = await put(dir, 'thing.doc', cfbFile({ Stuff: 'x', 'ObjectPool/_1/WordDocument': 'x' }));
    assert.deepEqual(await detectFile(file, 'office'), {
      ok: false,
      reason:
        'This file is not an office document (Word, Excel, PowerPoint or OpenDocument) (it looks like a Microsoft compound file that is not a Word, Excel or PowerPoint document).',
    });
    assert.deepEqual(await detectFile(file, 'other'), {
      ok: true,
      kind: 'other',
      mime: 'application/x-cfb',
      ext: 'cfb',
      details: {},
    });
  });

  it('explains password-protected documents', async () => {
    const file = await put(dir, 'secret.docx', cfbFile({ EncryptionInfo: 'x', EncryptedPackage: 'x' }));
    assert.deepEqual(await detectFile(file, 'office'), {
      ok: false,
      reason:
        'This document is protected with a password, so it cannot be shown or converted. Remove the password and upload it again.',
    });
  });

  it('refuses a Windows installer everywhere', async () => {
    const file = await put(dir, 'setup.doc', cfbFile({ Stuff: 'x' }, '84100c0000000000c000000000000046'));
    assert.deepEqual(await detectFile(file, 'other'), {
      ok: false,
      reason: 'This file is a Windows installer. Programs and scripts cannot be uploaded.',
    });
  });

  it('reports macros in a legacy Word file', async () => {
    const file = await put(dir, 'macro.doc', cfbFile({ WordDocument: 'x', 'Macros/VBA/dir': 'x' }));
    const result = await detectFile(file, 'office');
    assert.deepEqual(result.ok && result.details, { format: 'doc', macros: true });
  });

  it('refuses a damaged compound file', async () => {
    const data = await readFile(office('textract_raw_text.doc'));
    const file = await put(dir, 'cut.doc', data.subarray(0, 1024));
    assert.deepEqual(await detectFile(file, 'office'), {
      ok: false,
      reason: 'This file looks like an Office 97–2003 document but it is damaged or cut off.',
    });
  });
});
