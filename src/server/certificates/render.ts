// The certificate PDF, as a pure function of what it certifies, the course's template and the
// fonts (and logo) handed in: no clock, no randomness, no I/O, so the same inputs give the same
// bytes (the issue job may render again after a crash and must store what it would have stored).
// @cantoo/pdf-lib (decision 0008) builds the document; the page's content stream is written here
// as text and compressed once. The embedded Unicode font is the process's shared subset
// (prepared-font.ts) when every character is in it, else fontkit shapes the text and subsets the
// font for this document.
import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { PageSizes, PDFDocument, type PDFFont, PDFName, type PDFPage } from '@cantoo/pdf-lib';
import QRCode from 'qrcode';
import { type CertificateSnapshot, type CertificateTemplate, formatCode } from '../../shared/certificates.ts';
import { type PreparedFont, preparedFont } from './prepared-font.ts';
import { VC_JWT_MEDIA_TYPE } from './credential/signing.ts';

/**
 * @pdf-lib/fontkit with the subset API @cantoo/pdf-lib 2.x expects: the fork calls a subset's
 * `encode()` with no stream when it exists (as @cantoo/fontkit's does), but @pdf-lib/fontkit's
 * `encode(stream)` needs one. Hiding `encode` makes the fork take its `encodeStream()` path.
 */
// Parsed fonts by their bytes: parsing DejaVu Sans costs more than the rest of a certificate, and
// a parsed font is only read afterwards (each document makes its own subset).
const LAYOUT_CACHE_MAX = 2_000;
const parsedFonts = new WeakMap<Uint8Array, ReturnType<typeof fontkit.create>>();

