// A certificate as an Open Badges 3.0 credential (W3C Verifiable Credentials 2.0 data model):
// pure construction from the certificate's snapshot, checked against a zod schema.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from './contexts.ts';
import { type StatusListEntry, statusEntrySchema, statusListEntry } from './status-list.ts';

/** What a certificate certifies, frozen when it was issued (the certificates table's snapshot). */
export interface CredentialSnapshot {
  /** The public verification code (≥ 128 random bits). */
  code: string;
  holderName: string;
  courseId: string;
  courseTitle: string;
  /** The course's description, if any (plain text or markdown); a default sentence otherwise. */
  courseDescription?: string | null;
  version: number;
  /** The test score in percent (0–100), or null for a course without a test. */
  scorePercent: number | null;
  /** Epoch milliseconds, like every time in the database. */
  completedAt: number;
  issuedAt: number;
  expiresAt: number | null;
  /** The certificate's position in the instance's revocation status lists (unique, sequential). */
  statusIndex: number;
}

/** The issuer as it appears inside a credential (an Open Badges Profile). */
export interface IssuerProfile {
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
}

const dateTime = z.iso.datetime({ offset: false, precision: 0 });
const typeList = <T extends string>(first: T) =>
  z.array(z.string()).refine((t) => t.includes(first), `must include ${first}`);

export const issuerProfileSchema = z.object({
  id: z.url(),
  type: z.tuple([z.literal('Profile')]),
  name: z.string().min(1),
  url: z.url(),
});

const identityObjectSchema = z.object({
  type: z.literal('IdentityObject'),
  identityType: z.literal('name'),
  hashed: z.literal(false),
  identityHash: z.string().min(1),
});

const resultDescriptionSchema = z.object({
  id: z.string().min(1),
  type: z.tuple([z.literal('ResultDescription')]),
  name: z.string().min(1),
  resultType: z.literal('Percent'),
});

export const achievementSchema = z.object({
  id: z.url(),
  type: z.tuple([z.literal('Achievement')]),
  achievementType: z.literal('CertificateOfCompletion'),
  name: z.string().min(1),
  description: z.string().min(1),
  criteria: z.object({ narrative: z.string().min(1) }),
  version: z.string().min(1),
  resultDescription: z.array(resultDescriptionSchema).optional(),
});

export const openBadgeCredentialSchema = z.object({
  '@context': z.tuple([z.literal(VC_V2_CONTEXT), z.literal(OB_V3_CONTEXT)]),
  id: z.url(),
  type: typeList('OpenBadgeCredential').refine(
    (t) => t[0] === 'VerifiableCredential',
    'must start with VerifiableCredential',
  ),
  name: z.string().min(1),
  description: z.string().min(1),
  issuer: issuerProfileSchema,
  validFrom: dateTime,
  validUntil: dateTime.optional(),
  awardedDate: dateTime,
  credentialSubject: z.object({
    id: z.string().regex(/^urn:uuid:[0-9a-f-]{36}$/),
    type: z.tuple([z.literal('AchievementSubject')]),
    name: z.string().min(1),
    identifier: z.array(identityObjectSchema).min(1),
    activityEndDate: dateTime,
    achievement: achievementSchema,
    result: z
      .array(
        z.object({
          type: z.tuple([z.literal('Result')]),
          resultDescription: z.string().min(1),
          value: z.string().min(1),
        }),
      )
      .optional(),
  }),
  credentialStatus: statusEntrySchema,
});

export type OpenBadgeCredential = z.infer<typeof openBadgeCredentialSchema>;

export function issuerId(publicUrl: string): string {
  return `${trimSlash(publicUrl)}/api/issuer`;
}

export function issuerProfile(publicUrl: string, name: string): IssuerProfile {
  return { id: issuerId(publicUrl), type: ['Profile'], name, url: trimSlash(publicUrl) };
}

/** The credential's id: the public verification page of its certificate. */
export function credentialId(publicUrl: string, code: string): string {
  return `${trimSlash(publicUrl)}/verify/${encodeURIComponent(code)}`;
}

/** The Achievement's id: the course version the certificate is for. */
export function achievementId(publicUrl: string, courseId: string, version: number): string {
  return `${trimSlash(publicUrl)}/courses/${encodeURIComponent(courseId)}/versions/${version}`;
}

/**
 * The subject's id: learners have no DID, and an account URL would let anyone link a learner's
 * certificates together; so each credential names its holder by a UUID derived from its own code.
 */
export function subjectId(code: string): string {
  const h = createHash('sha256').update(`lectern-credential-subject:${code}`).digest('hex');
  // RFC 9562 UUIDv8 (custom): version nibble 8, variant bits 10.
  const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Whole seconds: the JWT's nbf/exp are seconds and must equal validFrom/validUntil exactly. */
export function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

export interface BuildOptions {
  issuer: IssuerProfile;
  publicUrl: string;
}

/** The unsigned credential for a certificate; throws if the result breaks the schema. */
export function buildCredential(
  snapshot: CredentialSnapshot,
  { issuer, publicUrl }: BuildOptions,
): OpenBadgeCredential {
  const achievement = achievementId(publicUrl, snapshot.courseId, snapshot.version);
  const scoreId = `${achievement}#score`;
  const hasScore = snapshot.scorePercent !== null && Number.isFinite(snapshot.scorePercent);
  const description =
    snapshot.courseDescription?.trim() || `Version ${snapshot.version} of the course “${snapshot.courseTitle}”.`;
  const credential: OpenBadgeCredential = {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: credentialId(publicUrl, snapshot.code),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: snapshot.courseTitle,
    description: `${snapshot.holderName} completed version ${snapshot.version} of the course “${snapshot.courseTitle}”.`,
    issuer,
    validFrom: isoSeconds(snapshot.issuedAt),
    ...(snapshot.expiresAt !== null ? { validUntil: isoSeconds(snapshot.expiresAt) } : {}),
    awardedDate: isoSeconds(snapshot.issuedAt),
    credentialSubject: {
      id: subjectId(snapshot.code),
      type: ['AchievementSubject'],
      name: snapshot.holderName,
      identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: snapshot.holderName }],
      activityEndDate: isoSeconds(snapshot.completedAt),
      achievement: {
        id: achievement,
        type: ['Achievement'],
        achievementType: 'CertificateOfCompletion',
        name: snapshot.courseTitle,
        description,
        criteria: {
          narrative: `Complete every required item of version ${snapshot.version} of the course and pass its test, if it has one.`,
        },
        version: String(snapshot.version),
        ...(hasScore
          ? {
              resultDescription: [
                { id: scoreId, type: ['ResultDescription'], name: 'Test score', resultType: 'Percent' },
              ],
            }
          : {}),
      },
      ...(hasScore
        ? {
            result: [
              { type: ['Result'], resultDescription: scoreId, value: formatPercent(snapshot.scorePercent as number) },
            ],
          }
        : {}),
    },
    credentialStatus: statusListEntry(publicUrl, snapshot.statusIndex) satisfies StatusListEntry,
  };
  return openBadgeCredentialSchema.parse(credential);
}

function formatPercent(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
