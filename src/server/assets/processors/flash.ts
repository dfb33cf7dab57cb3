// Flash is not converted: the browser plays the original with Ruffle. We only describe it, from type
// detection's details and, for what detection left out, the SWF header (stage size, frame rate, and
// whether it is ActionScript 3, which Ruffle supports less completely than AS1/2).
import { open } from 'node:fs/promises';
import zlib from 'node:zlib';
import type { Processor } from './types.ts';

export interface SwfHeader {
  version: number;
  compression: 'none' | 'zlib' | 'lzma';
  width?: number; // px
  height?: number;
  frameRate?: number;
  frameCount?: number;
  actionScript3?: boolean;
}

const SIGNATURES: Record<string, SwfHeader['compression']> = { FWS: 'none', CWS: 'zlib', ZWS: 'lzma' };

/** Reads the SWF header from the first bytes of the file; null when it is not a SWF. */
export function parseSwfHeader(head: Buffer): SwfHeader | null {
  const compression = SIGNATURES[head.subarray(0, 3).toString('latin1')];
  if (!compression || head.length < 8) return null;
  const header: SwfHeader = { version: head[3] ?? 0, compression };
  let body: Buffer;
  if (compression === 'none') body = head.subarray(8);
  else if (compression === 'zlib') {
    try {
      // Only the start of the stream is here; a sync flush returns what could be inflated so far.
      body = zlib.inflateSync(head.subarray(8), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      return header;
    }
  } else return header; // LZMA: no decoder at hand; version and compression are enough

  // RECT: 5 bits giving the field width n, then xMin, xMax, yMin, yMax as n-bit signed values, in twips.
  if (body.length < 1) return header;
  const nbits = (body[0] ?? 0) >> 3;
  const rectBytes = Math.ceil((5 + 4 * nbits) / 8);
  if (body.length < rectBytes + 4) return header;
  const read = (index: number) => {
    let value = 0;
    for (let i = 0; i < nbits; i++) {
      const bit = 5 + index * nbits + i;
      value = value * 2 + (((body[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1);
    }
    return nbits > 0 && value >= 2 ** (nbits - 1) ? value - 2 ** nbits : value; // two's complement
  };
  header.width = Math.round((read(1) - read(0)) / 20);
  header.height = Math.round((read(3) - read(2)) / 20);
  header.frameRate = body.readUInt16LE(rectBytes) / 256; // 8.8 fixed point
  header.frameCount = body.readUInt16LE(rectBytes + 2);
  // The first tag is FileAttributes (69) in SWF 8+; its flag 0x08 means ActionScript 3.
  const tagAt = rectBytes + 4;
  if (body.length >= tagAt + 2) {
    const tag = body.readUInt16LE(tagAt);
    const short = (tag & 0x3f) !== 0x3f;
    const flags = body[tagAt + (short ? 2 : 6)];
    header.actionScript3 = tag >> 6 === 69 && flags !== undefined && (flags & 0x08) !== 0;
  }
  return header;
}

export const processFlash: Processor = async ({ file, detected }) => {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const header = parseSwfHeader(head);
  if (!header) return { ok: false, reason: 'The file is not a Flash (SWF) file.' };
  // Detection's own findings (plain values only) win over ours.
  const fromDetection = Object.fromEntries(
    Object.entries(detected.details).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)),
  );
  return { ok: true, derivatives: [], metadata: { ...header, ...fromDetection } };
};
