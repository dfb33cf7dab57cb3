// HTTP for video extras: caption tracks (list, replace, the WebVTT itself) and playback positions.
// The ladder's playlists and segments are ordinary derivatives (/api/assets/:id/derivatives/:role).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { captionTracksInputSchema, playbackPositionInputSchema } from '../../shared/video.ts';
import { parseInput } from '../http/errors.ts';
import { sendBlob } from '../http/send-blob.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { UserRow } from '../users/repository.ts';
import type { MediaService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const trackParams = z.object({ id: z.uuid(), captionsId: z.uuid() });
const AUTHORS = ['author', 'admin'] as const;

export function registerMediaRoutes(app: FastifyInstance, deps: { media: MediaService; blobStore: BlobStore }): void {
  const { media, blobStore } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.get('/api/videos/:id/captions', { config: { access: 'signed-in' } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { tracks: await media.captions(me(request.user), id) };
  });

  app.put('/api/videos/:id/captions', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const { tracks } = parseInput(captionTracksInputSchema, request.body);
    return { tracks: await media.setCaptions(me(request.user), id, tracks) };
  });

  app.get('/api/videos/:id/captions/:captionsId', { config: { access: 'signed-in' } }, async (request, reply) => {
    const { id, captionsId } = parseInput(trackParams, request.params);
    return sendBlob(request, reply, blobStore, await media.captionsFile(me(request.user), id, captionsId));
  });

  app.get('/api/videos/:id/position', { config: { access: 'signed-in' } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { seconds: await media.position(me(request.user), id) };
  });

  app.put('/api/videos/:id/position', { config: { access: 'signed-in' } }, async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const { seconds } = parseInput(playbackPositionInputSchema, request.body);
    await media.savePosition(me(request.user), id, seconds);
    return reply.code(204).send();
  });
}
