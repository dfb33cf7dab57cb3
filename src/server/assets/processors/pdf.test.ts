import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PDFDocument, PDFHexString, PDFName, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { createPdfProcessor, processPdf, readPdfInfo } from './pdf.ts';
import { inputFor, tempDir } from './test-support.ts';
import { skipIfOptedOut } from '../../testing/prerequisites.ts';


async function threePagePdf(file: string, encrypt = false): Promise<void> {
  const doc = await PDFDocument.create();
  doc.setTitle('Course handbook');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= 3; i++) doc.addPage([595, 842]).drawText(`Page ${i}`, { x: 50, y: 780, size: 40, font });
  if (encrypt) {
    // An /Encrypt dictionary whose password check fails: readers (and pdftoppm) need a password to open it.
    doc.context.trailerInfo.Encrypt = doc.context.obj({
      Filter: PDFName.of('Standard'),
      V: 1,
      R: 2,
      O: PDFHexString.of('00'.repeat(32)),
      U: PDFHexString.of('11'.repeat(32)),
      P: -4,
    });
  }
  await writeFile(file, await doc.save());
}

describe('pdf processor', () => {
  it('counts pages and reads the title', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'handbook.pdf');
    await threePagePdf(file);
    assert.deepEqual(await readPdfInfo(file), { pages: 3, encrypted: false, title: 'Course handbook' });
  });

  it('makes a thumbnail of page 1 with pdftoppm', { skip: skipIfOptedOut('pdf') }, async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'handbook.pdf');
    await threePagePdf(file);
    const result = await processPdf(inputFor(file, dir, { mime: 'application/pdf' }));
    assert.ok(result.ok);
    assert.deepEqual(result.metadata, { pages: 3, encrypted: false, title: 'Course handbook' });
    assert.equal(result.note, undefined);
    assert.equal(result.derivatives.length, 1);
    const [thumb] = result.derivatives;
    assert.equal(thumb?.role, 'thumbnail');
    assert.equal(thumb?.mime, 'image/png');
    const meta = await sharp(thumb?.path).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.height, 320); // A4 portrait: the long side is scaled to 320
    assert.ok(meta.width > 200 && meta.width < 240, `width ${meta.width}`);
  });

  it('without pdftoppm: no thumbnail, still ready', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'handbook.pdf');
    await threePagePdf(file);
    const result = await createPdfProcessor({ pdftoppm: 'lectern-no-pdftoppm' })(inputFor(file, dir));
    assert.deepEqual(result, {
      ok: true,
      derivatives: [],
      metadata: { pages: 3, encrypted: false, title: 'Course handbook' },
    });
  });

  it('counts the pages of an encrypted PDF and says it may need a password', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'locked.pdf');
    await threePagePdf(file, true);
    const result = await processPdf(inputFor(file, dir));
    assert.ok(result.ok);
    assert.deepEqual(result.metadata, { pages: 3, encrypted: true });
    assert.deepEqual(result.derivatives, []); // pdftoppm, if present, cannot open it either
    assert.match(result.note ?? '', /encrypted; readers may be asked for a password/);
  });

  it('refuses a damaged file or one that is not a PDF', async (t) => {
    const dir = await tempDir(t);
    const valid = path.join(dir, 'valid.pdf');
    await threePagePdf(valid);
    const corrupt = path.join(dir, 'corrupt.pdf');
    await writeFile(
      corrupt,
      Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n%%EOF'),
    );
    const notPdf = path.join(dir, 'not.pdf');
    await writeFile(notPdf, 'hello, world');
    for (const file of [corrupt, notPdf]) {
      assert.deepEqual(await processPdf(inputFor(file, dir)), {
        ok: false,
        reason: 'The PDF is damaged or is not a PDF.',
      });
    }
  });
});
