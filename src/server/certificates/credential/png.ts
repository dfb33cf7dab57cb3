// Baked badges (Open Badges 3.0 "Baking"): the signed credential in an iTXt chunk with the keyword
// `openbadgecredential`, placed before IEND. A chunk is length (4 bytes, big-endian), type (4),
// data, CRC-32 of type + data (4). An iTXt's data is: keyword, 0, compression flag, compression
// method, language tag, 0, translated keyword, 0, text (UTF-8).
import { crc32, inflateSync } from 'node:zlib';

export const BADGE_KEYWORD = 'openbadgecredential';
const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const MAX_TEXT_BYTES = 1024 * 1024;

export class PngError extends Error {}

interface Chunk {
  type: string;
  /** The whole chunk (length, type, data, CRC) as it is in the file. */
  start: number;
  end: number;
  data: Uint8Array;
  crcOk: boolean;
}

/** The chunks of a PNG in order; throws PngError when the bytes are not a well-formed PNG up to IEND. */
export function readChunks(png: Uint8Array): Chunk[] {
  if (png.length < 8 || !SIGNATURE.every((b, i) => png[i] === b)) throw new PngError('Not a PNG (bad signature).');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    if (offset + 12 > png.length) throw new PngError('Truncated PNG chunk.');
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > png.length) throw new PngError('PNG chunk runs past the end of the file.');
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw new PngError('Bad PNG chunk type.');
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crcOk = crc32(png.subarray(offset + 4, offset + 8 + length)) === view.getUint32(offset + 8 + length);
    chunks.push({ type, start: offset, end, data, crcOk });
    offset = end;
    if (type === 'IEND') break;
  }
  if (chunks[0]?.type !== 'IHDR') throw new PngError('A PNG starts with IHDR.');
  if (chunks.at(-1)?.type !== 'IEND') throw new PngError('PNG without IEND.');
  return chunks;
}

/** One PNG chunk with its length and CRC. */
export function encodeChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function itxtData(keyword: string, text: string): Uint8Array {
  const head = new TextEncoder().encode(keyword); // ASCII keyword, so Latin-1 = UTF-8
  const body = new TextEncoder().encode(text);
  const data = new Uint8Array(head.length + 5 + body.length);
  data.set(head, 0);
  // After the keyword: NUL, compression flag 0, method 0, empty language tag + NUL, empty translated keyword + NUL.
  data.set([0, 0, 0, 0, 0], head.length);
  data.set(body, head.length + 5);
  return data;
}

/** keyword and text of an iTXt chunk, or null when it is malformed. */
function parseItxt(data: Uint8Array): { keyword: string; text: string } | null {
  const k = data.indexOf(0);
  if (k < 1 || k > 79 || k + 3 > data.length) return null;
  const keyword = String.fromCharCode(...data.subarray(0, k));
  const compressed = data[k + 1] === 1;
  if (compressed && data[k + 2] !== 0) return null;
  const lang = data.indexOf(0, k + 3);
  if (lang < 0) return null;
  const translated = data.indexOf(0, lang + 1);
  if (translated < 0) return null;
  let body = data.subarray(translated + 1);
  try {
    if (compressed) body = inflateSync(body, { maxOutputLength: MAX_TEXT_BYTES });
    return { keyword, text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    return null;
  }
}

function isBadgeChunk(chunk: Chunk): boolean {
  return chunk.type === 'iTXt' && parseItxt(chunk.data)?.keyword === BADGE_KEYWORD;
}

/** The PNG with the credential baked in (replacing any earlier baked credential). */
export function bakePng(png: Uint8Array, jwt: string): Uint8Array {
  const chunks = readChunks(png);
  const kept = chunks.filter((c) => !isBadgeChunk(c));
  const badge = encodeChunk('iTXt', itxtData(BADGE_KEYWORD, jwt));
  const parts: Uint8Array[] = [SIGNATURE];
  for (const chunk of kept) {
    if (chunk.type === 'IEND') parts.push(badge);
    parts.push(png.subarray(chunk.start, chunk.end));
  }
  return Buffer.concat(parts);
}

/** The baked credential's text, or null when the PNG has none (or it fails its CRC). */
export function extractFromPng(png: Uint8Array): string | null {
  let chunks: Chunk[];
  try {
    chunks = readChunks(png);
  } catch {
    return null;
  }
  for (const chunk of chunks) {
    if (chunk.type !== 'iTXt' || !chunk.crcOk) continue;
    const itxt = parseItxt(chunk.data);
    if (itxt?.keyword === BADGE_KEYWORD) return itxt.text.trim();
  }
  return null;
}
