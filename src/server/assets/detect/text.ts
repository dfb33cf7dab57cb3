// Text formats: SVG, WebVTT, SRT, HTML (refused) and XML/plain text. Only UTF-8 (with or without
// a BOM) counts as text here; UTF-16 and 8-bit text are still searched for HTML and scripted SVG
// (a browser reads them too), through the whole file, not just its head.
import type { FileHandle } from 'node:fs/promises';
import { chunks, startsWith } from './bytes.ts';
import { known, type Sniffed } from './types.ts';

/** The head decoded as UTF-8, or null when it is binary (NUL bytes) or not valid UTF-8. */
export function decodeText(head: Buffer): string | null {
  if (head.includes(0)) return null;
  try {
    // `stream: true`: a character cut by the end of the head is not an error.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(head, { stream: true });
  } catch {
    return null;
  }
}

// Prolog an XML root may follow: whitespace, <?xml …?> and other processing instructions,
// comments and a doctype (with an optional internal subset).
const PROLOG = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype[^[>]*(?:\[[\s\S]*?\])?\s*>)*/i;
const SVG_ROOT = /^<(?:[\w.-]+:)?svg[\s>/]/i;

// What browsers treat as the start of an HTML document (WHATWG MIME sniffing, "text/html").
const HTML_START = /^<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p)[\s>/]/i;
// Anywhere in the file: a doctype, or <html>/<script> opening a line. Mid-line mentions are left
// alone: quiz files and notes quote markup ("includes <html class=…> & images").
const HTML_INSIDE = /<!doctype\s+html|^[ \t]*<(?:html|script)[\s>/]/im;
// XML carrying XHTML elements renders as a web page when opened in a browser.
const XHTML_NS = /http:\/\/www\.w3\.org\/1999\/xhtml/;

/** How the bytes of a text file are read: UTF-8, UTF-16 either way round, or 8-bit (Latin-1). */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1';

const SRT_TIME = /^\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}[ \t]*-->[ \t]*\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}/;

const HTML: Sniffed = {
  type: 'dangerous',
  label: 'a web page (HTML)',
  why: 'Web pages cannot be uploaded because they could run scripts on this site.',
};

function isSrt(text: string): boolean {
  const lines = text.replace(/^\s+/, '').split(/\r?\n|\r/, 3);
  const [first = '', second = ''] = lines;
  // The cue number may be missing in sloppy files; the first timing line decides.
  return (/^\d+\s*$/.test(first) && SRT_TIME.test(second)) || SRT_TIME.test(first);
}

/**
 * `text` is the decoded head (BOM included); `fh` is read again to scan the whole file, in
 * `encoding`, for HTML past the head and for scripts in an SVG.
 */
export async function sniffText(text: string, fh: FileHandle, size: number, encoding: TextEncoding = 'utf-8'): Promise<Sniffed> {
  const body = text.replace(/^\uFEFF/, '');
  const afterProlog = body.slice(PROLOG.exec(body)?.[0].length ?? 0);
  if (SVG_ROOT.test(afterProlog)) {
    const hasScript = await fileMatches(fh, size, encoding, SCRIPTY);
    return known('svg', 'image/svg+xml', 'an SVG image', ['image'], { details: { svg: true, hasScript } });
  }
  const start = body.replace(/^(?:\s+|<!--[\s\S]*?-->|<\?[\s\S]*?\?>)*/, '');
  if (HTML_START.test(start) || (await fileMatches(fh, size, encoding, HTML_INSIDE))) return HTML;
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(body))
    return known('vtt', 'text/vtt', 'a WebVTT caption file', ['captions'], { details: { format: 'vtt' } });
  if (isSrt(body))
    return known('srt', 'application/x-subrip', 'an SRT caption file', ['captions'], { details: { format: 'srt' } });
  if (/^<[A-Za-z_][\w.:-]*[\s>/]/.test(afterProlog)) {
    if (await fileMatches(fh, size, encoding, XHTML_NS)) return HTML;
    return known('xml', 'application/xml', 'an XML document', []);
  }
  return known('txt', 'text/plain', 'a plain text file', []);
}

