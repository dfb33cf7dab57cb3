// Office documents: LibreOffice (when installed) makes a PDF, which the browser shows like any PDF, plus a
// thumbnail of page 1; a .docx also gets a light HTML preview from mammoth, which needs no LibreOffice.
//
// Each run gets its own LibreOffice profile (and HOME) inside workDir: parallel conversions do not fight over
// one profile lock and nothing leaks between documents. The profile is seeded with macros disabled and with
// BlockUntrustedRefererLinks, without which a document's linked images (file:///…, ../../…) are read from
// the server's disk and embedded in the PDF — e.g. other people's uploads.
import { copyFile, mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { docxToHtml } from './docx-html.ts';
import { readPdfInfo, renderPdfThumbnail } from './pdf.ts';
import { DEFAULT_TOOLS, runTool, ToolError, type ToolPaths, toolAvailable } from './run-tool.ts';
import type { DerivativeFile, Processor } from './types.ts';

const DAMAGED = 'The document could not be opened; it may be damaged.';
const TOO_SLOW = 'Converting the document took longer than 3 minutes and was stopped; it may be damaged or very large.';
const NO_PREVIEW = 'Preview unavailable — download the file to open it.';
const CONVERT_TIMEOUT_MS = 180_000;

const PROFILE_SETTINGS = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
`;

/**
 * Converts to PDF with LibreOffice; the PDF's path, or why not. Rejects on abort.
 * The original is linked in under a plain name with the detected extension: the stored name may have
 * none, and LibreOffice picks its import filter partly by extension.
 */
export async function convertToPdf(
  file: string,
  ext: string,
  workDir: string,
  signal: AbortSignal,
  soffice = DEFAULT_TOOLS.soffice,
): Promise<{ pdf: string } | { error: 'damaged' | 'timeout' }> {
  const inDir = path.join(workDir, 'in');
  const outDir = path.join(workDir, 'out');
  const profile = path.join(workDir, 'lo-profile');
  await Promise.all([mkdir(inDir), mkdir(outDir), mkdir(path.join(profile, 'user'), { recursive: true })]);
  await writeFile(path.join(profile, 'user', 'registrymodifications.xcu'), PROFILE_SETTINGS);
  const input = path.join(inDir, `document.${/^[a-z0-9]{1,8}$/.test(ext) ? ext : 'bin'}`);
  await symlink(path.resolve(file), input).catch(() => copyFile(file, input));
  try {
    await runTool(
      soffice,
      [
        '--headless',
        '--norestore',
        '--nolockcheck',
        `-env:UserInstallation=${pathToFileURL(profile).href}`,
        '--convert-to',
        'pdf',
        '--outdir',
        outDir,
        input,
      ],
      { cwd: workDir, timeoutMs: CONVERT_TIMEOUT_MS, signal, env: { HOME: workDir } },
    );
  } catch (err) {
    if (err instanceof ToolError && err.kind === 'timeout') return { error: 'timeout' };
    throw err;
  }
  // soffice exits 0 even when it could not load the file; the PDF is the only reliable sign of success.
  const pdfName = (await readdir(outDir)).find((name) => name.toLowerCase().endsWith('.pdf'));
  if (!pdfName) return { error: 'damaged' };
  const pdf = path.join(outDir, pdfName);
  return (await stat(pdf)).size > 0 ? { pdf } : { error: 'damaged' };
}

export function createOfficeProcessor(tools: Partial<ToolPaths> = {}): Processor {
  const soffice = tools.soffice ?? DEFAULT_TOOLS.soffice;
  const pdftoppm = tools.pdftoppm ?? DEFAULT_TOOLS.pdftoppm;
  return async ({ file, workDir, signal, detected }) => {
    const format = detected.ext.toLowerCase();
    const derivatives: DerivativeFile[] = [];
    const metadata: Record<string, unknown> = { format };

    let hasHtml = false;
    if (format === 'docx') {
      const docx = await docxToHtml(file);
      if (docx) {
        const htmlPath = path.join(workDir, 'preview.html');
        await writeFile(htmlPath, docx.html, 'utf8');
        derivatives.push({ role: 'html', path: htmlPath, mime: 'text/html' });
        metadata.images = docx.images;
        if (docx.omittedImages > 0) metadata.omittedImages = docx.omittedImages;
        hasHtml = true;
      }
    }
    signal.throwIfAborted();

    if (!toolAvailable(soffice)) {
      if (format === 'docx' && !hasHtml) return { ok: false, reason: DAMAGED };
      return hasHtml ? { ok: true, derivatives, metadata } : { ok: true, derivatives, metadata, note: NO_PREVIEW };
    }

    const converted = await convertToPdf(file, format, workDir, signal, soffice);
    const info = 'pdf' in converted ? await readPdfInfo(converted.pdf) : null;
    if (!('pdf' in converted) || !info) {
      // The HTML preview alone is still worth having.
      const note = 'Only a simplified preview is available; download the file for the original layout.';
      if (hasHtml) return { ok: true, derivatives, metadata, note };
      return { ok: false, reason: 'error' in converted && converted.error === 'timeout' ? TOO_SLOW : DAMAGED };
    }
    metadata.pages = info.pages;
    derivatives.push({ role: 'pdf', path: converted.pdf, mime: 'application/pdf' });
    const thumbnail = await renderPdfThumbnail(converted.pdf, workDir, signal, pdftoppm);
    if (thumbnail) derivatives.push(thumbnail);
    return { ok: true, derivatives, metadata };
  };
}

export const processOffice: Processor = createOfficeProcessor();
