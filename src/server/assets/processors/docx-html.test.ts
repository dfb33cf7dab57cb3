import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { docxToHtml, imageMime, sanitizeDocumentHtml } from './docx-html.ts';
import { FIXTURES } from './test-support.ts';

const office = (name: string) => path.join(FIXTURES, 'office', name);

describe('docx HTML preview', () => {
  it('is a complete small page with the document text', async () => {
    const result = await docxToHtml(office('single-paragraph.docx'));
    assert.ok(result);
    assert.match(result.html, /^<!doctype html>\n<html lang="[A-Za-z-]+">/);
    assert.match(result.html, /<meta charset="utf-8">/);
    assert.match(result.html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.match(result.html, /<title>[^<]+<\/title>/);
    assert.match(result.html, /<p>Walking on imported air<\/p>/);
    assert.doesNotMatch(result.html, /<script/i);
  });

  it('keeps tables, lists and footnotes', async () => {
    const tables = await docxToHtml(office('tables.docx'));
    assert.match(tables?.html ?? '', /<table>[\s\S]*<td>[\s\S]*<\/table>/);
    const list = await docxToHtml(office('simple-list.docx'));
    assert.match(list?.html ?? '', /<ul>\s*<li>/);
    const notes = (await docxToHtml(office('footnotes.docx')))?.html ?? '';
    // Footnote links point within the page, to ids mammoth made (prefixed, so they cannot clobber the host page).
    const href = /<a href="#(doc-footnote-[\w-]+)"/.exec(notes)?.[1];
    assert.ok(href, notes);
    assert.match(notes, new RegExp(`<li id="${href}">`));
  });

  it('inlines pictures as data: URIs', async () => {
    const result = await docxToHtml(office('tiny-picture.docx'));
    assert.ok(result);
    assert.match(result.html, /<img src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    assert.equal(result.images, 1);
    assert.equal(result.omittedImages, 0);
  });

  it('returns null for a file mammoth cannot read', async () => {
    assert.equal(await docxToHtml(office('textract_raw_text.doc')), null);
  });

  it('sanitizes: no script, style, handlers, frames or unsafe URLs', () => {
    const dirty = [
      '<h1 style="color:red" onclick="x()">Title</h1><script>alert(1)</script><iframe src="https://x"></iframe>',
      '<p onmouseover="x()">Hi <a href="javascript:alert(1)">bad</a> <a href="https://example.org/" target="_top">good</a>',
      ' <a href="mailto:a@b.c">mail</a> <a href="/relative">rel</a> <a href="#elsewhere" id="main">frag</a></p>',
      '<img src="data:image/png;base64,iVBORw0KGgo=" alt="ok" onerror="x()">',
      '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg"><img src="https://tracker.example/p.gif">',
      '<img src="data:text/html;base64,PHNjcmlwdD4="><style>p{}</style><object data="x"></object>',
      '<table><tr><td colspan="2" class="c">cell</td></tr></table><li id="doc-footnote-1">note</li>',
    ].join('');
    const clean = sanitizeDocumentHtml(dirty);
    assert.equal(
      clean,
      '<h1>Title</h1>' +
        '<p>Hi <a>bad</a> <a href="https://example.org/" rel="noopener noreferrer">good</a>' +
        ' <a href="mailto:a@b.c" rel="noopener noreferrer">mail</a> <a>rel</a> <a>frag</a></p>' +
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="ok" />' +
        '<table><tr><td colspan="2">cell</td></tr></table><li id="doc-footnote-1">note</li>',
    );
  });

  it('recognizes inlinable images by their bytes, not their claimed type', () => {
    assert.equal(imageMime(Buffer.from('89504e470d0a1a0a0000', 'hex')), 'image/png');
    assert.equal(imageMime(Buffer.from('ffd8ffe000', 'hex')), 'image/jpeg');
    assert.equal(imageMime(Buffer.from('GIF89a')), 'image/gif');
    assert.equal(imageMime(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), 'image/webp');
    assert.equal(imageMime(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), null);
    assert.equal(imageMime(Buffer.from('0100000058000000', 'hex')), null); // EMF
  });
});