// Anything that can run script inside an SVG: script elements, event handler attributes (also set
// by animation: <set attributeName="onmouseover" to="…">), javascript: URLs (also spelled with
// spaces or hidden behind character references in a link or an animated value), foreignObject
// (embeds HTML), nested HTML/SVG documents in data: URLs, and entity declarations (which can
// smuggle markup past a naive scan).
const SCRIPTY =
  /<(?:[\w.-]+:)?(?:script|foreignobject|iframe|embed|object)[\s>/]|[\s"'/]on[a-z]+\s*=|attributename\s*=\s*["']\s*(?:[\w.-]+:)?on|j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:|(?:href|values|to|from|attributename)\s*=\s*["'][^"']*&#|data:(?:text\/html|image\/svg|application\/xhtml)|<!entity/i;

/**
 * Scans the whole file, decoded as `encoding`, in chunks, keeping an overlap so a match split by a
 * chunk is found. The overlap is read after a sentinel, so that `^` cannot match where a chunk
 * happens to cut a line (a match that starts a real line was tested whole in the chunk before).
 */
async function fileMatches(fh: FileHandle, size: number, encoding: TextEncoding, pattern: RegExp): Promise<boolean> {
  const decoder = new TextDecoder(encoding);
  let carry = '';
  for await (const buf of chunks(fh, 0, size)) {
    const text = carry + decoder.decode(buf, { stream: true });
    if (pattern.test(text)) return true;
    carry = `\u0000${text.slice(-512)}`;
  }
  return pattern.test(carry + decoder.decode());
}

/**
 * Text that is not UTF-8: UTF-16 (with a byte order mark, or without one but with every other
 * byte zero, as ASCII in UTF-16 is) or 8-bit text (no NUL byte in the head). A browser may read
 * either as a web page, so both are searched, through the whole file, for HTML and scripted SVG;
 * what is clean is handled by the caller (UTF-16: asked for as UTF-8; 8-bit: filed as binary).
 */
export async function sniffOtherText(head: Buffer, fh: FileHandle, size: number): Promise<Sniffed | null> {
  const encoding = otherTextEncoding(head);
  if (!encoding) return null;
  const text = new TextDecoder(encoding).decode(head, { stream: true });
  const found = await sniffText(text, fh, size, encoding);
  if (found.type === 'dangerous') return found;
  if (found.type === 'known' && found.details?.hasScript === true) {
    return { type: 'dangerous', label: 'an SVG image with scripts', why: 'Files that could run scripts on this site cannot be uploaded.' };
  }
  return null;
}

function otherTextEncoding(head: Buffer): TextEncoding | null {
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  const sample = head.subarray(0, 4096 - (Math.min(head.length, 4096) % 2));
  if (sample.length >= 16) {
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < sample.length; i += 2) {
      if (sample[i] === 0) evenZeros++;
      if (sample[i + 1] === 0) oddZeros++;
    }
    const pairs = sample.length / 2;
    if (oddZeros > pairs * 0.9 && evenZeros === 0) return 'utf-16le';
    if (evenZeros > pairs * 0.9 && oddZeros === 0) return 'utf-16be';
  }
  return head.includes(0) ? null : 'latin1';
}

/** UTF-16 text (BOM): not accepted as captions, but worth a precise reason. */
export function sniffUtf16(head: Buffer): Sniffed | null {
  if (!startsWith(head, [0xff, 0xfe]) && !startsWith(head, [0xfe, 0xff])) return null;
  return known('txt', 'text/plain', 'a text file in UTF-16 encoding', [], {
    whyNot: 'This file is text saved in UTF-16 encoding; save it as UTF-8 and upload it again.',
  });
}

/** Captions in a legacy 8-bit encoding (Windows-1252 and the like): valid-looking but not UTF-8. */
export function sniffLegacyCaptions(head: Buffer): Sniffed | null {
  if (head.includes(0)) return null;
  const text = head.toString('latin1');
  if (!/^WEBVTT(?:[ \t\r\n]|$)/.test(text) && !isSrt(text)) return null;
  return known('txt', 'text/plain', 'a caption file that is not saved as UTF-8', [], {
    whyNot: 'This caption file is not saved as UTF-8 text; save it as UTF-8 and upload it again.',
  });
}
