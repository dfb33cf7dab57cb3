// The seam between a certificate and its signed credential: at issue, the snapshot becomes an Open
// Badges 3.0 credential signed by the instance's key, embedded in the PDF before it is hashed and
// stored, so the stored bytes carry it and every download is the same file.
import type { CertificateSnapshot } from '../../shared/certificates.ts';
import { attachCredentialToPdf } from './credential/pdf.ts';
import type { CredentialService } from './credential/service.ts';
import type { CertificateRow } from './repository.ts';
import type { AttachCredential } from './service.ts';

const ms = (iso: string) => Date.parse(iso);

export function credentialAttacher(credentials: CredentialService): AttachCredential {
  return async (row: CertificateRow, snapshot: CertificateSnapshot, pdf: Uint8Array) => {
    const issuedAt = ms(snapshot.issuedAt);
    const jwt = await credentials.issue({
      code: row.code,
      holderName: snapshot.holderName,
      courseId: row.course_id,
      courseTitle: snapshot.courseTitle,
      version: snapshot.version,
      scorePercent: snapshot.score,
      completedAt: ms(snapshot.completedAt),
      issuedAt,
      expiresAt: snapshot.expiresAt === null ? null : ms(snapshot.expiresAt),
      statusIndex: Number(row.status_index),
    });
    // Dated by the issue, not by the clock: a retried issue makes the same bytes.
    return { pdf: await attachCredentialToPdf(pdf, jwt, new Date(issuedAt)), credentialJwt: jwt };
  };
}
