// A certificate font subset once per process, not once per document: the glyphs of the scripts
// most names and titles are written in (Latin and its common extensions, punctuation), subset,
// compressed and described as PDF objects on first use; each document then only links those
// objects. Text is laid out with the font's own advance widths and kerning pairs (its `kern`
// table), which is all Latin text needs once normalised to composed characters (NFC). Text with
// other characters the font has (Greek, Cyrillic, Hebrew…) goes through fontkit's shaping and a
// per-document subset instead (render.ts).
import { deflateSync } from 'node:zlib';
import type fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFContext, PDFNumber, type PDFRef, PDFString } from '@cantoo/pdf-lib';

type Font = ReturnType<typeof fontkit.create>;

/**
 * Code points subset into the shared font: ASCII, Latin-1, Latin Extended-A, the Romanian comma
 * letters and Pinyin tone vowels of Latin Extended-B, punctuation, €, ™ (about 28 KB a weight).
 */
const PREPARED_RANGES: [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0x17f],
  [0x1cd, 0x1dc],
  [0x218, 0x21b],
  [0x2010, 0x2027],
  [0x2030, 0x203a],
  [0x20ac, 0x20ac],
  [0x2122, 0x2122],
];

export interface PreparedFont {
  /** Whether the code point is drawn from the shared subset. */
  has(codePoint: number): boolean;
  /** The text's width in points at `size` (kerning included). */
  widthAt(text: string, size: number): number;
  /** The text as a TJ array operand: glyph ids of the subset, kerning as adjustments. */
  showOperand(text: string): string;
  /** The Type0 font dictionary, registered in this document. */
  register(context: PDFContext): PDFRef;
}

const prepared = new WeakMap<Font, PreparedFont>();

