// The certificate PDF, as a pure function of what it certifies, the course's template and the
// fonts (and logo) handed in: no clock, no randomness, no I/O, so the same inputs give the same
// bytes (the issue job may render again after a crash and must store what it would have stored).
// @cantoo/pdf-lib (decision 0008) with fontkit for the embedded Unicode font, subset per document.
import fontkit from '@pdf-lib/fontkit';
import {
  fill,
  PageSizes,
  PDFDocument,
  type PDFFont,
  type PDFOperator,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  rgb,
  setFillingRgbColor,
} from '@cantoo/pdf-lib';
import QRCode from 'qrcode';
import { type CertificateSnapshot, type CertificateTemplate, formatCode } from '../../shared/certificates.ts';

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
  /** Characters the font has no glyph for, replaced by "?" in the document; the caller logs them. */
  onReplacedCharacters?: (characters: string[]) => void;
}

const REPLACEMENT = '?';

function colour(hex: string) {
  const n = Number.parseInt(hex.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

/** Text the font can draw: characters without a glyph become "?" and are reported once. */
function drawable(font: PDFFont, glyphs: Set<number>, text: string, replaced: Set<string>): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (glyphs.has(cp) || cp === 0x20) out += ch;
    else {
      replaced.add(ch);
      out += REPLACEMENT;
    }
  }
  void font;
  return out;
}

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

/** The largest size up to `size` at which the text fits the width (long names and titles stay on one line). */
function fitted(font: PDFFont, text: string, size: number, maxWidth: number, minSize = 10): number {
  // Width grows linearly with the size: one measurement (shaping the text is the costly part).
  const perPoint = font.widthOfTextAtSize(text, 1);
  if (perPoint * size <= maxWidth) return size;
  return Math.max(minSize, Math.floor(maxWidth / perPoint));
}

function centred(
  page: PDFPage,
  font: PDFFont,
  text: string,
  y: number,
  size: number,
  colourValue = rgb(0.1, 0.1, 0.1),
) {
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: (page.getWidth() - width) / 2, y, size, font, color: colourValue });
}

/**
 * The QR code as vector squares: sharp at any zoom and a few hundred bytes. Each run of dark
 * modules on a row is one rectangle, all filled by one operator (drawRectangle per run would
 * cost ten operators each).
 */
function drawQr(page: PDFPage, url: string, x: number, y: number, size: number) {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + quiet * 2);
  const round = (v: number) => Math.round(v * 100) / 100;
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  const runs: PDFOperator[] = [];
  for (let row = 0; row < n; row++) {
    let start = -1;
    for (let col = 0; col <= n; col++) {
      const dark = col < n && qr.modules.get(row, col) === 1;
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        runs.push(
          rectangle(
            round(x + (quiet + start) * cell),
            round(y + size - (quiet + row + 1) * cell),
            round((col - start) * cell),
            round(cell),
          ),
        );
        start = -1;
      }
    }
  }
  page.pushOperators(pushGraphicsState(), setFillingRgbColor(0, 0, 0), ...runs, fill(), popGraphicsState());
}

