// The instance's credential signing keys: an Ed25519 key pair made on first start and kept in
// DATA_DIR like the session secret (or given to every node of a scale-out cluster through
// CREDENTIAL_SIGNING_KEYS). Stored as a JWK Set: the first key (with its private part `d`) signs;
// the keys after it are retired public keys, still published so old credentials keep verifying.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const KEY_FILE_NAME = 'credential-keys.json';

const ed25519Jwk = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url Ed25519 public key'),
  d: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url Ed25519 private key')
    .optional(),
  /** When the key was made (ISO date); informational. */
  created: z.string().optional(),
  /** When the key stopped signing (ISO date); informational. */
  retired: z.string().optional(),
});
type StoredJwk = z.infer<typeof ed25519Jwk>;

const keySetSchema = z.object({ keys: z.array(ed25519Jwk).min(1) });

/** A public Ed25519 key as published (RFC 7517 JWK; `kid` is the URL that serves it). */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface IssuerPublicKey {
  /** RFC 7638 SHA-256 thumbprint (base64url): the key's stable id, the last segment of its URL. */
  thumbprint: string;
  /** Where the key is published: `PUBLIC_URL/api/issuer/keys/THUMBPRINT`; the JWS `kid`. */
  kid: string;
  jwk: PublicJwk;
  key: KeyObject;
}

export interface IssuerSigningKey extends IssuerPublicKey {
  privateKey: KeyObject;
}

export interface IssuerKeys {
  /** Signs new credentials and status lists. */
  current: IssuerSigningKey;
  /** Every published key, current first: verification accepts any of them. */
  all: IssuerPublicKey[];
  /** Where the keys came from: configuration (CREDENTIAL_SIGNING_KEYS) or DATA_DIR's file. */
  source: 'config' | 'data-dir';
}

export interface IssuerKeyOptions {
  dataDir: string;
  publicUrl: string;
  /** A JWK Set (JSON text) given by configuration; when set, DATA_DIR is neither read nor written. */
  credentialSigningKeys?: string;
  /**
   * Refuse to fall back to DATA_DIR (scale-out: nodes that do not share a disk would each make
   * their own key and sign credentials the others do not publish).
   */
  requireConfigured?: boolean;
}

export class IssuerKeyError extends Error {}

export function keyUrl(publicUrl: string, thumbprint: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/issuer/keys/${thumbprint}`;
}

/** Loads the key set from configuration or DATA_DIR, creating DATA_DIR/credential-keys.json (mode 600) on first start. */
export function loadOrCreateIssuerKeys(options: IssuerKeyOptions): IssuerKeys {
  if (options.credentialSigningKeys !== undefined) {
    const stored = parseKeySet(options.credentialSigningKeys, 'CREDENTIAL_SIGNING_KEYS');
    return { ...toIssuerKeys(stored, options.publicUrl), source: 'config' };
  }
  if (options.requireConfigured) {
    throw new IssuerKeyError(
      'Set CREDENTIAL_SIGNING_KEYS (the same JWK Set on every node): nodes that each made their own key would sign credentials the others cannot verify.',
    );
  }
  const file = path.join(options.dataDir, KEY_FILE_NAME);
  if (!existsSync(file)) createKeyFile(file);
  return { ...toIssuerKeys(parseKeySet(readFileSync(file, 'utf8'), file), options.publicUrl), source: 'data-dir' };
}

/**
 * Rotation: a new key signs from now on; the old one stays published without its private part.
 * Takes effect when the process restarts (in scale-out: give every node the new key set).
 */
export function rotateIssuerKeyFile(dataDir: string, now = new Date()): void {
  const file = path.join(dataDir, KEY_FILE_NAME);
  const stored = parseKeySet(readFileSync(file, 'utf8'), file);
  const rotated = rotateKeySet(stored, now);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ keys: rotated }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** Pure part of rotation: new private key first, every older key public only and marked retired. */
export function rotateKeySet(stored: readonly StoredJwk[], now = new Date()): StoredJwk[] {
  if (stored.length === 0) throw new IssuerKeyError('The key set is empty.');
  // No retired key keeps its private part: only the current key ever signs.
  const retired = stored.map(({ d: _d, ...publicPart }) => ({
    ...publicPart,
    retired: publicPart.retired ?? now.toISOString(),
  }));
  return [newStoredKey(now), ...retired];
}

export function newStoredKey(now = new Date()): StoredJwk {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), d: String(jwk.d), created: now.toISOString() };
}

function createKeyFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Written whole to a private temporary file, then linked into place: link() fails if the file
  // exists, so of two processes starting at once one key wins and nobody reads a half-written file.
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ keys: [newStoredKey()] }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(tmp, 0o600);
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
}

export function parseKeySet(text: string, source: string): StoredJwk[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IssuerKeyError(`${source} is not JSON (expected a JWK Set: {"keys": [...]})`);
  }
  // A single private JWK is accepted too, as a set of one.
  const asSet = json && typeof json === 'object' && !('keys' in json) ? { keys: [json] } : json;
  const parsed = keySetSchema.safeParse(asSet);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IssuerKeyError(`${source}: ${issue?.path.join('.') || 'keys'} ${issue?.message}`);
  }
  if (!parsed.data.keys[0]?.d) throw new IssuerKeyError(`${source}: the first key must hold its private part (d)`);
  return parsed.data.keys;
}

/** RFC 7638 thumbprint of an Ed25519 key: SHA-256 of its required members in lexical order, base64url. */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}

function toIssuerKeys(stored: StoredJwk[], publicUrl: string): Omit<IssuerKeys, 'source'> {
  const all: IssuerPublicKey[] = [];
  const seen = new Set<string>();
  for (const jwk of stored) {
    const thumbprint = jwkThumbprint(jwk);
    if (seen.has(thumbprint)) continue;
    seen.add(thumbprint);
    const kid = keyUrl(publicUrl, thumbprint);
    const publicJwk: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' };
    all.push({
      thumbprint,
      kid,
      jwk: publicJwk,
      key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }),
    });
  }
  const first = stored[0] as StoredJwk & { d: string };
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: first.x, d: first.d }, format: 'jwk' });
  // A private part that does not match its public part would sign credentials nobody can verify.
  const derived = createPublicKey(privateKey).export({ format: 'jwk' });
  if (derived.x !== first.x) throw new IssuerKeyError('The current signing key’s private part does not match its x.');
  const current = all[0] as IssuerPublicKey;
  return { current: { ...current, privateKey }, all };
}

/** The key a JWS `kid` names: the URL's last segment (or a bare thumbprint) among the known keys. */
export function findKey<K extends IssuerPublicKey>(keys: readonly K[], kid: string | undefined): K | undefined {
  if (!kid) return undefined;
  const thumbprint = kid.slice(kid.lastIndexOf('/') + 1);
  return keys.find((k) => k.thumbprint === thumbprint);
}
