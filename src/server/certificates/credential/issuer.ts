// What the instance publishes about itself as an issuer: its profile, its public keys (a JWK Set,
// each key also at its own URL, the JWS `kid`), and its signed revocation status lists.
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from './contexts.ts';
import type { IssuerProfile } from './credential.ts';
import type { IssuerPublicKey, IssuerSigningKey, PublicJwk } from './keys.ts';
import { signStatusList } from './signing.ts';
import { buildStatusListCredential, LIST_SIZE } from './status-list.ts';

export function issuerDocument(profile: IssuerProfile): IssuerProfile & { '@context': string[] } {
  return { '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT], ...profile };
}

export function jwks(keys: readonly IssuerPublicKey[]): { keys: PublicJwk[] } {
  return { keys: keys.map((k) => k.jwk) };
}

/** A signed BitstringStatusListCredential: the bits of `revokedPositions` (within list `listId`) set. */
export function statusListCredential(options: {
  revokedPositions: Iterable<number>;
  size?: number;
  listId: number;
  issuer: IssuerProfile;
  publicUrl: string;
  key: IssuerSigningKey;
  now?: number;
}): Promise<string> {
  const credential = buildStatusListCredential({
    publicUrl: options.publicUrl,
    issuerId: options.issuer.id,
    listId: options.listId,
    revokedPositions: options.revokedPositions,
    size: options.size ?? LIST_SIZE,
    now: options.now ?? Date.now(),
  });
  return signStatusList(credential, options.key);
}
