// File type detection for uploads: decides what a file really is from its bytes (never from its
// name or the browser's Content-Type) and whether it may be filed under the kind the author chose.
//
// The rule, once the real type is known:
// 1. Programs, scripts and web pages are refused whatever the declared kind (also for `other`).
// 2. Files of a recognised type that are cut off, damaged or zip bombs are refused, whatever kind.
// 3. If the real type is on the allowlist of the declared kind, it is filed as that kind.
// 4. Else, if it is on the allowlist of another kind (a PNG uploaded as "pdf"), it is accepted and
//    filed as its REAL kind: the author meant to upload the file, the server just files it right.
// 5. Else `other` takes it as it is (file-type's mime, or application/octet-stream), and any other
//    declared kind refuses it, saying what the file looks like.
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { AssetKind } from '../../../shared/assets.ts';
import { readAt, startsWith } from './bytes.ts';
import { isCfb, sniffCfb } from './cfb.ts';
import { sniffExecutable } from './executables.ts';
import { jpegComplete, pdfComplete, pngComplete } from './integrity.ts';
import { fromFileType } from './media.ts';
import { sniffSwf } from './swf.ts';
import { decodeText, sniffLegacyCaptions, sniffOtherText, sniffText, sniffUtf16 } from './text.ts';
import { CUT_OFF, DEFAULT_ZIP_LIMITS, type Detection, known, type Sniffed, type ZipLimits } from './types.ts';
import { isZip, sniffZip } from './zip.ts';

export type { Detection, ZipLimits } from './types.ts';
export { DEFAULT_ZIP_LIMITS } from './types.ts';

export interface DetectOptions {
  zipLimits?: Partial<ZipLimits>;
}

/** How each declared kind is named in a refusal: "This file is not {noun} (…)". */
export const KIND_NOUNS: Record<AssetKind, string> = {
  video: 'a video',
  audio: 'an audio file',
  image: 'an image',
  pdf: 'a PDF',
  office: 'an office document (Word, Excel, PowerPoint or OpenDocument)',
  flash: 'a Flash (SWF) file',
  captions: 'a caption file (SRT or WebVTT)',
  other: 'a file',
};

const HEAD_BYTES = 64 * 1024;
// file-type answers these from the first bytes of what may be a text file; the text sniffer
// knows better (an XML file may be an SVG, a text file may be HTML, "FWS 2024…" is not Flash
// when our own SWF check said no).
const TEXTUAL = new Set(['xml', 'vtt', 'ics', 'vcf', 'swf']);
const DANGEROUS_FT: Record<string, string> = {
  exe: 'a Windows program',
  elf: 'a Linux program',
  macho: 'a macOS program',
};

/**
 * Detects the real type of the file at `path` and checks it against `declaredKind`.
 * I/O errors (missing file, permissions) are thrown: they are the server's problem, not the author's.
 */
export async function detectFile(
  path: string,
  declaredKind: AssetKind,
  options: DetectOptions = {},
): Promise<Detection> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) return { ok: false, reason: 'The file is empty.' };
    const head = await readAt(fh, 0, HEAD_BYTES);
    const limits = { ...DEFAULT_ZIP_LIMITS, ...options.zipLimits };
    return decide(await sniff(path, fh, size, head, limits), declaredKind);
  } finally {
    await fh.close();
  }
}

async function sniff(path: string, fh: FileHandle, size: number, head: Buffer, limits: ZipLimits): Promise<Sniffed> {
  const early = sniffExecutable(head) ?? sniffSwf(head, size);
  if (early) return early;

  if (startsWith(head, '%PDF-')) {
    if (!(await pdfComplete(fh, size))) return { type: 'broken', reason: CUT_OFF };
    const version = /^%PDF-(\d+\.\d+)/.exec(head.toString('latin1', 0, 16))?.[1] ?? null;
    return known('pdf', 'application/pdf', 'a PDF document', ['pdf'], { details: { version } });
  }
  // Zip bombs are refused before file-type (which inflates small entries to tell zip formats apart).
  if (isZip(head)) {
    const zip = await sniffZip(path, size, limits);
    if (zip) return zip;
  }
  if (isCfb(head)) return sniffCfb(await readFile(path));

  const ft = await fileTypeFromFile(path);
  if (ft && DANGEROUS_FT[ft.ext]) {
    return {
      type: 'dangerous',
      label: DANGEROUS_FT[ft.ext] ?? 'a program',
      why: 'Programs and scripts cannot be uploaded.',
    };
  }
  if (ft && !TEXTUAL.has(ft.ext)) {
    if (ft.ext === 'png' || ft.ext === 'apng') {
      if (!(await pngComplete(fh, size))) return { type: 'broken', reason: CUT_OFF };
    } else if (ft.ext === 'jpg' && !(await jpegComplete(fh, size))) {
      return { type: 'broken', reason: CUT_OFF };
    }
    return fromFileType(ft);
  }
  const text = decodeText(head);
  if (text !== null) return sniffText(text, fh, size);
  return (
    (await sniffOtherText(head, fh, size)) ??
    sniffUtf16(head) ??
    sniffLegacyCaptions(head) ??
    known('bin', 'application/octet-stream', 'an unknown binary file', [])
  );
}

/** Weighs what the file is against what the author said it is (see the rule at the top). */
export function decide(found: Sniffed, declared: AssetKind): Detection {
  if (found.type === 'broken') return { ok: false, reason: found.reason };
  if (found.type === 'dangerous') {
    const why = found.why ? ` ${found.why}` : '';
    return declared === 'other'
      ? { ok: false, reason: `This file is ${found.label}.${why}` }
      : { ok: false, reason: `This file is ${found.label}, not ${KIND_NOUNS[declared]}.${why}` };
  }
  const kind = found.kinds.includes(declared) ? declared : found.kinds[0];
  if (kind) {
    return {
      ok: true,
      kind,
      mime: found.mimeByKind?.[kind] ?? found.mime,
      ext: found.extByKind?.[kind] ?? found.ext,
      details: found.details ?? {},
    };
  }
  if (declared === 'other')
    return { ok: true, kind: 'other', mime: found.mime, ext: found.ext, details: found.details ?? {} };
  return {
    ok: false,
    reason: found.whyNot ?? `This file is not ${KIND_NOUNS[declared]} (it looks like ${found.label}).`,
  };
}