const compatibleFontkit = {
  create(data: Uint8Array, postscriptName?: string) {
    const cached = parsedFonts.get(data);
    if (cached) return cached;
    const font = fontkit.create(data, postscriptName);
    // Shaping a line (GSUB/GPOS lookups) is most of a certificate's cost, and most lines recur
    // (the wording, course titles, labels): layouts are kept per font, a bounded number.
    const layout = font.layout.bind(font);
    const layouts = new Map<string, ReturnType<typeof layout>>();
    font.layout = ((text: string, features?: Parameters<typeof layout>[1]) => {
      const key = `${JSON.stringify(features ?? null)}\u0000${text}`;
      let run = layouts.get(key);
      if (!run) {
        run = layout(text, features);
        if (layouts.size >= LAYOUT_CACHE_MAX) layouts.delete(layouts.keys().next().value as string);
        layouts.set(key, run);
      }
      return run;
    }) as typeof font.layout;
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => {
      const subset = createSubset();
      return new Proxy(subset, {
        get(target, key) {
          if (key === 'encode') return undefined;
          const value = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    };
    parsedFonts.set(data, font);
    return font;
  },
};

export interface CertificateFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

export interface CertificateLogo {
  bytes: Uint8Array;
  type: 'png' | 'jpeg';
}

export interface RenderOptions {
  fonts: CertificateFonts;
  /** Where the QR code and the printed link lead: PUBLIC_URL/verify/CODE. */
  verifyUrl: string;
  logo?: CertificateLogo | null;
  /** The signature image, drawn above the signatory line (read once by the caller). */
  signature?: CertificateLogo | null;
  /** Characters the font has no glyph for, replaced by "?" in the document; the caller logs them. */
  onReplacedCharacters?: (characters: string[]) => void;
  /** Adds to the document before its one save (the signed credential as an attachment). */
  beforeSave?: (doc: PDFDocument) => Promise<void>;
}

const REPLACEMENT = '?';

type Colour = readonly [number, number, number];

function colour(hex: string): Colour {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

/** A number as content-stream text: at most three decimals, no exponent, no "-0". */
function num(v: number): string {
  const s = String(Math.round(v * 1000) / 1000);
  return s === '-0' ? '0' : s;
}

const rgbOf = (c: Colour) => `${num(c[0])} ${num(c[1])} ${num(c[2])}`;

function dateOf(iso: string): string {
  // Fixed format and language: the document must not depend on the server's locale.
  const d = new Date(iso);
  const months = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A font as the layout uses it: its resource name on the page, widths, and text as show operators. */
interface Face {
  resource: string;
  width(text: string, size: number): number;
  show(text: string): string;
}

/** The code points a parsed font has glyphs for (for the "?" replacement), per font. */
const characterSets = new WeakMap<object, Set<number>>();
function characterSet(font: ReturnType<typeof fontkit.create>): Set<number> {
  let set = characterSets.get(font);
  if (!set) {
    set = new Set(font.characterSet);
    characterSets.set(font, set);
  }
  return set;
}

/**
 * The faces for this document. The shared subsets when they hold every character to draw (the
 * usual case: nothing to subset or shape per document); fontkit's shaping and a per-document
 * subset when a text needs other glyphs the font has (Greek, Cyrillic, Hebrew, combining marks).
 */
async function facesFor(
  doc: PDFDocument,
  page: PDFPage,
  fonts: CertificateFonts,
  texts: { regular: string[]; bold: string[] },
): Promise<{ regular: Face; bold: Face }> {
  const parsed = {
    regular: compatibleFontkit.create(fonts.regular),
    bold: compatibleFontkit.create(fonts.bold),
  };
  const shared = {
    regular: await preparedFont(parsed.regular, 'LCTRNR'),
    bold: await preparedFont(parsed.bold, 'LCTRNB'),
  };
  const fits = (font: PreparedFont, list: string[]) =>
    list.every((t) => {
      for (const ch of t) if (!font.has(ch.codePointAt(0) as number)) return false;
      return true;
    });
  if (fits(shared.regular, texts.regular) && fits(shared.bold, texts.bold)) {
    const sharedFace = (font: PreparedFont, tag: string): Face => ({
      resource: page.node.newFontDictionary(tag, font.register(doc.context)).toString(),
      width: (text, size) => font.widthAt(text, size),
      show: (text) => `${font.showOperand(text)} TJ`,
    });
    return { regular: sharedFace(shared.regular, 'F'), bold: sharedFace(shared.bold, 'F') };
  }
  doc.registerFontkit(compatibleFontkit as unknown as Parameters<typeof doc.registerFontkit>[0]);
  const shapedFace = async (bytes: Uint8Array): Promise<Face> => {
    const font: PDFFont = await doc.embedFont(bytes, { subset: true });
    return {
      resource: page.node.newFontDictionary(font.name, font.ref).toString(),
      width: (text, size) => font.widthOfTextAtSize(text, size),
      show: (text) => `${font.encodeText(text).toString()} Tj`,
    };
  };
  return { regular: await shapedFace(fonts.regular), bold: await shapedFace(fonts.bold) };
}

/** The largest size up to `size` at which the text fits the width (long names and titles stay on one line). */
function fitted(face: Face, text: string, size: number, maxWidth: number, minSize = 10): number {
  // Width grows linearly with the size: one measurement.
  const perPoint = face.width(text, 1);
  if (perPoint * size <= maxWidth) return size;
  return Math.max(minSize, Math.floor(maxWidth / perPoint));
}

// Deflate's fastest level: a page's few kilobytes of operators come out some 15 % larger at a third
// of the cost (zlib's setup dominates at this size). memLevel 9, zlib's largest hash: a fifth
// faster again on a page's operators (measured on 9 KB: 83 → 64 µs), same size within 1 %.
const FAST = { level: 1, memLevel: 9 } as const;

/** The page's content stream, written as text. */
class Content {
  private readonly parts: string[] = [];

  text(face: Face, text: string, x: number, y: number, size: number, fill: Colour) {
    this.parts.push(
      `BT ${face.resource} ${num(size)} Tf ${rgbOf(fill)} rg ${num(x)} ${num(y)} Td ${face.show(text)} ET`,
    );
  }

  strokeRect(x: number, y: number, w: number, h: number, stroke: Colour, width: number) {
    this.parts.push(`q ${rgbOf(stroke)} RG ${num(width)} w ${num(x)} ${num(y)} ${num(w)} ${num(h)} re S Q`);
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: Colour, width: number) {
    this.parts.push(`q ${rgbOf(stroke)} RG ${num(width)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S Q`);
  }

  raw(ops: string) {
    this.parts.push(ops);
  }

  bytes(): Buffer {
    return Buffer.from(this.parts.join('\n'), 'latin1');
  }
}

/**
 * The QR code as vector squares: sharp at any zoom and a few hundred bytes. Each run of dark
 * modules on a row is one rectangle in module units (a transform scales them to the size), all
 * filled by one operator.
 */
function qrOperators(url: string, x: number, y: number, size: number): string {
  // One byte-mode segment: the library's search for an optimal mix of modes costs more than the
  // rest of the code, and a URL is bytes anyway.
  // A fixed mask: every mask is valid, and scoring all eight to pick one cost as much as the rest.
  const qr = QRCode.create([{ data: Buffer.from(url, 'utf8'), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: 0,
  });
  const n = qr.modules.size;
  const data = qr.modules.data;
  const quiet = 2;
  const cell = size / (n + quiet * 2);
  const runs: string[] = [];
  for (let row = 0; row < n; row++) {
    let start = -1;
    for (let col = 0; col <= n; col++) {
      const dark = col < n && data[row * n + col] === 1;
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        runs.push(`${start} ${n - 1 - row} ${col - start} 1 re`);
        start = -1;
      }
    }
  }
  const origin = `${num(cell)} 0 0 ${num(cell)} ${num(x + quiet * cell)} ${num(y + quiet * cell)} cm`;
  return `q 1 1 1 rg ${num(x)} ${num(y)} ${num(size)} ${num(size)} re f 0 0 0 rg ${origin}\n${runs.join('\n')}\nf Q`;
}

export async function renderCertificatePdf(
  snapshot: CertificateSnapshot,
  template: CertificateTemplate,
  options: RenderOptions,
): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  // The streams pdf-lib compresses itself (a logo) through Node's zlib at its fastest level:
  // fflate's pure-JS deflate cost a certificate more than its page's layout. An attached JWT is
  // stored as it is: base64url text that deflate shrinks by about a quarter (a kilobyte or so),
  // not worth a compressor's setup per certificate; readers take either (credential/pdf.ts).
  doc.context.flateStream = (contents, dict = {}) => {
    const bytes = typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents;
    if (dict.Type === 'EmbeddedFile' && dict.Subtype === VC_JWT_MEDIA_TYPE) return doc.context.stream(bytes, dict);
    return doc.context.stream(deflateSync(bytes, FAST), { ...dict, Filter: 'FlateDecode' });
  };
  const [width, height] = [PageSizes.A4[1], PageSizes.A4[0]];
  const page = doc.addPage([width, height]);

  // Every text first, in composed form (NFC) with characters the font lacks as "?", so the faces
  // can be chosen for what is actually drawn.
  const replaced = new Set<string>();
  const known = {
    regular: characterSet(compatibleFontkit.create(options.fonts.regular)),
    bold: characterSet(compatibleFontkit.create(options.fonts.bold)),
  };
  const texts = { regular: [] as string[], bold: [] as string[] };
  const text = (weight: 'regular' | 'bold', s: string) => {
    let out = '';
    for (const ch of s.normalize('NFC')) {
      const cp = ch.codePointAt(0) as number;
      if (known[weight].has(cp) || cp === 0x20) out += ch;
      else {
        replaced.add(ch);
        out += REPLACEMENT;
      }
    }
    texts[weight].push(out);
    return out;
  };

  const heading = text('bold', template.heading);
  const preamble = template.preamble ? text('regular', template.preamble) : '';
  const name = text('bold', snapshot.holderName);
  const wording = template.completionWording ? text('regular', template.completionWording) : '';
  const title = text('bold', snapshot.courseTitle);
  const version = text(
    'regular',
    `Version ${snapshot.version}${snapshot.versionLabel ? ` (${snapshot.versionLabel})` : ''}`,
  );
  const facts = [`Completed on ${dateOf(snapshot.completedAt)}`];
  if (snapshot.score !== null) facts.push(`Score ${Math.round(snapshot.score * 10) / 10} %`);
  facts.push(`Issued on ${dateOf(snapshot.issuedAt)}`);
  if (snapshot.expiresAt) facts.push(`Valid until ${dateOf(snapshot.expiresAt)}`);
  const factsLine = text('regular', facts.join('   ·   '));
  const codeLine = text('regular', `Certificate ${formatCode(snapshot.code)}`);
  const verifyLine = text('regular', `Verify at ${options.verifyUrl}`);
  const signatory = template.signatory ? text('regular', template.signatory) : '';
  const documentTitle = text('regular', `${template.heading} — ${snapshot.courseTitle}`);

  const faces = await facesFor(doc, page, options.fonts, texts);
  const { regular, bold } = faces;

  // Fixed metadata from the snapshot: no "now" in the document.
  const issued = new Date(snapshot.issuedAt);
  doc.setTitle(documentTitle);
  doc.setAuthor('Lectern');
  doc.setSubject(`Certificate ${snapshot.code}`);
  doc.setProducer('Lectern');
  doc.setCreator('Lectern');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const content = new Content();
  const primary = colour(template.primaryColour);
  const accent = colour(template.accentColour);
  const grey: Colour = [0.35, 0.35, 0.35];
  const ink: Colour = [0.1, 0.1, 0.1];
  const centred = (face: Face, s: string, y: number, size: number, fill: Colour = ink) =>
    content.text(face, s, (width - face.width(s, size)) / 2, y, size, fill);

  // Frame.
  content.strokeRect(18, 18, width - 36, height - 36, primary, 6);
  content.strokeRect(30, 30, width - 60, height - 60, accent, 1.5);

  /** Embeds an image and draws it scaled into the box (never enlarged), placed by `at`; its drawn size. */
  const drawImage = async (
    image: CertificateLogo,
    box: { width: number; height: number },
    at: (w: number, h: number) => { x: number; y: number },
  ) => {
    const embedded = image.type === 'png' ? await doc.embedPng(image.bytes) : await doc.embedJpg(image.bytes);
    // Never enlarged: a small image stays small rather than blurred.
    const scale = Math.min(box.width / embedded.width, box.height / embedded.height, 1);
    const w = embedded.width * scale;
    const h = embedded.height * scale;
    const { x, y } = at(w, h);
    const key = page.node.newXObject('Image', embedded.ref);
    content.raw(`q ${num(w)} 0 0 ${num(h)} ${num(x)} ${num(y)} cm ${key.toString()} Do Q`);
    return { w, h };
  };

  let top = height - 70;
  if (options.logo) {
    const { h } = await drawImage(options.logo, { width: 150, height: 60 }, (w, h) => ({ x: (width - w) / 2, y: top - h }));
    top -= h + 16;
  }

  const maxWidth = width - 140;
  centred(bold, heading, top - 34, fitted(bold, heading, 34, maxWidth), primary);
  content.line(width / 2 - 90, top - 50, width / 2 + 90, top - 50, accent, 1.5);

  let y = top - 92;
  if (preamble) {
    centred(regular, preamble, y, 15, grey);
    y -= 46;
  }
  centred(bold, name, y, fitted(bold, name, 30, maxWidth, 12));
  y -= 38;
  if (wording) {
    centred(regular, wording, y, 15, grey);
    y -= 38;
  }
  centred(bold, title, y, fitted(bold, title, 24, maxWidth, 10), primary);
  y -= 26;
  centred(regular, version, y, 12, grey);
  y -= 30;
  centred(regular, factsLine, y, 12);

  // Bottom band: signature on the left, code and QR on the right.
  const qrSize = 96;
  const qrX = width - 60 - qrSize;
  const qrY = 52;
  content.raw(qrOperators(options.verifyUrl, qrX, qrY, qrSize));
  const codeSize = 9;
  content.text(regular, codeLine, qrX + qrSize - regular.width(codeLine, codeSize), qrY - 12, codeSize, grey);
  const verifySize = fitted(regular, verifyLine, 8, qrX - 90, 5);
  content.text(regular, verifyLine, qrX - 12 - regular.width(verifyLine, verifySize), qrY + 4, verifySize, grey);

  if (options.signature) {
    // Standing on the line, centred over it; the box ends below the course's facts.
    await drawImage(options.signature, { width: 200, height: 60 }, (w) => ({ x: 70 + (200 - w) / 2, y: 99 }));
  }
  if (signatory || options.signature) {
    content.line(70, 96, 270, 96, grey, 0.8);
    if (signatory) content.text(regular, signatory, 70, 80, 11, grey);
  }

  page.node.set(
    PDFName.of('Contents'),
    doc.context.register(doc.context.stream(deflateSync(content.bytes(), FAST), { Filter: 'FlateDecode' })),
  );
  if (replaced.size > 0) options.onReplacedCharacters?.([...replaced]);
  await options.beforeSave?.(doc);
  // No object streams: PDF 1.4-style files are readable by every viewer a certificate meets.
  return doc.save({ useObjectStreams: false });
}
