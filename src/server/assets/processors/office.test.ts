import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { createOfficeProcessor, processOffice } from './office.ts';
import { readPdfInfo } from './pdf.ts';
import { FIXTURES, inputFor, processesMentioning, tempDir } from './test-support.ts';
import type { ProcessResult } from './types.ts';
import { skipIfOptedOut } from '../../testing/prerequisites.ts';
import { waitFor } from '../../testing/wait.ts';

const office = (name: string) => path.join(FIXTURES, 'office', name);
const noSoffice = createOfficeProcessor({ soffice: 'lectern-no-soffice' });
const skip = skipIfOptedOut('office', 'pdf');
const roles = (result: ProcessResult) => (result.ok ? result.derivatives.map((d) => d.role) : []);

describe('office processor without LibreOffice', () => {
  it('gives a .docx an HTML preview and no note', async (t) => {
    const dir = await tempDir(t);
    const result = await noSoffice(inputFor(office('tables.docx'), dir));
    assert.ok(result.ok);
    assert.deepEqual(roles(result), ['html']);
    assert.equal(result.note, undefined);
    assert.deepEqual(result.metadata, { format: 'docx', images: 0 });
    const [html] = result.derivatives;
    assert.equal(html?.mime, 'text/html');
    assert.ok(html?.path.startsWith(dir));
    assert.match(await readFile(html?.path ?? '', 'utf8'), /<table>/);
  });

  it('has no preview for other formats, and says so', async (t) => {
    const result = await noSoffice(inputFor(office('textract_standardized_text.pptx'), await tempDir(t)));
    assert.deepEqual(result, {
      ok: true,
      derivatives: [],
      metadata: { format: 'pptx' },
      note: 'Preview unavailable — download the file to open it.',
    });
  });

  it('refuses a .docx that cannot be read', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'broken.docx');
    await writeFile(file, 'PK\u0003\u0004 this is not really a zip');
    assert.deepEqual(await noSoffice(inputFor(file, dir)), {
      ok: false,
      reason: 'The document could not be opened; it may be damaged.',
    });
  });
});

describe('office processor with LibreOffice', { skip }, () => {
  for (const name of [
    'textract_raw_text.doc',
    'textract_standardized_text.pptx',
    'textract_standardized_text.xlsx',
    'textract_standardized_text.odt',
  ]) {
    it(`converts ${name} to PDF with a thumbnail`, async (t) => {
      const dir = await tempDir(t);
      const ext = path.extname(name).slice(1);
      const result = await processOffice(inputFor(office(name), dir, { ext }));
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.metadata.format, ext);
      assert.ok(Number(result.metadata.pages) >= 1);
      const pdf = result.derivatives.find((d) => d.role === 'pdf');
      assert.equal(pdf?.mime, 'application/pdf');
      assert.ok(pdf?.path.startsWith(dir));
      assert.equal((await readPdfInfo(pdf?.path ?? ''))?.pages, result.metadata.pages);
      assert.deepEqual(roles(result), ['pdf', 'thumbnail']);
    });
  }

  it('gives a .docx both the HTML preview and the PDF', async (t) => {
    const dir = await tempDir(t);
    // Stored originals have no extension; the detected one is what counts.
    const file = path.join(dir, 'blob-without-extension');
    await copyFile(office('tiny-picture.docx'), file);
    const result = await processOffice(inputFor(file, dir, { ext: 'docx' }));
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(roles(result).slice(0, 2), ['html', 'pdf']);
    assert.equal(result.metadata.pages, 1);
    assert.equal(result.metadata.images, 1);
  });

  it('refuses a damaged document', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'broken.doc');
    const bytes = await readFile(office('textract_raw_text.doc'));
    await writeFile(file, bytes.subarray(0, 600)); // the OLE header survives, the rest is gone
    assert.deepEqual(await processOffice(inputFor(file, dir, { ext: 'doc' })), {
      ok: false,
      reason: 'The document could not be opened; it may be damaged.',
    });
  });

  it('does not embed server files that a document links to', async (t) => {
    const dir = await tempDir(t);
    const secret = path.join(dir, 'someone-elses.png');
    await sharp({ create: { width: 200, height: 200, channels: 3, background: '#00ff00' } })
      .png()
      .toFile(secret);
    const file = path.join(dir, 'linked.fodt');
    await writeFile(
      file,
      `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text><text:p>Look:<draw:frame draw:name="g" svg:width="5cm" svg:height="5cm" text:anchor-type="as-char"><draw:image xlink:href="${pathToFileURL(secret).href}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p></office:text></office:body></office:document>`,
    );
    const work = await tempDir(t);
    const result = await processOffice(inputFor(file, work, { ext: 'fodt' }));
    assert.ok(result.ok, JSON.stringify(result));
    const pdf = await readFile(result.derivatives.find((d) => d.role === 'pdf')?.path ?? '', 'latin1');
    // Without BlockUntrustedRefererLinks in the profile, LibreOffice embeds the linked file as an image.
    assert.doesNotMatch(pdf, /\/Subtype\s*\/Image/);
  });

  it('on abort kills LibreOffice and rejects', async (t) => {
    const dir = await tempDir(t);
    const controller = new AbortController();
    const run = processOffice(
      inputFor(office('textract_standardized_text.xlsx'), dir, { ext: 'xlsx' }, { signal: controller.signal }),
    );
    // Aborted once LibreOffice runs (its command line names the work folder).
    const converting = waitFor(() => processesMentioning(dir).length > 0, 'LibreOffice to start', 30_000, 20);
    await Promise.race([converting, run]);
    controller.abort(new Error('cancelled by test'));
    const started = Date.now();
    await assert.rejects(run, { name: 'ToolError', kind: 'aborted' });
    assert.ok(Date.now() - started < 3000);
    await waitFor(() => processesMentioning(dir).length === 0, 'no LibreOffice process to be left', 5_000, 20);
  });
});
