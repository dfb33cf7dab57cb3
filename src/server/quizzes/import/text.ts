// Question texts as other tools write them (HTML, Moodle's auto-format, Markdown, plain) turned into
// what a test set holds: Markdown for a question, plain text for answers and feedback. The HTML is
// never rendered: tags are read as text, so nothing in an import file can run in the browser.

/** Moodle's text formats (the XML `format` attribute, GIFT's [html]/[markdown]/[plain]/[moodle]). */
export type TextFormat = 'html' | 'markdown' | 'plain' | 'moodle';

export function textFormat(raw: string | undefined, fallback: TextFormat = 'html'): TextFormat {
  switch ((raw ?? '').toLowerCase()) {
    case 'html':
      return 'html';
    case 'markdown':
      return 'markdown';
    case 'plain_text':
    case 'plain':
      return 'plain';
    case 'moodle_auto_format':
    case 'moodle':
      return 'moodle';
    default:
      return fallback;
  }
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  laquo: '«',
  raquo: '»',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  ccedil: 'ç',
  uuml: 'ü',
  ouml: 'ö',
  auml: 'ä',
  szlig: 'ß',
  copy: '©',
  reg: '®',
  deg: '°',
  times: '×',
  divide: '÷',
};

/** Character references decoded once (never recursively: "&amp;lt;" is "&lt;"), unknown names kept. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** An image a text shows: `<img src=… alt=…>` or Markdown `![alt](src)`. */
export interface FoundImage {
  src: string;
  alt: string | null;
}

const IMG_TAG = /<img\b[^<>]*>/gi;
const MD_IMAGE = /!\[([^\]\n]{0,300})\]\(([^)\s]{1,2000})(?:\s+"[^"\n]{0,300}")?\)/g;

function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  if (!m) return null;
  return decodeEntities(m[1] ?? m[2] ?? m[3] ?? '');
}

/** The text without its images, and the images it had (in order). */
export function takeImages(text: string, format: TextFormat): { text: string; images: FoundImage[] } {
  const images: FoundImage[] = [];
  let rest = text.replace(IMG_TAG, (tag) => {
    images.push({ src: attribute(tag, 'src') ?? '', alt: attribute(tag, 'alt') });
    return '';
  });
  if (format === 'markdown') {
    rest = rest.replace(MD_IMAGE, (_whole, alt: string, src: string) => {
      images.push({ src, alt });
      return '';
    });
  }
  return { text: rest, images };
}

/** A file name from a URL path ("my%20picture.png"); a broken escape is kept as written, never an error. */
export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Links to embedded files that are not images (`<a href="@@PLUGINFILE@@/x.mp3">`, `<source src=…>`…). */
export function embeddedLinks(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:href|src|data)\s*=\s*["']@@PLUGINFILE@@\/([^"'<>]{1,1000})["']/gi)) {
    out.push(decodePath(m[1] ?? ''));
  }
  return out;
}

// Every pattern below stops at the next "<" or is bounded, and blocks are cut with indexOf: an
// import file's text is hostile input, and a pattern that rescans to the end of the text from each
// "<" (an unclosed <a, <!--, <img) would take quadratic time.

/** The text without `open`…`close` blocks (comments, scripts); an unclosed one runs to the end. */
function cutBlocks(text: string, open: RegExp, close: string): string {
  let out = '';
  let at = 0;
  const lower = text.toLowerCase();
  open.lastIndex = 0;
  for (let m = open.exec(text); m; m = open.exec(text)) {
    out += text.slice(at, m.index);
    const end = lower.indexOf(close, m.index + m[0].length);
    if (end < 0) return out;
    at = end + close.length;
    open.lastIndex = at;
  }
  return out + text.slice(at);
}

function withoutBlocks(html: string): string {
  return cutBlocks(cutBlocks(cutBlocks(html, /<!--/g, '-->'), /<script\b/gi, '</script>'), /<style\b/gi, '</style>');
}

function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim().replace(/[ \t\u00a0]{2,}/g, ' '))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** HTML as Markdown: paragraphs, line breaks, bold, italics, links, lists and code kept; other tags dropped. */
export function htmlToMarkdown(html: string): string {
  let s = withoutBlocks(html.replace(/\s+/g, ' '));
  s = s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|ul|ol|table|blockquote|pre)\s*>/gi, '\n\n')
    .replace(/<(p|div|h[1-6]|ul|ol|table|blockquote|pre)\b[^<>]*>/gi, '\n\n')
    .replace(/<li\b[^<>]*>/gi, '\n- ')
    .replace(/<\/li\s*>/gi, '')
    .replace(/<\/tr\s*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<(strong|b)\b[^<>]*> ?/gi, '**')
    .replace(/ ?<\/(strong|b)\s*>/gi, '**')
    .replace(/<(em|i)\b[^<>]*> ?/gi, '_')
    .replace(/ ?<\/(em|i)\s*>/gi, '_')
    .replace(/<code\b[^<>]*>/gi, '`')
    .replace(/<\/code\s*>/gi, '`')
    .replace(
      /<a\b[^<>]*\shref\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)')[^<>]*>([^<]*)<\/a\s*>/gi,
      (_m, d, q, inner: string) => {
        const href = decodeEntities(d ?? q ?? '');
        const label = inner.trim();
        return /^(https?:|mailto:)/i.test(href) ? `[${label}](${href})` : label;
      },
    )
    .replace(/<\/?[a-z][^<>]*>/gi, '');
  // An emphasis left empty by a removed image ("** **") is dropped.
  s = s.replace(/\*\* ?\*\*/g, '').replace(/(^|\s)__(\s|$)/g, '$1$2');
  return tidy(decodeEntities(s));
}

/** HTML as plain text (answers and feedback hold no formatting). */
export function htmlToText(html: string): string {
  const s = withoutBlocks(html.replace(/\s+/g, ' '))
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(p|div|h[1-6]|ul|ol|li|tr|table|blockquote|pre)\b[^<>]*>/gi, '\n')
    .replace(/<\/?[a-z][^<>]*>/gi, '');
  return tidy(decodeEntities(s));
}

/** A text in `format` as a question's Markdown. */
export function asMarkdown(text: string, format: TextFormat): string {
  if (format === 'html') return htmlToMarkdown(text);
  if (format === 'moodle') return /<[a-z][^<>]*>/i.test(text) ? htmlToMarkdown(text) : tidy(text);
  return text.replace(/\r\n?/g, '\n').trim();
}

/** A text in `format` as plain text (answers, feedback). */
export function asPlain(text: string, format: TextFormat): string {
  if (format === 'html' || (format === 'moodle' && /<[a-z][^<>]*>/i.test(text))) return htmlToText(text);
  return text.replace(/\r\n?/g, '\n').trim();
}

/** The first words of a text, for naming a question that has no name. */
export function firstWords(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
};

/** The image type a file's name claims, or null when the name is not an image's. */
export function imageMimeFromName(name: string): string | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return IMAGE_TYPES[ext] ?? null;
}
