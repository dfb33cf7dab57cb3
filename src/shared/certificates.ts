// Certificates as both sides see them: the snapshot a certificate certifies (frozen at issue), the
// per-course template, the verification facts the public may read, and the pure rules (status,
// expiry, codes). No I/O here.
import { z } from 'zod';

/** What a certificate certifies, frozen when it is issued: a renamed learner or a new course version changes nothing. */
export const certificateSnapshotSchema = z.object({
  holderName: z.string(),
  courseTitle: z.string(),
  version: z.number().int().min(1),
  versionLabel: z.string(),
  /** The best passed test attempt in percent, or null for a course without a test. */
  score: z.number().min(0).max(100).nullable(),
  completedAt: z.iso.datetime(),
  issuedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  code: z.string(),
});
export type CertificateSnapshot = z.infer<typeof certificateSnapshotSchema>;

const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A colour is #rrggbb');

/** How a course's certificates look. Wording is the author's; the facts are always the snapshot's. */
export const certificateTemplateSchema = z.object({
  primaryColour: hexColour,
  accentColour: hexColour,
  heading: z.string().trim().min(1).max(80),
  /** Before the name: "This certifies that". */
  preamble: z.string().trim().max(120),
  /** After the name, before the course title: "has successfully completed". */
  completionWording: z.string().trim().max(120),
  /** Printed under the signature line, e.g. "Head of Training"; empty for none. */
  signatory: z.string().trim().max(80),
  /** The course's cover image as a logo, or none. */
  logo: z.enum(['none', 'cover']),
  /** An image (an asset of the author's) printed as the signature above the signatory line; null for none. */
  signatureAssetId: z.uuid().nullable().default(null),
});
export type CertificateTemplate = z.infer<typeof certificateTemplateSchema>;

export const DEFAULT_CERTIFICATE_TEMPLATE: CertificateTemplate = {
  primaryColour: '#1f3a5f',
  accentColour: '#b8860b',
  heading: 'Certificate of Completion',
  preamble: 'This certifies that',
  completionWording: 'has successfully completed the course',
  signatory: '',
  logo: 'none',
  signatureAssetId: null,
};

/** A course's certificate settings: how long certificates stay valid (null: for ever) and their look. */
export const certificateSettingsSchema = z.object({
  validityMonths: z.number().int().min(1).max(600).nullable(),
  template: certificateTemplateSchema,
});
export type CertificateSettings = z.infer<typeof certificateSettingsSchema>;

/** A new course's (or an old draft's) certificate settings: the default look, never expiring. */
export const DEFAULT_CERTIFICATE_SETTINGS: CertificateSettings = {
  validityMonths: null,
  template: DEFAULT_CERTIFICATE_TEMPLATE,
};

export type CertificateStatus = 'valid' | 'expired' | 'revoked';

/** Revoked wins over expired: a revoked certificate never becomes merely expired. */
export function certificateStatus(
  c: { revokedAt: number | null; expiresAt: number | null },
  now: number,
): CertificateStatus {
  if (c.revokedAt !== null) return 'revoked';
  if (c.expiresAt !== null && c.expiresAt <= now) return 'expired';
  return 'valid';
}

/** Calendar months after the issue date (31 January + 1 month = the last day of February). */
export function expiryOf(issuedAt: number, validityMonths: number | null): number | null {
  if (validityMonths === null) return null;
  const d = new Date(issuedAt);
  const day = d.getUTCDate();
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + validityMonths,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.getTime();
}

// Crockford's base32: no I, L, O, U, so a code read aloud or typed survives.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 130 bits (26 characters): above the 128 the design asks for. */
export const CODE_LENGTH = 26;

/** A verification code from random bytes (at least 17). */
export function encodeCode(bytes: Uint8Array): string {
  if (bytes.length < 17) throw new Error('A certificate code needs at least 17 random bytes');
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < CODE_LENGTH) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** What a person typed, as stored: upper case, separators dropped, look-alikes mapped; null when it cannot be a code. */
export function normalizeCode(input: string): string | null {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== CODE_LENGTH) return null;
  for (const ch of cleaned) if (!CROCKFORD.includes(ch)) return null;
  return cleaned;
}

/** For people: groups of four or five, easier to read and type. */
export function formatCode(code: string): string {
  return code.match(/.{1,5}/g)?.join('-') ?? code;
}

/** What anyone may learn from a code: nothing about the holder beyond the name on the certificate. */
export const verificationViewSchema = z.object({
  code: z.string(),
  holderName: z.string(),
  courseTitle: z.string(),
  version: z.number(),
  versionLabel: z.string(),
  completedAt: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  status: z.enum(['valid', 'expired', 'revoked']),
});
export type VerificationView = z.infer<typeof verificationViewSchema>;

/** A certificate as its holder and administrators see it. */
export const certificateViewSchema = verificationViewSchema.extend({
  id: z.string(),
  courseId: z.string(),
  userId: z.string(),
  score: z.number().nullable(),
  /** The public verification page. */
  verifyUrl: z.string(),
  pdfSha256: z.string().nullable(),
  pdfSize: z.number().nullable(),
  previousCertificateId: z.string().nullable(),
  /** Whether the certificate carries a signed Open Badges credential (JSON and badge downloads). */
  hasCredential: z.boolean(),
});
export type CertificateView = z.infer<typeof certificateViewSchema>;

/** An administrator's row: the certificate and who holds it now. */
export const adminCertificateViewSchema = certificateViewSchema.extend({
  holderEmail: z.string(),
  revokedReason: z.string().nullable(),
});
export type AdminCertificateView = z.infer<typeof adminCertificateViewSchema>;

export const revokeSchema = z.object({
  reason: z.string().trim().min(3, 'Give a reason of at least 3 characters').max(500),
});

/** GET /api/certificates: the signed-in learner's certificates. */
export const certificatesResponseSchema = z.object({ certificates: z.array(certificateViewSchema) });
/** GET /api/verify/:code. */
export const verificationResponseSchema = z.object({ certificate: verificationViewSchema });
/** GET /api/admin/certificates: an administrator's search. */
export const adminCertificatesResponseSchema = z.object({ certificates: z.array(adminCertificateViewSchema) });
/** Revoke and re-issue: the certificate as it is now. */
export const adminCertificateResponseSchema = z.object({ certificate: adminCertificateViewSchema });
/** A course's certificate settings, read or saved. */
export const certificateSettingsResponseSchema = z.object({ settings: certificateSettingsSchema });

export const MAX_VERIFY_UPLOAD_BYTES = 5 * 1024 * 1024;

/**
 * What the signed credential embedded in an uploaded PDF turned out to be: none, a signature that
 * does not verify (with why), or a genuine credential of this instance and its status.
 */
export const embeddedCredentialCheckSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('none') }),
  z.object({
    state: z.literal('invalid'),
    reason: z.enum(['bad_signature', 'unknown_key', 'malformed', 'not_ours']),
  }),
  z.object({ state: z.enum(['valid', 'revoked', 'expired', 'not_yet_valid']), code: z.string() }),
]);
export type EmbeddedCredentialCheck = z.infer<typeof embeddedCredentialCheckSchema>;

/** The answer to verify-by-upload: the bytes compared with those issued, and the credential inside checked. */
export const uploadVerificationSchema = z.discriminatedUnion('issuedHere', [
  z.object({
    issuedHere: z.literal(true),
    certificate: verificationViewSchema,
    credential: embeddedCredentialCheckSchema,
  }),
  z.object({ issuedHere: z.literal(false), message: z.string(), credential: embeddedCredentialCheckSchema }),
]);
export type UploadVerification = z.infer<typeof uploadVerificationSchema>;