export async function renderCertificatePdf(
  snapshot: CertificateSnapshot,
  template: CertificateTemplate,
  options: RenderOptions,
): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(compatibleFontkit as unknown as Parameters<typeof doc.registerFontkit>[0]);
  const regular = await doc.embedFont(options.fonts.regular, { subset: true });
  const bold = await doc.embedFont(options.fonts.bold, { subset: true });
  const glyphs = { regular: new Set(regular.getCharacterSet()), bold: new Set(bold.getCharacterSet()) };
  const replaced = new Set<string>();
  const text = (font: PDFFont, s: string) => drawable(font, font === bold ? glyphs.bold : glyphs.regular, s, replaced);

  // Fixed metadata from the snapshot: no "now" in the document.
  const issued = new Date(snapshot.issuedAt);
  doc.setTitle(text(regular, `${template.heading} — ${snapshot.courseTitle}`));
  doc.setAuthor('Lectern');
  doc.setSubject(`Certificate ${snapshot.code}`);
  doc.setProducer('Lectern');
  doc.setCreator('Lectern');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const [width, height] = [PageSizes.A4[1], PageSizes.A4[0]];
  const page = doc.addPage([width, height]);
  const primary = colour(template.primaryColour);
  const accent = colour(template.accentColour);
  const grey = rgb(0.35, 0.35, 0.35);

  // Frame.
  page.drawRectangle({ x: 18, y: 18, width: width - 36, height: height - 36, borderColor: primary, borderWidth: 6 });
  page.drawRectangle({ x: 30, y: 30, width: width - 60, height: height - 60, borderColor: accent, borderWidth: 1.5 });

  let top = height - 70;
  if (options.logo) {
    const image =
      options.logo.type === 'png' ? await doc.embedPng(options.logo.bytes) : await doc.embedJpg(options.logo.bytes);
    const scale = Math.min(150 / image.width, 60 / image.height, 1);
    const w = image.width * scale;
    const h = image.height * scale;
    page.drawImage(image, { x: (width - w) / 2, y: top - h, width: w, height: h });
    top -= h + 16;
  }

  const maxWidth = width - 140;
  const heading = text(bold, template.heading);
  centred(page, bold, heading, top - 34, fitted(bold, heading, 34, maxWidth), primary);
  page.drawLine({
    start: { x: width / 2 - 90, y: top - 50 },
    end: { x: width / 2 + 90, y: top - 50 },
    thickness: 1.5,
    color: accent,
  });

  let y = top - 92;
  if (template.preamble) {
    centred(page, regular, text(regular, template.preamble), y, 15, grey);
    y -= 46;
  }
  const name = text(bold, snapshot.holderName);
  centred(page, bold, name, y, fitted(bold, name, 30, maxWidth, 12));
  y -= 38;
  if (template.completionWording) {
    centred(page, regular, text(regular, template.completionWording), y, 15, grey);
    y -= 38;
  }
  const title = text(bold, snapshot.courseTitle);
  centred(page, bold, title, y, fitted(bold, title, 24, maxWidth, 10), primary);
  y -= 26;
  const version = `Version ${snapshot.version}${snapshot.versionLabel ? ` (${snapshot.versionLabel})` : ''}`;
  centred(page, regular, text(regular, version), y, 12, grey);
  y -= 30;

  const facts = [`Completed on ${dateOf(snapshot.completedAt)}`];
  if (snapshot.score !== null) facts.push(`Score ${Math.round(snapshot.score * 10) / 10} %`);
  facts.push(`Issued on ${dateOf(snapshot.issuedAt)}`);
  if (snapshot.expiresAt) facts.push(`Valid until ${dateOf(snapshot.expiresAt)}`);
  centred(page, regular, text(regular, facts.join('   ·   ')), y, 12);

  // Bottom band: signature on the left, code and QR on the right.
  const qrSize = 96;
  const qrX = width - 60 - qrSize;
  const qrY = 52;
  drawQr(page, options.verifyUrl, qrX, qrY, qrSize);
  const codeLine = `Certificate ${formatCode(snapshot.code)}`;
  const codeSize = 9;
  page.drawText(codeLine, {
    x: qrX + qrSize - regular.widthOfTextAtSize(codeLine, codeSize),
    y: qrY - 12,
    size: codeSize,
    font: regular,
    color: grey,
  });
  const verifyLine = text(regular, `Verify at ${options.verifyUrl}`);
  const verifySize = fitted(regular, verifyLine, 8, qrX - 90, 5);
  page.drawText(verifyLine, {
    x: qrX - 12 - regular.widthOfTextAtSize(verifyLine, verifySize),
    y: qrY + 4,
    size: verifySize,
    font: regular,
    color: grey,
  });

  if (template.signatory) {
    page.drawLine({ start: { x: 70, y: 96 }, end: { x: 270, y: 96 }, thickness: 0.8, color: grey });
    page.drawText(text(regular, template.signatory), { x: 70, y: 80, size: 11, font: regular, color: grey });
  }

  if (replaced.size > 0) options.onReplacedCharacters?.([...replaced]);
  // No object streams: PDF 1.4-style files are readable by every viewer a certificate meets.
  return doc.save({ useObjectStreams: false });
}
