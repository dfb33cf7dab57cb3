// The signed credential travels inside the certificate PDF as an associated file (PDF/A-3 style:
// an embedded file listed in the catalog's /AF array with /AFRelationship /Data).
import { AFRelationship, PDFDocument } from '@cantoo/pdf-lib';
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

/** The embedded credential (a compact JWS), or null when the PDF has none or cannot be read. */
export async function extractCredentialFromPdf(pdfBytes: Uint8Array): Promise<string | null> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdfBytes, {
      updateMetadata: false,
      ignoreEncryption: true,
      throwOnInvalidObject: false,
    });
  } catch {
    return null;
  }
  let attachments: ReturnType<PDFDocument['getAttachments']>;
  try {
    attachments = doc.getAttachments();
  } catch {
    return null;
  }
  const candidates = [
    ...attachments.filter((a) => a.name === CREDENTIAL_FILE_NAME),
    ...attachments.filter((a) => a.name !== CREDENTIAL_FILE_NAME && a.mimeType === VC_JWT_MEDIA_TYPE),
  ];
  for (const attachment of candidates) {
    const text = new TextDecoder().decode(attachment.data).trim();
    if (COMPACT_JWS.test(text)) return text;
  }
  return null;
}
