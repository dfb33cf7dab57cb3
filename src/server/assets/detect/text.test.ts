import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { detectFile } from './index.ts';
import { FIXTURES, put, tempDir } from './testkit.ts';

const dir = await tempDir();

const svg = (body: string, prolog = '') =>
  `${prolog}<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${body}</svg>\n`;

async function svgScript(content: string): Promise<unknown> {
  const result = await detectFile(await put(dir, 'x.svg', content), 'image');
  assert.ok(result.ok, JSON.stringify(result));
  return result.details.hasScript;
}

describe('detectFile: SVG', () => {
  it('accepts an SVG without script', async () => {
    const file = await put(dir, 'plain.svg', svg('<rect width="10" height="10" fill="red"/>'));
    assert.deepEqual(await detectFile(file, 'image'), {
      ok: true,
      kind: 'image',
      mime: 'image/svg+xml',
      ext: 'svg',
      details: { svg: true, hasScript: false },
    });
  });

  it('finds the root after an XML declaration, comments and a doctype', async () => {
    const prolog =
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generator: x -->\n' +
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n';
    assert.equal(await svgScript(svg('<circle r="4"/>', prolog)), false);
  });

  it('flags script elements, event handlers, javascript: links and foreignObject', async () => {
    assert.equal(await svgScript(svg('<script>alert(1)</script>')), true);
    assert.equal(await svgScript(svg('<svg:script href="x.js"/>')), true);
    assert.equal(await svgScript(svg('<rect onload="alert(1)"/>')), true);
    assert.equal(await svgScript(svg('<a href="javascript:alert(1)"><text>x</text></a>')), true);
    assert.equal(await svgScript(svg('<a xlink:href="java\nscript:alert(1)">x</a>')), true);
    assert.equal(await svgScript(svg('<a href="&#106;avascript:alert(1)">x</a>')), true);
    assert.equal(await svgScript(svg('<foreignObject><div>hi</div></foreignObject>')), true);
  });

  it('finds a script far past the first chunk read', async () => {
    const filler = `<g>${'<rect width="1" height="1"/>'.repeat(80_000)}</g>`;
    assert.ok(filler.length > 2 * 1024 * 1024);
    assert.equal(await svgScript(svg(`${filler}<script>alert(1)</script>`)), true);
    assert.equal(await svgScript(svg(filler)), false);
  });

  it('flags event handlers set by animation, however the attribute name is spelled', async () => {
    assert.equal(await svgScript(svg('<set attributeName="onmouseover" to="alert(1)"/>')), true);
    assert.equal(await svgScript(svg("<animate attributeName = ' onclick' values='alert(1)'/>")), true);
    assert.equal(await svgScript(svg('<set attributeName="ev:onload" to="x()"/>')), true);
    assert.equal(await svgScript(svg('<set attributeName="&#111;nclick" to="x()"/>')), true);
    assert.equal(await svgScript(svg('<animate attributeName="opacity" values="0;1"/>')), false);
  });

  it('files an SVG uploaded as "other" as an image', async () => {
    const result = await detectFile(await put(dir, 'logo.bin', svg('<rect onclick="x()"/>')), 'other');
    assert.equal(result.ok && result.kind, 'image');
  });
});

const SRT = '1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 --> 00:00:04,500\nWorld\n';
const VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello <b>world</b>\n';