/** The font's shared subset, made once per parsed font (the parse is itself cached by its bytes). */
export async function preparedFont(font: Font, tag: string): Promise<PreparedFont> {
  let found = prepared.get(font);
  if (!found) {
    found = await prepare(font, tag);
    prepared.set(font, found);
  }
  return found;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

async function prepare(font: Font, tag: string): Promise<PreparedFont> {
  const scale = 1000 / font.unitsPerEm;
  const subset = font.createSubset();
  // Code point → subset glyph id, and per subset glyph its width (1/1000 em) and code points.
  const gidOf = new Map<number, number>();
  const originalGid = new Map<number, number>();
  const widths: number[] = [0];
  const unicode = new Map<number, number>();
  for (const [from, to] of PREPARED_RANGES) {
    for (let cp = from; cp <= to; cp++) {
      if (!font.hasGlyphForCodePoint(cp)) continue;
      const glyph = font.glyphForCodePoint(cp);
      const gid = subset.includeGlyph(glyph) as unknown as number;
      gidOf.set(cp, gid);
      originalGid.set(gid, glyph.id);
      widths[gid] = Math.round(glyph.advanceWidth * scale);
      if (!unicode.has(gid)) unicode.set(gid, cp);
    }
  }
  const fontFile = await encodeSubset(subset);

  // Kerning pairs between glyphs of the subset, from the legacy `kern` table (format 0 pairs).
  const kerning = new Map<number, number>();
  const subsetGidOf = new Map([...originalGid].map(([gid, original]) => [original, gid]));
  const kern = (font as unknown as { kern?: { tables?: { format: number; subtable?: { pairs?: KernPair[] } }[] } })
    .kern;
  for (const table of kern?.tables ?? []) {
    if (table.format !== 0) continue;
    for (const pair of table.subtable?.pairs ?? []) {
      const left = subsetGidOf.get(pair.left);
      const right = subsetGidOf.get(pair.right);
      if (left !== undefined && right !== undefined && pair.value !== 0)
        kerning.set(left * 65536 + right, Math.round(pair.value * scale));
    }
  }

  const glyphIds = (text: string): number[] => {
    const ids: number[] = [];
    for (const ch of text) ids.push(gidOf.get(ch.codePointAt(0) as number) ?? 0);
    return ids;
  };

  // The objects every document shares, serialised once.
  const baseFont = `${tag}+${font.postscriptName || 'Font'}`;
  const fontFileZ = deflateSync(fontFile, { level: 9 });
  const toUnicodeZ = deflateSync(toUnicodeCMap(unicode));
  // Built once as PDF objects and shared by every document (objects without references are
  // written as they are): turning 1,000-odd numbers into PDF numbers per document cost more than
  // the rest of the font.
  const widthArray = PDFArray.withContext(PDFContext.create());
  widthArray.push(PDFNumber.of(0));
  const widthList = PDFArray.withContext(PDFContext.create());
  for (const v of widths) widthList.push(PDFNumber.of(v ?? 0));
  widthArray.push(widthList);
  const { ascent, descent, capHeight, xHeight, italicAngle, bbox } = font;
  const descriptor = {
    Type: 'FontDescriptor',
    FontName: baseFont,
    // Nonsymbolic (bit 6): the font's own Latin encoding; DejaVu Sans is neither serif nor fixed-pitch.
    Flags: 32,
    FontBBox: [bbox.minX * scale, bbox.minY * scale, bbox.maxX * scale, bbox.maxY * scale].map(Math.round),
    ItalicAngle: italicAngle,
    Ascent: Math.round(ascent * scale),
    Descent: Math.round(descent * scale),
    CapHeight: Math.round((capHeight || ascent) * scale),
    XHeight: Math.round((xHeight || 0) * scale),
    StemV: 0,
  };

  return {
    has: (cp) => gidOf.has(cp),

    widthAt(text, size) {
      const ids = glyphIds(text);
      let total = 0;
      for (let i = 0; i < ids.length; i++) {
        total += widths[ids[i] as number] ?? 0;
        if (i > 0) total += kerning.get((ids[i - 1] as number) * 65536 + (ids[i] as number)) ?? 0;
      }
      return (total * size) / 1000;
    },

    showOperand(text) {
      const ids = glyphIds(text);
      let out = '[<';
      for (let i = 0; i < ids.length; i++) {
        const k = i > 0 ? kerning.get((ids[i - 1] as number) * 65536 + (ids[i] as number)) : undefined;
        // A positive TJ number moves the next glyph left: kerning tighter by k is -k.
        if (k) out += `> ${-k} <`;
        out += hex4(ids[i] as number);
      }
      return `${out}>]`;
    },

    register(context) {
      const fontFileRef = context.register(
        context.stream(fontFileZ, { Filter: 'FlateDecode', Length1: fontFile.length }),
      );
      const descriptorRef = context.register(
        context.obj({ ...descriptor, FontFile2: fontFileRef } as Parameters<PDFContext['obj']>[0]),
      );
      const cidFont = context.register(
        context.obj({
          Type: 'Font',
          Subtype: 'CIDFontType2',
          CIDToGIDMap: 'Identity',
          BaseFont: baseFont,
          CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
          FontDescriptor: descriptorRef,
          W: widthArray,
        } as Parameters<PDFContext['obj']>[0]),
      );
      const toUnicode = context.register(context.stream(toUnicodeZ, { Filter: 'FlateDecode' }));
      return context.register(
        context.obj({
          Type: 'Font',
          Subtype: 'Type0',
          BaseFont: baseFont,
          Encoding: 'Identity-H',
          DescendantFonts: [cidFont],
          ToUnicode: toUnicode,
        }),
      );
    },
  };
}

interface KernPair {
  left: number;
  right: number;
  value: number;
}

/** The subset's TrueType bytes (@pdf-lib/fontkit encodes to a stream). */
function encodeSubset(subset: ReturnType<Font['createSubset']>): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const stream = (subset as unknown as { encodeStream(): NodeJS.ReadableStream }).encodeStream();
    stream.on('data', (bytes: Uint8Array) => parts.push(bytes));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

/** The ToUnicode CMap, so text extraction (and search, copy) gives the characters back. */
function toUnicodeCMap(unicode: Map<number, number>): Buffer {
  const entries = [...unicode].sort((a, b) => a[0] - b[0]);
  const blocks: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    blocks.push(
      `${chunk.length} beginbfchar\n${chunk.map(([gid, cp]) => `<${hex4(gid)}> <${utf16Hex(cp)}>`).join('\n')}\nendbfchar`,
    );
  }
  return Buffer.from(
    [
      '/CIDInit /ProcSet findresource begin',
      '12 dict begin',
      'begincmap',
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
      '/CMapName /Adobe-Identity-UCS def',
      '/CMapType 2 def',
      '1 begincodespacerange',
      '<0000><ffff>',
      'endcodespacerange',
      ...blocks,
      'endcmap',
      'CMapName currentdict /CMap defineresource pop',
      'end',
      'end',
    ].join('\n'),
    'latin1',
  );
}

function utf16Hex(cp: number): string {
  return String.fromCodePoint(cp)
    .split('')
    .map((u) => hex4(u.charCodeAt(0)))
    .join('');
}
