// Public HTTP for outside verifiers: the issuer profile, its public keys (each at the URL its JWS
// `kid` names), and the signed revocation status lists. Registered by app.ts with a callback that
// reads the revoked certificates, so this module knows no database.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { parseInput } from '../../http/errors.ts';
import type { IssuerProfile } from './credential.ts';
import { issuerDocument, jwks, statusListCredential } from './issuer.ts';
import { findKey, type IssuerKeys } from './keys.ts';
import { VC_JWT_MEDIA_TYPE } from './signing.ts';
import { LIST_SIZE, MAX_LIST_ID, statusIndexRange } from './status-list.ts';

export interface CredentialRoutesDeps {
  keys: IssuerKeys;
  issuer: IssuerProfile;
  publicUrl: string;
  /** The revoked certificates' status indexes in [from, to): `status_index` of rows with `revoked_at`. */
  revokedStatusIndexes: (range: { from: number; to: number }) => Promise<Iterable<number>>;
  /** Seconds a verifier may cache a status list; a revocation shows everywhere within it. */
  statusListMaxAgeSeconds?: number;
}

const keyParams = z.object({ thumbprint: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a key thumbprint') });
const listParams = z.object({
  listId: z.coerce.number().int().min(0).max(MAX_LIST_ID),
});

export function registerCredentialRoutes(app: FastifyInstance, deps: CredentialRoutesDeps): void {
  const { keys, issuer, publicUrl } = deps;
  const maxAge = deps.statusListMaxAgeSeconds ?? 60;

  app.get('/api/issuer', { config: { access: 'public' } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return issuerDocument(issuer);
  });

  app.get('/api/issuer/keys', { config: { access: 'public' } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600').type('application/jwk-set+json');
    return jwks(keys.all);
  });

  app.get('/api/issuer/keys/:thumbprint', { config: { access: 'public' } }, async (request, reply) => {
    const { thumbprint } = parseInput(keyParams, request.params);
    const key = findKey(keys.all, thumbprint);
    if (!key) throw notFound('No such issuer key.', 'key_not_found');
    reply.header('cache-control', 'public, max-age=86400').type('application/jwk+json');
    return key.jwk;
  });

  app.get('/api/credentials/status/:listId', { config: { access: 'public' } }, async (request, reply) => {
    const { listId } = parseInput(listParams, request.params);
    const range = statusIndexRange(listId);
    const positions: number[] = [];
    for (const index of await deps.revokedStatusIndexes(range)) {
      if (index >= range.from && index < range.to) positions.push(index - range.from);
    }
    const jwt = await statusListCredential({
      revokedPositions: positions,
      size: LIST_SIZE,
      listId,
      issuer,
      publicUrl,
      key: keys.current,
    });
    reply.header('cache-control', `public, max-age=${maxAge}`).type(VC_JWT_MEDIA_TYPE);
    return jwt;
  });
}
