// The signed credential as the certificates feature uses it: one object built once in the
// composition root, holding the instance's keys and issuer profile. It issues (build + sign),
// packages (PDF attachment, baked badge, JSON) and checks credentials (signature, issuer,
// validity dates, revocation), and makes the status lists the public routes serve.
import type { PDFDocument } from '@cantoo/pdf-lib';
import { renderBadgePng } from './badge.ts';
import {
  buildCredential,
  type CredentialSnapshot,
  issuerProfile,
  type IssuerProfile,
  type OpenBadgeCredential,
} from './credential.ts';
import { statusListCredential } from './issuer.ts';
import { type IssuerKeys, loadOrCreateIssuerKeys } from './keys.ts';
import { attachCredential, extractCredentialFromPdf } from './pdf.ts';
import { bakePng, extractFromPng } from './png.ts';
import { envelopedCredential, signCredential, verifyCredential } from './signing.ts';
import { LIST_SIZE, statusIndexRange } from './status-list.ts';

/** The revoked certificates' status indexes in [from, to): `status_index` of the rows with `revoked_at`. */
export type RevokedStatusIndexes = (range: { from: number; to: number }) => Promise<Iterable<number>>;

/** What a presented credential (a JWT, or one found in a PDF or PNG) turns out to be. */
export type CredentialCheck =
  | { state: 'none' }
  | { state: 'invalid'; reason: 'bad_signature' | 'unknown_key' | 'malformed' | 'not_ours'; detail?: string }
  | {
      state: 'valid' | 'revoked' | 'expired' | 'not_yet_valid';
      credential: OpenBadgeCredential;
      /** The certificate code, read from the credential's id (`PUBLIC_URL/verify/CODE`). */
      code: string;
      /** The certificate's status index (list × LIST_SIZE + position). */
      statusIndex: number;
    };

export interface CredentialServiceDeps {
  keys: IssuerKeys;
  issuer: IssuerProfile;
  publicUrl: string;
  revokedStatusIndexes: RevokedStatusIndexes;
  now?: () => number;
}

export type CredentialService = ReturnType<typeof createCredentialService>;

/**
 * Loads (or on first start makes) the keys as configured, then builds the service. With
 * `requireConfiguredKeys` (pass it in scale-out) a missing CREDENTIAL_SIGNING_KEYS stops the start.
 */
export function credentialServiceFromConfig(
  config: { dataDir: string; publicUrl: string; credentials: { issuerName: string; signingKeys?: string } },
  revokedStatusIndexes: RevokedStatusIndexes,
  options: { now?: () => number; requireConfiguredKeys?: boolean } = {},
): CredentialService {
  const { now } = options;
  const keys = loadOrCreateIssuerKeys({
    dataDir: config.dataDir,
    publicUrl: config.publicUrl,
    credentialSigningKeys: config.credentials.signingKeys,
    requireConfigured: options.requireConfiguredKeys,
  });
  return createCredentialService({
    keys,
    issuer: issuerProfile(config.publicUrl, config.credentials.issuerName),
    publicUrl: config.publicUrl,
    revokedStatusIndexes,
    now,
  });
}

export function createCredentialService(deps: CredentialServiceDeps) {
  const { keys, issuer, publicUrl } = deps;
  const now = deps.now ?? Date.now;

  async function isRevokedIndex(statusIndex: number): Promise<boolean> {
    const range = statusIndexRange(Math.floor(statusIndex / LIST_SIZE));
    for (const index of await deps.revokedStatusIndexes(range)) if (index === statusIndex) return true;
    return false;
  }

  async function checkJwt(jwt: string): Promise<CredentialCheck> {
    const verified = await verifyCredential(jwt, keys.all);
    if (verified.status !== 'valid') {
      return {
        state: 'invalid',
        reason: verified.status,
        ...('reason' in verified ? { detail: verified.reason } : {}),
      };
    }
    const credential = verified.credential;
    const place = ourPlace(credential);
    if (!place)
      return { state: 'invalid', reason: 'not_ours', detail: 'the credential does not point at this instance' };
    const at = now();
    let state: 'valid' | 'revoked' | 'expired' | 'not_yet_valid' = 'valid';
    if (await isRevokedIndex(place.statusIndex)) state = 'revoked';
    else if (credential.validUntil && Date.parse(credential.validUntil) <= at) state = 'expired';
    else if (Date.parse(credential.validFrom) > at) state = 'not_yet_valid';
    return { state, credential, ...place };
  }

  /** The code and status index a credential of ours carries; null when its URLs are not ours. */
  function ourPlace(credential: OpenBadgeCredential): { code: string; statusIndex: number } | null {
    // Compared by path: credentials issued before a PUBLIC_URL change are still ours (our key signed them).
    const id = safeUrl(credential.id);
    const list = safeUrl(credential.credentialStatus.statusListCredential);
    const code = id?.pathname.match(/^\/verify\/([^/]+)$/)?.[1];
    const listId = list?.pathname.match(/^\/api\/credentials\/status\/(\d+)$/)?.[1];
    const position = Number(credential.credentialStatus.statusListIndex);
    if (!code || listId === undefined || !(position < LIST_SIZE)) return null;
    return { code: decodeURIComponent(code), statusIndex: Number(listId) * LIST_SIZE + position };
  }

  return {
    keys,
    issuer,
    publicUrl,

    /** The signed credential (compact JWS) for a certificate snapshot: store it in credential_jwt. */
    issue(snapshot: CredentialSnapshot): Promise<string> {
      return signCredential(buildCredential(snapshot, { issuer, publicUrl }), keys.current);
    },

    /** Attaches the credential to the certificate PDF while it is built, before its one save(). */
    attachToPdf(doc: PDFDocument, jwt: string, issuedAt: number): Promise<void> {
      return attachCredential(doc, jwt, new Date(issuedAt));
    },

    /** The baked badge: the course title drawn as a medal, the credential in its iTXt chunk. */
    async badgePng(courseTitle: string, jwt: string): Promise<Uint8Array> {
      return bakePng(await renderBadgePng(courseTitle), jwt);
    },

    /** The credential JSON download: a VC 2.0 EnvelopedVerifiableCredential (still verifiable). */
    json: envelopedCredential,

    checkJwt,

    /** Verify-by-upload: the credential embedded in a PDF, checked; `none` when it has none. */
    async checkPdf(pdfBytes: Uint8Array): Promise<CredentialCheck> {
      const jwt = await extractCredentialFromPdf(pdfBytes);
      return jwt ? checkJwt(jwt) : { state: 'none' };
    },

    async checkPng(pngBytes: Uint8Array): Promise<CredentialCheck> {
      const jwt = extractFromPng(pngBytes);
      return jwt ? checkJwt(jwt) : { state: 'none' };
    },

    /** The signed status list `listId`, as the public route serves it. */
    async statusList(listId: number): Promise<string> {
      const range = statusIndexRange(listId);
      const positions: number[] = [];
      for (const index of await deps.revokedStatusIndexes(range)) {
        if (index >= range.from && index < range.to) positions.push(index - range.from);
      }
      return statusListCredential({
        revokedPositions: positions,
        listId,
        issuer,
        publicUrl,
        key: keys.current,
        now: now(),
      });
    },
  };
}

function safeUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
