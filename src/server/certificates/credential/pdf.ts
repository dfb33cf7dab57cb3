// The signed credential travels inside the certificate PDF as an associated file (PDF/A-3 style:
// an embedded file listed in the catalog's /AF array with /AFRelationship /Data).
import { inflateSync } from 'node:zlib';
import {
  AFRelationship,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
} from '@cantoo/pdf-lib';
import { VC_JWT_MEDIA_TYPE } from './signing.ts';

export const CREDENTIAL_FILE_NAME = 'credential.jwt';
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Attaches the credential to a document being built (before its one `save()`), so rendering does
 * not parse the PDF twice. `date` keeps the output reproducible (the certificate's issue date).
 */
export async function attachCredential(doc: PDFDocument, jwt: string, date: Date): Promise<void> {
  await doc.attach(new TextEncoder().encode(jwt), CREDENTIAL_FILE_NAME, {
    mimeType: VC_JWT_MEDIA_TYPE,
    description: 'Open Badges 3.0 credential for this certificate, signed by the issuing Lectern instance (JWT).',
    creationDate: date,
    modificationDate: date,
    afRelationship: AFRelationship.Data,
  });
}

/** The same PDF with the credential attached (any earlier credential.jwt is replaced). */
export async function attachCredentialToPdf(pdfBytes: Uint8Array, jwt: string, date = new Date()): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdfBytes, { updateMetadata: false });
  if (doc.getAttachments().some((a) => a.name === CREDENTIAL_FILE_NAME)) doc.detach(CREDENTIAL_FILE_NAME);
  await attachCredential(doc, jwt, date);
  return doc.save({ updateFieldAppearances: false });
}

/**
 * The embedded credential (a compact JWS), or null when the PDF has none or cannot be read.
 * Reads uploads from strangers, so it walks the embedded-files name tree itself (bounded depth and
 * count), decodes only a file named credential.jwt or typed application/vc+jwt, and inflates it to
 * at most MAX_CREDENTIAL_BYTES (pdf-lib's getAttachments would inflate every attachment in full).
 */
export async function extractCredentialFromPdf(pdfBytes: Uint8Array): Promise<string | null> {
  try {
    const doc = await PDFDocument.load(pdfBytes, {
      updateMetadata: false,
      ignoreEncryption: true,
      throwOnInvalidObject: false,
    });
    const candidates = embeddedFiles(doc).sort(
      (a, b) => Number(b.name === CREDENTIAL_FILE_NAME) - Number(a.name === CREDENTIAL_FILE_NAME),
    );
    for (const file of candidates) {
      if (file.name !== CREDENTIAL_FILE_NAME && file.mimeType !== VC_JWT_MEDIA_TYPE) continue;
      const bytes = streamBytes(file.stream);
      const text = bytes ? new TextDecoder().decode(bytes).trim() : '';
      if (COMPACT_JWS.test(text)) return text;
    }
    return null;
  } catch {
    return null;
  }
}

const MAX_CREDENTIAL_BYTES = 256 * 1024;
const MAX_FILES = 1000;
const MAX_DEPTH = 8;

interface EmbeddedFile {
  name: string;
  mimeType: string | undefined;
  stream: PDFRawStream;
}

function embeddedFiles(doc: PDFDocument): EmbeddedFile[] {
  const names = doc.catalog.lookup(PDFName.of('Names'));
  const root = names instanceof PDFDict ? names.lookup(PDFName.of('EmbeddedFiles')) : undefined;
  const files: EmbeddedFile[] = [];
  const walk = (node: unknown, depth: number) => {
    if (!(node instanceof PDFDict) || depth > MAX_DEPTH || files.length >= MAX_FILES) return;
    const leaves = node.lookup(PDFName.of('Names'));
    if (leaves instanceof PDFArray) {
      for (let i = 0; i + 1 < leaves.size() && files.length < MAX_FILES; i += 2) {
        const file = fileOf(leaves.lookup(i + 1));
        if (file) files.push(file);
      }
    }
    const kids = node.lookup(PDFName.of('Kids'));
    if (kids instanceof PDFArray) for (let i = 0; i < kids.size(); i++) walk(kids.lookup(i), depth + 1);
  };
  walk(root, 0);
  return files;
}

function fileOf(spec: unknown): EmbeddedFile | null {
  if (!(spec instanceof PDFDict)) return null;
  const ef = spec.lookup(PDFName.of('EF'));
  const stream = ef instanceof PDFDict ? ef.lookup(PDFName.of('F')) : undefined;
  if (!(stream instanceof PDFRawStream)) return null;
  const nameObject = spec.lookup(PDFName.of('UF')) ?? spec.lookup(PDFName.of('F'));
  const name = nameObject instanceof PDFString || nameObject instanceof PDFHexString ? nameObject.decodeText() : '';
  const subtype = stream.dict.lookup(PDFName.of('Subtype'));
  return { name, mimeType: subtype instanceof PDFName ? subtype.decodeText() : undefined, stream };
}

/** The stream's bytes: unfiltered, or FlateDecode inflated within the bound; null for anything else. */
function streamBytes(stream: PDFRawStream): Uint8Array | null {
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : [];
  const contents = stream.getContents();
  if (filters.length === 0) return contents.length <= MAX_CREDENTIAL_BYTES ? contents : null;
  if (filters.length === 1 && filters[0] instanceof PDFName && filters[0].asString() === '/FlateDecode') {
    return inflateSync(contents, { maxOutputLength: MAX_CREDENTIAL_BYTES });
  }
  return null;
}
