// Small positional reads, so that sniffers never load a whole (possibly huge) upload into memory.
import type { FileHandle } from 'node:fs/promises';

/** Reads up to `length` bytes at `position`; shorter at the end of the file. */
export async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

const CHUNK = 1024 * 1024;

/** Yields the file from `start` to `end` in chunks of at most 1 MiB. */
export async function* chunks(fh: FileHandle, start: number, end: number): AsyncGenerator<Buffer> {
  for (let pos = start; pos < end; pos += CHUNK) {
    const buf = await readAt(fh, pos, Math.min(CHUNK, end - pos));
    if (buf.length === 0) return;
    yield buf;
  }
}

export function startsWith(buf: Buffer, bytes: number[] | string, offset = 0): boolean {
  const want = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  if (buf.length < offset + want.length) return false;
  for (let i = 0; i < want.length; i++) if (buf[offset + i] !== want[i]) return false;
  return true;
}
