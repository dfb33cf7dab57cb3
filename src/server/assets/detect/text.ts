// Text formats: SVG, WebVTT, SRT, HTML (refused) and XML/plain text. Only UTF-8 (with or without
// a BOM) counts as text here.
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
// Further in (first KiB): a doctype anywhere, or <html>/<script> opening a line. Mid-line mentions
// are left alone: quiz files and notes quote markup ("includes <html class=…> & images").
const HTML_NEAR = /<!doctype\s+html|^[ \t]*<(?:html|script)[\s>/]/im;

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

/** `text` is the decoded head (BOM included); `fh` is used to scan a whole SVG for scripts. */
export async function sniffText(text: string, fh: FileHandle, size: number): Promise<Sniffed> {
  const body = text.replace(/^\uFEFF/, '');
  const afterProlog = body.slice(PROLOG.exec(body)?.[0].length ?? 0);
  if (SVG_ROOT.test(afterProlog)) {
    const hasScript = await svgHasScript(fh, size);
    return known('svg', 'image/svg+xml', 'an SVG image', ['image'], { details: { svg: true, hasScript } });
  }
  const start = body.replace(/^(?:\s+|<!--[\s\S]*?-->|<\?[\s\S]*?\?>)*/, '');
  if (HTML_START.test(start) || HTML_NEAR.test(body.slice(0, 1024))) return HTML;
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(body))
    return known('vtt', 'text/vtt', 'a WebVTT caption file', ['captions'], { details: { format: 'vtt' } });
  if (isSrt(body))
    return known('srt', 'application/x-subrip', 'an SRT caption file', ['captions'], { details: { format: 'srt' } });
  if (/^<[A-Za-z_][\w.:-]*[\s>/]/.test(afterProlog)) {
    // XML carrying XHTML elements renders as a web page when opened in a browser.
    if (body.includes('http://www.w3.org/1999/xhtml')) return HTML;
    return known('xml', 'application/xml', 'an XML document', []);
  }
  return known('txt', 'text/plain', 'a plain text file', []);
}

// Anything that can run script inside an SVG: script elements, event handler attributes,
// javascript: URLs (also spelled with spaces or hidden behind character references in a link),
// foreignObject (embeds HTML), nested HTML/SVG documents in data: URLs, and entity declarations
// (which can smuggle markup past a naive scan).
const SCRIPTY =
  /<(?:[\w.-]+:)?(?:script|foreignobject|iframe|embed|object)[\s>/]|[\s"'/]on[a-z]+\s*=|j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:|(?:href|values|to|from)\s*=\s*["'][^"']*&#|data:(?:text\/html|image\/svg|application\/xhtml)|<!entity/i;

/** Scans the whole file in chunks, keeping an overlap so a pattern split by a chunk is found. */
export async function svgHasScript(fh: FileHandle, size: number): Promise<boolean> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  for await (const buf of chunks(fh, 0, size)) {
    const text = carry + decoder.decode(buf, { stream: true });
    if (SCRIPTY.test(text)) return true;
    carry = text.slice(-512);
  }
  return SCRIPTY.test(carry + decoder.decode());
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
