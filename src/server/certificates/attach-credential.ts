// The seam between a certificate and its signed credential: at issue, the snapshot becomes an Open
// Badges 3.0 credential signed by the instance's key, embedded in the PDF before it is hashed and
// stored, so the stored bytes carry it and every download is the same file. Signed before the
// PDF is rendered and attached while it is built (one save, no second parse).
import type { CertificateSnapshot } from '../../shared/certificates.ts';
import type { CredentialService } from './credential/service.ts';
import type { CertificateRow } from './repository.ts';
import type { SignCredential } from './service.ts';

const ms = (iso: string) => Date.parse(iso);

export function credentialSigner(credentials: CredentialService): SignCredential {
  return async (row: CertificateRow, snapshot: CertificateSnapshot) => {
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
    return { jwt, attach: (doc) => credentials.attachToPdf(doc, jwt, issuedAt) };
  };
}
