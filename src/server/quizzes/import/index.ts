// Reads an import file: size first, then the text encoding, then the format (Moodle XML, GIFT or
// Aiken, from the content and the file's name), then the format's parser. Pure: no I/O; the
// server checks the images' bytes (src/server/quizzes/import-service.ts).
import {
  IMPORT_FORMAT_NAMES,
  type ImportFormat,
  MAX_IMPORT_BYTES,
  type ParsedImport,
} from '../../../shared/quiz-import.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { parseAiken } from './aiken.ts';
import { ImportError } from './errors.ts';
import { parseGift } from './gift.ts';
import { parseMoodleXml } from './moodle-xml.ts';

export { ImportError } from './errors.ts';

/** The bytes as UTF-8 text, or a clear error naming the encoding they are in. */
export function decodeImportText(bytes: Uint8Array): string {
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xfe) {
    throw new ImportError(
      'This file is UTF-16 (little-endian) text. Save it as UTF-8 and import it again.',
      'import_encoding',
    );
  }
  if (b[0] === 0xfe && b[1] === 0xff) {
    throw new ImportError(
      'This file is UTF-16 (big-endian) text. Save it as UTF-8 and import it again.',
      'import_encoding',
    );
  }
  const head = b.subarray(0, 4096);
  let zeros = 0;
  for (const byte of head) if (byte === 0) zeros++;
  if (zeros > 0) {
    // UTF-16 without a byte-order mark has a NUL beside every ASCII letter.
    const utf16 = zeros * 3 > head.length;
    throw new ImportError(
      utf16
        ? 'This file looks like UTF-16 text. Save it as UTF-8 and import it again.'
        : 'This is not a text file. Import a Moodle XML, GIFT or Aiken file.',
      utf16 ? 'import_encoding' : 'import_not_text',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    throw new ImportError(
      'This file is not UTF-8 text (it looks like Windows-1252 or ISO-8859-1, as older editors save it). Save it as UTF-8 and import it again.',
      'import_encoding',
    );
  }
}

/** Which format the text is in: XML is Moodle's; "ANSWER: X" lines without braces are Aiken; else GIFT. */
export function detectFormat(text: string, fileName = ''): ImportFormat {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<') || /\.xml$/i.test(fileName)) return 'moodle-xml';
  // Patterns that stay on one line: the text is hostile input, and one that crossed lines could rescan it.
  const hasAnswerLines = /^[ \t]*ANSWER:[ \t]*[A-Z][ \t]*\r?$/im.test(text);
  if (hasAnswerLines && !/[^\\]\{/.test(text)) return 'aiken';
  const open = text.indexOf('{');
  if (open >= 0 && text.lastIndexOf('}') > open) return 'gift';
  if (hasAnswerLines) return 'aiken';
  throw new ImportError('This file is not a Moodle XML, GIFT or Aiken question file.', 'import_unknown_format');
}

export function parseImport(bytes: Uint8Array, fileName = ''): ParsedImport {
  if (bytes.byteLength > MAX_IMPORT_BYTES) {
    throw new ImportError(
      `This file is ${formatBytes(bytes.byteLength)}; an import file may be at most ${formatBytes(MAX_IMPORT_BYTES)}.`,
      'import_too_large',
    );
  }
  if (bytes.byteLength === 0) throw new ImportError('The file is empty.', 'import_empty');
  const text = decodeImportText(bytes);
  const format = detectFormat(text, fileName);
  const parsed =
    format === 'moodle-xml' ? parseMoodleXml(text) : format === 'gift' ? parseGift(text) : parseAiken(text);
  const count = parsed.questions.length + countIn(parsed.categories);
  if (count === 0 && parsed.skipped.length === 0) {
    throw new ImportError(`This ${IMPORT_FORMAT_NAMES[format]} file has no questions.`, 'import_no_questions');
  }
  return parsed;
}

function countIn(categories: ParsedImport['categories']): number {
  return categories.reduce((n, c) => n + c.questions.length + countIn(c.children), 0);
}
