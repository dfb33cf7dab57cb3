// HTTP for file assets: list, view, delete, and the bytes (original and derivatives).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../http/errors.ts';
import { sendBlob } from '../http/send-blob.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { UserRow } from '../users/repository.ts';
import type { AssetsService } from './service.ts';

const idParams = z.object({ id: z.string().uuid() });
const derivativeParams = z.object({ id: z.string().uuid(), role: z.string().regex(/^[a-z0-9-]{1,32}$/) });
// Reading is decided per asset by the service: its owner, admins, and learners of a course using it.
const READERS = 'signed-in' as const;
const AUTHORS = ['author', 'admin'] as const;

export function registerAssetRoutes(app: FastifyInstance, deps: { assets: AssetsService; blobStore: BlobStore }): void {
  const { assets, blobStore } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.get('/api/assets', { config: { access: AUTHORS } }, async (request) => {
    return { assets: await assets.list(me(request.user)) };
  });

  app.get('/api/assets/:id', { config: { access: READERS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { asset: await assets.view(me(request.user), id) };
  });

  app.delete('/api/assets/:id', { config: { access: AUTHORS } }, async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await assets.remove(me(request.user), id);
    return reply.code(204).send();
  });

  // The original, always downloadable under its original name.
  app.get('/api/assets/:id/original', { config: { access: READERS } }, async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendBlob(request, reply, blobStore, await assets.original(me(request.user), id));
  });

  app.get('/api/assets/:id/derivatives/:role', { config: { access: READERS } }, async (request, reply) => {
    const { id, role } = parseInput(derivativeParams, request.params);
    return sendBlob(request, reply, blobStore, await assets.derivativeFile(me(request.user), id, role));
  });
}
