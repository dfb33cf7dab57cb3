// Flash (SWF) header: signature, version, length, then (inside the compressed body for CWS) the
// stage RECT, frame rate and frame count. Ruffle plays the file later; here we only make sure the
// header is whole, so that a truncated upload is refused with a clear reason.
import { constants, inflateSync } from 'node:zlib';
import { known, type Sniffed } from './types.ts';

const COMPRESSION = { FWS: 'none', CWS: 'zlib', ZWS: 'lzma' } as const;
type Signature = keyof typeof COMPRESSION;

// How many times the file's size its declared (uncompressed) length may be: ~1 for FWS, deflate's
// ceiling for CWS, and a generous bound for LZMA, whose ratio on real movies stays far below it.
const MAX_RATIO = { none: 1, zlib: 1100, lzma: 10_000 } as const;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

const CUT = 'This Flash file is cut off: its header is incomplete (incomplete upload or damaged file).';

export interface SwfFrame {
  width: number;
  height: number;
  frameRate: number;
  frameCount: number;
}

/** Whether the first bytes are an SWF signature with a plausible version (1–50). */
export function isSwf(head: Buffer): boolean {
  const sig = head.subarray(0, 3).toString('latin1');
  if (!(sig in COMPRESSION)) return false;
  const version = head[3];
  if (version !== undefined && (version < 1 || version > 50)) return false;
  // "FWS 2024…" in a text file: a printable version and length would mean an SWF of 500+ MB.
  const rest = head.subarray(3, 8);
  return !(rest.length === 5 && rest.every((b) => b >= 0x20 && b <= 0x7e));
}

/** Parses the header that follows the 8-byte file header: RECT, frame rate (8.8), frame count. */
export function parseFrame(body: Buffer): SwfFrame | null {
  if (body.length < 1) return null;
  const nbits = (body[0] ?? 0) >> 3;
  const rectBytes = Math.ceil((5 + 4 * nbits) / 8);
  if (body.length < rectBytes + 4) return null;
  let bit = 5;
  const readSigned = (): number => {
    let value = 0;
    for (let i = 0; i < nbits; i++, bit++) {
      value = value * 2 + (((body[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1);
    }
    // Two's complement over `nbits` bits.
    return nbits > 0 && value >= 2 ** (nbits - 1) ? value - 2 ** nbits : value;
  };
  const [xMin, xMax, yMin, yMax] = [readSigned(), readSigned(), readSigned(), readSigned()];
  return {
    // Twips (1/20 px) → pixels.
    width: (xMax - xMin) / 20,
    height: (yMax - yMin) / 20,
    frameRate: body.readUInt16LE(rectBytes) / 256,
    frameCount: body.readUInt16LE(rectBytes + 2),
  };
}

/** `head` is the start of the file (at least a few KiB when the file is that big). */
export function sniffSwf(head: Buffer, fileSize: number): Sniffed | null {
  if (!isSwf(head)) return null;
  const signature = head.subarray(0, 3).toString('latin1') as Signature;
  const compression = COMPRESSION[signature];
  if (head.length < 8) return { type: 'broken', reason: CUT };
  const version = head[3] as number;
  const declaredLength = head.readUInt32LE(4);
  if (declaredLength < 8) {
    return {
      type: 'broken',
      reason: `This Flash file's header is invalid (it declares a length of ${declaredLength} bytes).`,
    };
  }
  // The declared length is the uncompressed size: an uncompressed file holds all of it, and no compressor
  // shrinks a real movie a thousandfold (deflate's ceiling is ~1032:1). Far more than that means most of
  // the file is missing, and Ruffle would play a blank stage.
  const ceiling = fileSize * MAX_RATIO[compression] + 1024;
  if (declaredLength > ceiling) {
    return {
      type: 'broken',
      reason: `This Flash file is damaged or cut off: its header declares ${formatBytes(declaredLength)} but the file holds ${formatBytes(fileSize)}.`,
    };
  }
  const details: Record<string, unknown> = { compression, version, declaredLength };

  if (signature === 'ZWS') {
    // LZMA: 4-byte compressed length + 5 bytes of LZMA properties, then the stream. Node has no
    // LZMA decoder, so the frame size is left to the player.
    if (head.length < 17) return { type: 'broken', reason: CUT };
  } else {
    let body: Buffer;
    if (signature === 'FWS') {
      body = head.subarray(8);
    } else {
      try {
        // Only the first compressed bytes: the header sits at the start of the stream, and a
        // bounded input keeps the output bounded (deflate expands at most ~1000:1).
        body = inflateSync(head.subarray(8, 8 + 4096), { finishFlush: constants.Z_SYNC_FLUSH });
      } catch {
        return { type: 'broken', reason: 'This Flash file is damaged: its compressed data cannot be read.' };
      }
    }
    const frame = parseFrame(body);
    if (!frame) return { type: 'broken', reason: CUT };
    Object.assign(details, frame);
  }
  if (signature === 'FWS') details.actualLength = fileSize;
  return known('swf', 'application/x-shockwave-flash', 'a Flash (SWF) file', ['flash'], { details });
}