describe('detectFile: captions', () => {
  it('accepts an SRT file', async () => {
    assert.deepEqual(await detectFile(await put(dir, 'a.srt', SRT), 'captions'), {
      ok: true,
      kind: 'captions',
      mime: 'application/x-subrip',
      ext: 'srt',
      details: { format: 'srt' },
    });
  });

  it('accepts an SRT with a BOM and CRLF line ends, uploaded as "other"', async () => {
    const file = await put(dir, 'b.srt', `\uFEFF${SRT.replaceAll('\n', '\r\n')}`);
    const result = await detectFile(file, 'other');
    assert.equal(result.ok && `${result.kind} ${result.ext}`, 'captions srt');
  });

  it('accepts a WebVTT file, with or without a BOM', async () => {
    const expected = { ok: true, kind: 'captions', mime: 'text/vtt', ext: 'vtt', details: { format: 'vtt' } };
    assert.deepEqual(await detectFile(await put(dir, 'a.vtt', VTT), 'captions'), expected);
    assert.deepEqual(await detectFile(await put(dir, 'b.vtt', `\uFEFFWEBVTT - title\r\n\r\n`), 'captions'), expected);
  });

  it('asks for UTF-8 when captions are saved in another encoding', async () => {
    const latin1 = Buffer.from(SRT.replace('Hello', 'Déjà vu'), 'latin1');
    assert.deepEqual(await detectFile(await put(dir, 'latin1.srt', latin1), 'captions'), {
      ok: false,
      reason: 'This caption file is not saved as UTF-8 text; save it as UTF-8 and upload it again.',
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VTT, 'utf16le')]);
    assert.deepEqual(await detectFile(await put(dir, 'utf16.vtt', utf16), 'captions'), {
      ok: false,
      reason: 'This file is text saved in UTF-16 encoding; save it as UTF-8 and upload it again.',
    });
  });

  it('refuses plain text uploaded as captions', async () => {
    assert.deepEqual(await detectFile(await put(dir, 'notes.srt', 'Just some notes.\n'), 'captions'), {
      ok: false,
      reason: 'This file is not a caption file (SRT or WebVTT) (it looks like a plain text file).',
    });
  });
});

describe('detectFile: other text', () => {
  it('accepts plain text and XML as "other"', async () => {
    assert.deepEqual(await detectFile(path.join(FIXTURES, 'moodle/questions.gift.txt'), 'other'), {
      ok: true,
      kind: 'other',
      mime: 'text/plain',
      ext: 'txt',
      details: {},
    });
    assert.deepEqual(await detectFile(path.join(FIXTURES, 'moodle/multichoice.xml'), 'other'), {
      ok: true,
      kind: 'other',
      mime: 'application/xml',
      ext: 'xml',
      details: {},
    });
  });

  it('does not take markup quoted inside a text file for a web page', async () => {
    // The Aiken file says: "…includes <html class="cool"> & images".
    const result = await detectFile(path.join(FIXTURES, 'moodle/questions.aiken.txt'), 'other');
    assert.equal(result.ok && result.mime, 'text/plain');
  });

  it('refuses XHTML, which a browser renders as a web page', async () => {
    const xhtml = '<?xml version="1.0"?>\n<page xmlns:h="http://www.w3.org/1999/xhtml"><h:script>x()</h:script></page>';
    const result = await detectFile(await put(dir, 'a.xml', xhtml), 'other');
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /web page/);
  });

  it('refuses HTML anywhere in the file, in UTF-8, UTF-16 (either byte order) or 8-bit text', async () => {
    const filler = 'Notes, nothing to see.\n'.repeat(150_000);
    assert.ok(filler.length > 3 * 1024 * 1024);
    const refused = async (name: string, content: Buffer) => {
      const result = await detectFile(await put(dir, name, content), 'other');
      assert.equal(result.ok, false, name);
      assert.match(result.ok ? '' : result.reason, /web page/, name);
    };
    await refused('late.txt', Buffer.from(`${filler}<script>alert(1)</script>`));
    await refused('be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('<html><p>hi', 'utf16le').swap16()]));
    await refused('le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${filler}<!doctype html>`, 'utf16le')]));
    await refused('late.xml', Buffer.from(`<?xml version="1.0"?>\n<page>${filler}<h:p xmlns:h="http://www.w3.org/1999/xhtml"/></page>`));
    const clean = await detectFile(await put(dir, 'clean.txt', Buffer.from(`${filler}see <script> tags mid-line\n`)), 'other');
    assert.equal(clean.ok && clean.mime, 'text/plain');
  });

  it('does not take text that starts with "FWS" for a Flash file', async () => {
    const result = await detectFile(await put(dir, 'fws.txt', 'FWS 2024 planning notes\n'), 'other');
    assert.equal(result.ok && result.mime, 'text/plain');
  });
});
