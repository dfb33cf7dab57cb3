// Zip-based files (OOXML, OpenDocument, plain archives). The central directory is read with yauzl
// without decompressing anything, to refuse zip bombs before any later step (file-type, mammoth,
// LibreOffice) inflates a part. Sizes in the directory are what the file claims; yauzl's
// `validateEntrySizes` makes later reads through yauzl fail if an entry lies about them.
import yauzl from 'yauzl';
import { startsWith } from './bytes.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { known, type Sniffed, type ZipLimits } from './types.ts';

const OOXML = {
  docx: { dir: 'word/', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { dir: 'xl/', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  pptx: { dir: 'ppt/', mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
} as const;
// Macro-enabled variants: the same parts plus a vbaProject.bin; Word/Excel/PowerPoint refuse to
// open one saved under the macro-free extension, so the ext and mime follow the macros.
const MACRO = {
  docx: { ext: 'docm', mime: 'application/vnd.ms-word.document.macroEnabled.12' },
  xlsx: { ext: 'xlsm', mime: 'application/vnd.ms-excel.sheet.macroEnabled.12' },
  pptx: { ext: 'pptm', mime: 'application/vnd.ms-powerpoint.presentation.macroEnabled.12' },
} as const;
const ODF: Record<string, 'odt' | 'ods' | 'odp'> = {
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
};

/** Local file header, or the end-of-central-directory record of an empty archive. */
export function isZip(head: Buffer): boolean {
  return startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]);
}

const parts = (n: number) => `contains more than ${n.toLocaleString('en-US')} parts inside`;

/**
 * Returns `broken` for a bomb or an unreadable archive, a `known` office document, or null for a
 * safe zip that is not an office document (the caller then asks file-type what it is).
 */
export async function sniffZip(path: string, fileSize: number, limits: ZipLimits): Promise<Sniffed | null> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: false });
  } catch {
    return { type: 'broken', reason: damaged };
  }
  try {
    // The entry count is in the end-of-central-directory record: check it before iterating.
    if (zip.entryCount > limits.maxEntries) return bomb('file', parts(limits.maxEntries));
    let total = 0;
    let compressed = 0;
    const names = new Set<string>();
    let mimetype: yauzl.Entry | undefined;
    let count = 0;
    for await (const entry of zip.eachEntry()) {
      if (++count > limits.maxEntries) return bomb('file', parts(limits.maxEntries));
      total += entry.uncompressedSize;
      compressed += entry.compressedSize;
      names.add(entry.fileName);
      if (entry.fileName === 'mimetype') mimetype = entry;
      const what = names.has('[Content_Types].xml') || mimetype ? 'document' : 'archive';
      if (total > limits.maxTotalUncompressedBytes) {
        return bomb(what, `expands to more than ${formatBytes(limits.maxTotalUncompressedBytes)} when opened`);
      }
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (entry.uncompressedSize > limits.ratioMinBytes && ratio > limits.maxEntryRatio) {
        return bomb(
          what,
          `contains a part compressed more than ${limits.maxEntryRatio} times (over ${formatBytes(limits.ratioMinBytes)} once opened)`,
        );
      }
    }
    // In a well-formed zip every entry's data is stored once, so the compressed sizes cannot add
    // up to more than the file; more means entries share data (an "overlapping" zip bomb).
    if (compressed > fileSize) return bomb('archive', 'has parts that overlap each other');
    return await classify(zip, names, mimetype);
  } catch {
    return { type: 'broken', reason: damaged };
  } finally {
    zip.close();
  }
}

const damaged = 'This file looks like a zip archive (such as a Word or Excel document) but it is damaged or cut off.';

function bomb(what: 'document' | 'archive' | 'file', problem: string): Sniffed {
  return { type: 'broken', reason: `This ${what} ${problem}; it may be a zip bomb.` };
}

async function classify(zip: yauzl.ZipFile, names: Set<string>, mimetype?: yauzl.Entry): Promise<Sniffed | null> {
  if (names.has('[Content_Types].xml')) {
    const all = [...names];
    for (const format of ['docx', 'xlsx', 'pptx'] as const) {
      const { dir, mime } = OOXML[format];
      if (!all.some((n) => n.startsWith(dir))) continue;
      const macros = names.has(`${dir}vbaProject.bin`);
      const label = { docx: 'a Word document', xlsx: 'an Excel workbook', pptx: 'a PowerPoint presentation' }[format];
      return macros
        ? known(MACRO[format].ext, MACRO[format].mime, label, ['office'], { details: { format, macros: true } })
        : known(format, mime, label, ['office'], { details: { format } });
    }
  }
  if (mimetype) {
    const mime = (await readSmallEntry(zip, mimetype))?.trim() ?? '';
    const format = ODF[mime];
    if (format) return known(format, mime, 'an OpenDocument file', ['office'], { details: { format } });
  }
  return null;
}

/** Reads an entry of at most 256 bytes (the ODF `mimetype` entry), or null if it is bigger. */
async function readSmallEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string | null> {
  if (entry.uncompressedSize > 256 || entry.compressedSize > 1024) return null;
  const stream = await zip.openReadStreamPromise(entry);
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}
