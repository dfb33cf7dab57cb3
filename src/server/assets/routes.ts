// HTTP for file assets: list, view, delete, and the bytes (original and derivatives).
import { z } from 'zod';
import { assetResponseSchema, assetsResponseSchema } from '../../shared/assets.ts';
import { type Api, noContent, type RawResponse } from '../http/contract.ts';
import { sendBlob } from '../http/send-blob.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { UserRow } from '../users/repository.ts';
import type { AssetsService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const derivativeParams = z.object({ id: z.uuid(), role: z.string().regex(/^[a-z0-9-]{1,32}$/) });
// Reading is decided per asset by the service: its owner, admins, and learners of a course using it.
const READERS = 'signed-in' as const;
const AUTHORS = ['author', 'admin'] as const;
const tags = ['Files'];
const FILE: RawResponse = { kind: 'file', reason: 'The stored bytes, with Range, ETag and a sandboxing CSP.' };

export function registerAssetRoutes(app: Api, deps: { assets: AssetsService; blobStore: BlobStore }): void {
  const { assets, blobStore } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.get(
    '/api/assets',
    {
      config: { access: AUTHORS },
      schema: { tags, response: { 200: assetsResponseSchema } },
    },
    async (request) => {
      return { assets: await assets.list(me(request.user)) };
    },
  );

  app.get(
    '/api/assets/:id',
    {
      config: { access: READERS },
      schema: { tags, params: idParams, response: { 200: assetResponseSchema } },
    },
    async (request) => {
      return { asset: await assets.view(me(request.user), request.params.id) };
    },
  );

  app.delete(
    '/api/assets/:id',
    { config: { access: AUTHORS }, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await assets.remove(me(request.user), request.params.id);
      return reply.code(204).send();
    },
  );

  // The original, always downloadable under its original name.
  app.get(
    '/api/assets/:id/original',
    { config: { access: READERS, rawResponse: FILE }, schema: { tags, params: idParams } },
    async (request, reply) => {
      return sendBlob(request, reply, blobStore, await assets.original(me(request.user), request.params.id));
    },
  );

  app.get(
    '/api/assets/:id/derivatives/:role',
    { config: { access: READERS, rawResponse: FILE }, schema: { tags, params: derivativeParams } },
    async (request, reply) => {
      const { id, role } = request.params;
      return sendBlob(request, reply, blobStore, await assets.derivativeFile(me(request.user), id, role));
    },
  );
}
