// HTTP for video extras: caption tracks (list, replace, the WebVTT itself) and playback positions.
// The ladder's playlists and segments are ordinary derivatives (/api/assets/:id/derivatives/:role).
import { z } from 'zod';
import {
  captionTracksInputSchema,
  captionTracksResponseSchema,
  playbackPositionInputSchema,
  playbackPositionViewSchema,
} from '../../shared/video.ts';
import { type Api, noContent } from '../http/contract.ts';
import { sendBlob } from '../http/send-blob.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { UserRow } from '../users/repository.ts';
import type { MediaService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const trackParams = z.object({ id: z.uuid(), captionsId: z.uuid() });
const AUTHORS = ['author', 'admin'] as const;
const tags = ['Video'];

export function registerMediaRoutes(app: Api, deps: { media: MediaService; blobStore: BlobStore }): void {
  const { media, blobStore } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.get(
    '/api/videos/:id/captions',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: idParams, response: { 200: captionTracksResponseSchema } },
    },
    async (request) => {
      return { tracks: await media.captions(me(request.user), request.params.id) };
    },
  );

  app.put(
    '/api/videos/:id/captions',
    {
      config: { access: AUTHORS },
      schema: {
        tags,
        params: idParams,
        body: captionTracksInputSchema,
        response: { 200: captionTracksResponseSchema },
      },
    },
    async (request) => {
      return { tracks: await media.setCaptions(me(request.user), request.params.id, request.body.tracks) };
    },
  );

  app.get(
    '/api/videos/:id/captions/:captionsId',
    {
      config: {
        access: 'signed-in',
        rawResponse: { kind: 'file', reason: 'The WebVTT file (text/vtt), with Range and ETag.' },
      },
      schema: { tags, params: trackParams },
    },
    async (request, reply) => {
      const { id, captionsId } = request.params;
      return sendBlob(request, reply, blobStore, await media.captionsFile(me(request.user), id, captionsId));
    },
  );

  app.get(
    '/api/videos/:id/position',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: idParams, response: { 200: playbackPositionViewSchema } },
    },
    async (request) => {
      return { seconds: await media.position(me(request.user), request.params.id) };
    },
  );

  app.put(
    '/api/videos/:id/position',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: idParams, body: playbackPositionInputSchema, response: { 204: noContent } },
    },
    async (request, reply) => {
      await media.savePosition(me(request.user), request.params.id, request.body.seconds);
      return reply.code(204).send();
    },
  );
}
