// PDFs are shown by the browser's own viewer; we only count pages and make a small picture of page 1.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { DEFAULT_TOOLS, runTool, ToolError, type ToolPaths, toolAvailable } from './run-tool.ts';
import type { DerivativeFile, Processor } from './types.ts';

export interface PdfInfo {
  pages: number;
  encrypted: boolean;
  title?: string;
}

/** Page count and title, or null when the bytes are not a readable PDF. */
export async function readPdfInfo(file: string): Promise<PdfInfo | null> {
  const bytes = await readFile(file);
  let doc: PDFDocument;
  let pages: number;
  try {
    // ignoreEncryption: the page tree of an encrypted PDF is readable, only strings and streams are not.
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
    pages = doc.getPageCount(); // walks the page tree, which may be broken too
  } catch {
    return null;
  }
  if (pages < 1) return null;
  const encrypted = doc.isEncrypted;
  let title: string | undefined;
  if (!encrypted) {
    try {
      title = doc.getTitle()?.trim() || undefined;
    } catch {
      // A malformed Info dictionary is not worth failing for.
    }
  }
  return { pages, encrypted, ...(title ? { title: title.slice(0, 500) } : {}) };
}

/**
 * PNG of page 1, at most 320 px on its long side, in `outDir`; null when pdftoppm is missing, fails
 * (e.g. a password is needed) or takes too long. Rejects only on abort.
 */
export async function renderPdfThumbnail(
  pdf: string,
  outDir: string,
  signal: AbortSignal,
  pdftoppm = DEFAULT_TOOLS.pdftoppm,
): Promise<DerivativeFile | null> {
  if (!toolAvailable(pdftoppm)) return null;
  const prefix = path.join(outDir, 'thumbnail');
  try {
    const result = await runTool(
      pdftoppm,
      ['-png', '-r', '72', '-f', '1', '-l', '1', '-scale-to', '320', '-singlefile', pdf, prefix],
      { cwd: outDir, timeoutMs: 60_000, signal },
    );
    if (result.code !== 0) return null;
    const png = `${prefix}.png`;
    if (!(await stat(png)).isFile()) return null;
    return { role: 'thumbnail', path: png, mime: 'image/png' };
  } catch (err) {
    if (err instanceof ToolError && err.kind !== 'aborted') return null;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function createPdfProcessor(tools: Partial<ToolPaths> = {}): Processor {
  const pdftoppm = tools.pdftoppm ?? DEFAULT_TOOLS.pdftoppm;
  return async ({ file, workDir, signal }) => {
    const info = await readPdfInfo(file);
    if (!info) return { ok: false, reason: 'The PDF is damaged or is not a PDF.' };
    signal.throwIfAborted();
    const thumbnail = await renderPdfThumbnail(file, workDir, signal, pdftoppm);
    const metadata: Record<string, unknown> = { pages: info.pages, encrypted: info.encrypted };
    if (info.title) metadata.title = info.title;
    // pdftoppm opens a PDF the way a reader's browser would: if it could not, a password is probably needed.
    const note =
      info.encrypted && !thumbnail
        ? 'This PDF is encrypted; readers may be asked for a password to open it.'
        : undefined;
    return { ok: true, derivatives: thumbnail ? [thumbnail] : [], metadata, ...(note ? { note } : {}) };
  };
}

export const processPdf: Processor = createPdfProcessor();
