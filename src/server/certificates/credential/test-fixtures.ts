// Shared by the credential tests: a certificate snapshot, and a JWS check that uses node:crypto
// only (not jose, which signs), so a test proves what an outside verifier would see.
import { createPublicKey, verify } from 'node:crypto';
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

/** Verifies a compact JWS by hand: split, parse the header, Ed25519-verify the signing input. */
export function verifyWithNodeCrypto(
  jwt: string,
  jwk: object,
): { ok: boolean; header: Record<string, unknown>; payload: unknown } {
  const [h, p, s] = jwt.split('.');
  if (h === undefined || p === undefined || s === undefined) throw new Error('not a compact JWS');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  const ok =
    header.alg === 'EdDSA' && verify(null, Buffer.from(`${h}.${p}`, 'ascii'), key, Buffer.from(s, 'base64url'));
  let payload: unknown = null;
  try {
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    // A changed byte may make the payload unreadable; the signature check already said no.
  }
  return { ok, header, payload };
}

/** The JWT with one character of its payload changed. */
export function tamper(jwt: string): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const i = Math.floor(p.length / 2);
  const swapped = p[i] === 'A' ? 'B' : 'A';
  return `${h}.${p.slice(0, i)}${swapped}${p.slice(i + 1)}.${s}`;
}
