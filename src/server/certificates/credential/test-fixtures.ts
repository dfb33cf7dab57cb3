// Shared by the credential tests: a certificate snapshot, and a JWS check with jose (production
// signs with node:crypto), so a test proves what an outside verifier would see.
import { compactVerify, decodeProtectedHeader, errors, importJWK, type JWK } from 'jose';
import type { CredentialSnapshot } from './credential.ts';

export function snapshot(overrides: Partial<CredentialSnapshot> = {}): CredentialSnapshot {
  return {
    code: 'Q7H2-M4KX-9TRA-C3PZ-W6NB-E8JF-5VYD',
    holderName: 'Zoë Ångström-Łukasiewicz',
    courseId: 'c0ffee00-0000-4000-8000-000000000001',
    courseTitle: 'Handling chemicals safely',
    courseDescription: null,
    version: 3,
    scorePercent: 87.5,
    completedAt: Date.parse('2026-12-01T09:30:12.345Z'),
    issuedAt: Date.parse('2026-12-01T09:30:14.999Z'),
    expiresAt: Date.parse('2028-12-01T09:30:14.999Z'),
    statusIndex: 131_072 + 42,
    ...overrides,
  };
}

/**
 * Verifies a compact JWS with jose, which production signs without (credential/signing.ts uses
 * node:crypto): the test's verifier parses and checks the token independently of the signer.
 */
export async function verifyWithJose(
  jwt: string,
  jwk: object,
): Promise<{ ok: boolean; header: Record<string, unknown>; payload: unknown }> {
  const header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  let payload: unknown = null;
  try {
    payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    // A changed byte may make the payload unreadable; the signature check says no anyway.
  }
  try {
    await compactVerify(jwt, await importJWK(jwk as JWK, 'EdDSA'), { algorithms: ['EdDSA'] });
    return { ok: true, header, payload };
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed) return { ok: false, header, payload };
    throw err;
  }
}

/** The JWT with one character of its payload changed. */
export function tamper(jwt: string): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const i = Math.floor(p.length / 2);
  const swapped = p[i] === 'A' ? 'B' : 'A';
  return `${h}.${p.slice(0, i)}${swapped}${p.slice(i + 1)}.${s}`;
}
