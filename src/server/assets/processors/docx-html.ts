// A light HTML preview of a .docx (mammoth), which works without LibreOffice and reads well on a phone.
// mammoth's output is HTML built from an untrusted document, so it goes through a strict allowlist and the
// page carries its own Content-Security-Policy as a second line of defence: no script, style attribute,
// event handler, frame or remote resource can survive; images only as inline PNG/JPEG/GIF/WebP data.
import mammoth from 'mammoth';
import sanitizeHtml from 'sanitize-html';
import yauzl from 'yauzl';

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_TOTAL_IMAGE_BYTES = 20 * 1024 * 1024;
const ID_PREFIX = 'doc-'; // every id mammoth makes (footnotes, bookmarks) starts with it; others are dropped
const SAFE_ID = /^doc-[A-Za-z0-9_-]{1,100}$/;
const SAFE_IMG = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

/** The image type from its first bytes, whatever the document claims; null when not one we inline. */
export function imageMime(bytes: Buffer): string | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'image/webp';
  }
  return null;
}

export function sanitizeDocumentHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'ul', 'ol', 'li'],
      ...['table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td'],
      ...['strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'a', 'img'],
    ],
    allowedAttributes: {
      a: ['href', 'rel', 'id'],
      img: ['src', 'alt'],
      li: ['id'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['data'] },
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => {
        const out: Record<string, string> = {};
        const href = attribs.href ?? '';
        if (/^(?:https?:|mailto:)/i.test(href)) {
          out.href = href;
          out.rel = 'noopener noreferrer';
        } else if (href.startsWith('#') && SAFE_ID.test(href.slice(1))) {
          out.href = href; // footnote links within the page
        }
        if (attribs.id && SAFE_ID.test(attribs.id)) out.id = attribs.id;
        return { tagName, attribs: out };
      },
      li: (tagName, attribs) => {
        const out: Record<string, string> = {};
        if (attribs.id && SAFE_ID.test(attribs.id)) out.id = attribs.id;
        return { tagName, attribs: out };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !SAFE_IMG.test(frame.attribs.src ?? ''),
  });
}

/** Text of the named entries (if present and small) of a zip file. */
function readZipTexts(
  file: string,
  names: readonly string[],
  maxBytes = 2 * 1024 * 1024,
): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const found = new Map<string, string>();
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('error', reject);
      zip.on('end', () => resolve(found));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!names.includes(entry.fileName) || entry.uncompressedSize > maxBytes) return zip.readEntry();
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr) return reject(streamErr);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            found.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

const decodeEntities = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const LANG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;

/** Title and language from the document's properties and default style, when it states them. */
async function documentProperties(file: string): Promise<{ title?: string; lang?: string }> {
  try {
    const texts = await readZipTexts(file, ['docProps/core.xml', 'word/styles.xml']);
    const core = texts.get('docProps/core.xml') ?? '';
    const styles = texts.get('word/styles.xml') ?? '';
    const title = /<dc:title>([^<]*)<\/dc:title>/.exec(core)?.[1];
    const lang =
      /<dc:language>([^<]*)<\/dc:language>/.exec(core)?.[1]?.trim() ||
      /<w:docDefaults>[\s\S]*?<w:lang\b[^>]*\bw:val="([^"]*)"/.exec(styles)?.[1];
    return {
      ...(title?.trim() ? { title: decodeEntities(title.trim()) } : {}),
      ...(lang && LANG.test(lang) ? { lang } : {}),
    };
  } catch {
    return {};
  }
}

export interface DocxHtml {
  html: string;
  images: number;
  omittedImages: number;
}

/** A complete, self-contained HTML page for a .docx; null when mammoth cannot read the file. */
export async function docxToHtml(file: string): Promise<DocxHtml | null> {
  let images = 0;
  let omittedImages = 0;
  let budget = MAX_TOTAL_IMAGE_BYTES;
  const convertImage = mammoth.images.imgElement(async (image) => {
    const bytes = await image.readAsBuffer();
    const mime = imageMime(bytes);
    if (!mime || bytes.length > MAX_IMAGE_BYTES || bytes.length > budget) {
      omittedImages++;
      return { src: '' }; // removed by the sanitizer, alt text and all
    }
    budget -= bytes.length;
    images++;
    return { src: `data:${mime};base64,${bytes.toString('base64')}` };
  });
  let body: string;
  try {
    const result = await mammoth.convertToHtml(
      { path: file },
      { convertImage, idPrefix: ID_PREFIX, externalFileAccess: false }, // never follow links to other files
    );
    body = sanitizeDocumentHtml(result.value);
  } catch {
    return null;
  }
  const props = await documentProperties(file);
  const heading = /<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/.exec(body)?.[1];
  const headingText = heading ? decodeEntities(heading.replace(/<[^>]*>/g, '')).trim() : '';
  const title = (props.title || headingText || 'Document').slice(0, 200);
  const html = `<!doctype html>
<html lang="${props.lang ?? 'und'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem}img{max-width:100%;height:auto}table{border-collapse:collapse}td,th{border:1px solid #888;padding:.25rem .5rem;vertical-align:top}</style>
</head>
<body>
${body}
</body>
</html>
`;
  return { html, images, omittedImages };
}
