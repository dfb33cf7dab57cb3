// Test helpers: fixture paths, a temp dir, and a tiny zip writer that can stream a huge entry
// (the zip bomb) without holding it in memory or on disk.
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { constants, crc32, deflateRawSync } from 'node:zlib';

export { FIXTURES } from '../../testing/fixtures.ts';

/** A fresh temp dir, removed when the test file ends; call it at the top level of a test file. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lectern-detect-'));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function put(dir: string, name: string, data: string | Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, data);
  return file;
}

export interface ZipEntry {
  name: string;
  /** Stored as-is (method 0)… */
  data?: Buffer;
  /** …or `zeros` bytes of 0x00, deflated (method 8) 1 MiB at a time. */
  zeros?: number;
}

const MiB = 1024 * 1024;

/** Writes a zip (no ZIP64: entries under 4 GiB) and returns its path. */
export async function writeZip(file: string, entries: ZipEntry[]): Promise<string> {
  const fh = await open(file, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  const write = async (buf: Buffer) => {
    await fh.write(buf);
    offset += buf.length;
  };
  try {
    for (const entry of entries) {
      const name = Buffer.from(entry.name, 'utf8');
      const start = offset;
      let crc = 0;
      let size = 0;
      let compressed = 0;
      const method = entry.zeros === undefined ? 0 : 8;
      // Sizes and CRC are known in advance for zeros too, so no data descriptor is needed.
      const parts: (() => AsyncGenerator<Buffer>)[] = [];
      if (entry.zeros === undefined) {
        const data = entry.data ?? Buffer.alloc(0);
        crc = crc32(data);
        size = compressed = data.length;
        parts.push(async function* () {
          yield data;
        });
      } else {
        const zeros = entry.zeros;
        const chunk = Buffer.alloc(Math.min(MiB, zeros));
        // A full flush ends each piece byte-aligned and without the "final block" bit, so
        // identical pieces can simply be repeated; an empty final block closes the stream.
        const piece = deflateRawSync(chunk, { finishFlush: constants.Z_FULL_FLUSH });
        const tail = deflateRawSync(chunk.subarray(0, zeros % chunk.length), { finishFlush: constants.Z_FINISH });
        const count = Math.floor(zeros / chunk.length);
        for (let i = 0; i < count; i++) crc = crc32(chunk, crc);
        crc = crc32(chunk.subarray(0, zeros % chunk.length), crc);
        size = zeros;
        compressed = piece.length * count + tail.length;
        parts.push(async function* () {
          for (let i = 0; i < count; i++) yield piece;
          yield tail;
        });
      }
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(compressed, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      await write(Buffer.concat([local, name]));
      for (const part of parts) for await (const buf of part()) await write(buf);

      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE(20, 4);
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(0x0800, 8);
      cd.writeUInt16LE(method, 10);
      cd.writeUInt32LE(crc >>> 0, 16);
      cd.writeUInt32LE(compressed, 20);
      cd.writeUInt32LE(size, 24);
      cd.writeUInt16LE(name.length, 28);
      cd.writeUInt32LE(start, 42);
      central.push(Buffer.concat([cd, name]));
    }
    const cdStart = offset;
    for (const cd of central) await write(cd);
    await write(endOfCentralDirectory(entries.length, offset - cdStart, cdStart));
  } finally {
    await fh.close();
  }
  return file;
}

export function endOfCentralDirectory(count: number, cdSize: number, cdStart: number): Buffer {
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(cdStart, 16);
  return eocd;
}

export const CONTENT_TYPES = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
);
