// Public HTTP for outside verifiers: the issuer profile, its public keys (each at the URL its JWS
// `kid` names), and the signed revocation status lists. The service holds the keys and reads the
// revoked certificates through a callback, so this module knows no database.
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import type { Api } from '../../http/contract.ts';
import { issuerDocument, jwks } from './issuer.ts';
import { findKey } from './keys.ts';
import type { CredentialService } from './service.ts';
import { VC_JWT_MEDIA_TYPE } from './signing.ts';
import { MAX_LIST_ID } from './status-list.ts';

export interface CredentialRoutesDeps {
  credentials: CredentialService;
  /** Seconds a verifier may cache a status list: a revocation shows everywhere within it. */
  statusListMaxAgeSeconds?: number;
}

const keyParams = z.object({ thumbprint: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a key thumbprint') });
const listParams = z.object({ listId: z.coerce.number().int().min(0).max(MAX_LIST_ID) });
const tags = ['Credentials'];
// The answers' shapes are fixed by the standards (Open Badges 3.0 profile, RFC 7517 keys).
const publicJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string(),
  kid: z.string(),
  alg: z.literal('EdDSA'),
  use: z.literal('sig'),
});
const issuerDocumentSchema = z.object({
  '@context': z.array(z.string()),
  id: z.string(),
  type: z.tuple([z.literal('Profile')]),
  name: z.string(),
  url: z.string(),
});

export function registerCredentialRoutes(app: Api, deps: CredentialRoutesDeps): void {
  const { credentials } = deps;
  const maxAge = deps.statusListMaxAgeSeconds ?? 60;

  app.get(
    '/api/issuer',
    { config: { access: 'public' }, schema: { tags, response: { 200: issuerDocumentSchema } } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return issuerDocument(credentials.issuer);
    },
  );

  app.get(
    '/api/issuer/keys',
    {
      config: { access: 'public' },
      schema: { tags, response: { 200: z.object({ keys: z.array(publicJwkSchema) }) } },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600').type('application/jwk-set+json');
      return jwks(credentials.keys.all);
    },
  );

  app.get(
    '/api/issuer/keys/:thumbprint',
    { config: { access: 'public' }, schema: { tags, params: keyParams, response: { 200: publicJwkSchema } } },
    async (request, reply) => {
      const key = findKey(credentials.keys.all, request.params.thumbprint);
      if (!key) throw notFound('No such issuer key.', 'key_not_found');
      reply.header('cache-control', 'public, max-age=86400').type('application/jwk+json');
      return key.jwk;
    },
  );

  app.get(
    '/api/credentials/status/:listId',
    {
      config: {
        access: 'public',
        rawResponse: {
          kind: 'file',
          reason: `The signed status list credential as a compact JWT (${VC_JWT_MEDIA_TYPE}), not JSON.`,
        },
      },
      schema: { tags, params: listParams },
    },
    async (request, reply) => {
      const jwt = await credentials.statusList(request.params.listId);
      reply.header('cache-control', `public, max-age=${maxAge}`).type(VC_JWT_MEDIA_TYPE);
      return jwt;
    },
  );
}
