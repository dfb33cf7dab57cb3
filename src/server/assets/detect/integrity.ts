// Cheap "is the end of the file there?" checks for PNG, JPEG and PDF. Each one only fails a file
// that no decoder could read completely, so a valid file is never refused; trailing bytes after
// the real end (common in the wild) are ignored.
import type { FileHandle } from 'node:fs/promises';
import { chunks, readAt } from './bytes.ts';

/** PNG: walks the chunk list (length + type + data + CRC) until IEND. */
export async function pngComplete(fh: FileHandle, size: number): Promise<boolean> {
  let offset = 8;
  // A bound on the walk; real PNGs have at most a few thousand chunks.
  for (let i = 0; i < 1_000_000; i++) {
    if (offset + 8 > size) return false;
    const header = await readAt(fh, offset, 8);
    const length = header.readUInt32BE(0);
    if (header.toString('latin1', 4, 8) === 'IEND') return true;
    offset += 12 + length;
  }
  return true;
}

/**
 * JPEG: walks the marker segments up to the first SOS, then looks for the EOI marker (FF D9)
 * after it. Inside entropy-coded data FF is always followed by 00 or a restart marker, so FF D9
 * after SOS is the end of the image (an EXIF thumbnail's own EOI sits before SOS, inside APP1).
 */
export async function jpegComplete(fh: FileHandle, size: number): Promise<boolean> {
  let offset = 2;
  let sos = -1;
  while (sos < 0) {
    const m = await readAt(fh, offset, 4);
    if (m.length < 2) return false;
    // Anything unexpected: give up rather than risk refusing a file that decoders accept.
    if (m[0] !== 0xff) return true;
    const marker = m[1] as number;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) return true;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (m.length < 4) return false;
    const end = offset + 2 + m.readUInt16BE(2);
    if (end > size) return false;
    if (marker === 0xda) sos = end;
    offset = end;
  }
  // Most files end with EOI: look at the last 64 KiB first, then scan forward from SOS.
  const tailStart = Math.max(sos, size - 64 * 1024);
  if (await hasEoi(fh, tailStart, size)) return true;
  return hasEoi(fh, sos, tailStart + 1);
}

async function hasEoi(fh: FileHandle, start: number, end: number): Promise<boolean> {
  let previous = 0;
  for await (const buf of chunks(fh, start, end)) {
    if (previous === 0xff && buf[0] === 0xd9) return true;
    if (buf.includes(Buffer.from([0xff, 0xd9]))) return true;
    previous = buf[buf.length - 1] ?? 0;
  }
  return false;
}

/** PDF: readers look for `%%EOF` in the last 1024 bytes (Acrobat's own rule). */
export async function pdfComplete(fh: FileHandle, size: number): Promise<boolean> {
  const start = Math.max(0, size - 1024);
  const tail = await readAt(fh, start, size - start);
  return tail.includes('%%EOF', 0, 'latin1');
}
