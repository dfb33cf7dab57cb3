// tus resumable uploads at /api/uploads. Every request is signed in and authorized; size, kind and
// ownership are checked when the upload is created, before any byte arrives.
import type { IncomingMessage } from 'node:http';
import { Server as TusServer } from '@tus/server';
import type { DataStore } from '@tus/utils';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assetKindSchema } from '../../shared/assets.ts';
import type { AssetsService } from '../assets/service.ts';
import { DomainError } from '../errors.ts';
import type { Api, RawResponse } from '../http/contract.ts';
import { HttpError, STATUS_OF_KIND } from '../http/errors.ts';
import type { UserRow } from '../users/repository.ts';
import { cleanFileName } from './names.ts';
import type { UploadStore } from './store.ts';

const PATH = '/api/uploads';
type TusRequest = { runtime?: { node?: { req: IncomingMessage } } };

/**
 * The data store tus uses, whose removal (a tus termination, under the upload's lock) also removes
 * the upload's asset before tus answers 204 — its POST_TERMINATE event fires only after the answer
 * is written, so a client could start its next upload while the cancelled one still counted.
 */
function removingAssets(store: DataStore, afterRemove: (uploadId: string) => Promise<void>): DataStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'remove') {
        return async (uploadId: string) => {
          await target.remove(uploadId);
          await afterRemove(uploadId);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A tus hook's refusal: the status and a sentence the uploader shows. */
function refuse(status: number, message: string): { status_code: number; body: string } {
  return { status_code: status, body: message };
}

export function registerUploadRoutes(
  app: Api,
  deps: {
    assets: AssetsService;
    uploads: UploadStore;
    maxSize: number;
    trustProxy: boolean;
  },
): void {
  const users = new WeakMap<IncomingMessage, UserRow>();
  const userOf = (req: TusRequest): UserRow => {
    const raw = req.runtime?.node?.req;
    const user = raw && users.get(raw);
    if (!user) throw refuse(401, 'Sign in to upload.');
    return user;
  };

  const tus = new TusServer({
    path: PATH,
    datastore: removingAssets(deps.uploads.datastore, (id) =>
      deps.assets.uploadTerminated(id).catch((err) => app.log.warn({ err, id }, 'could not remove a cancelled upload')),
    ),
    ...(deps.uploads.locker ? { locker: deps.uploads.locker } : {}),
    relativeLocation: true,
    // Same origin only: without this, tus grants every origin (access-control-allow-origin: *).
    allowedOrigins: () => false,
    respectForwardedHeaders: deps.trustProxy,
    maxSize: deps.maxSize,
    disableTerminationForFinishedUploads: true,
    namingFunction: () => deps.assets.newUploadId(),
    async onIncomingRequest(req, uploadId) {
      const user = userOf(req as TusRequest);
      if (req.method !== 'POST' && !(await deps.assets.uploadBelongsTo(uploadId, user))) {
        throw refuse(404, 'No such upload.');
      }
    },
    async onUploadCreate(req, upload) {
      const user = userOf(req as TusRequest);
      const kind = assetKindSchema.safeParse(upload.metadata?.kind ?? 'other');
      if (!kind.success) throw refuse(400, 'Unknown file kind.');
      if (upload.size === undefined) throw refuse(400, 'The file size must be known when the upload starts.');
      try {
        // Uploads started in the wizard name their draft.
        await deps.assets.startUpload(user, {
          id: upload.id,
          name: cleanFileName(upload.metadata?.filename ?? upload.metadata?.name),
          kind: kind.data,
          size: upload.size,
          draftId: upload.metadata?.draftId || null,
        });
      } catch (err) {
        // The API's one error shape, so the code (too_many_uploads, quota_exceeded…) reaches the uploader too.
        if (err instanceof HttpError) throw refuse(err.statusCode, JSON.stringify({ error: err.code, message: err.message }));
        if (err instanceof DomainError) throw refuse(STATUS_OF_KIND[err.kind], JSON.stringify({ error: err.code, message: err.message }));
        throw err;
      }
      return { metadata: upload.metadata };
    },
    onResponseError(_req, err) {
      const status = 'status_code' in err ? err.status_code : 500;
      if (status >= 500) app.log.error({ err }, 'upload request failed');
      return undefined;
    },
    async onUploadFinish(_req, upload) {
      await deps.assets.uploadFinished(upload.id);
      return {};
    },
  });

  // tus reads the request body itself.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      users.set(request.raw, request.user as UserRow);
      reply.hijack();
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value as string);
      }
      await tus.handle(request.raw, reply.raw);
    };
    // tus answers with headers and empty bodies (Upload-Offset, Location…), not JSON.
    const rawResponse: RawResponse = { kind: 'tus', reason: 'The tus 1.0 resumable upload protocol (creation, PATCH, HEAD, termination).' };
    const config = { access: ['author', 'admin'] as const, rawResponse };
    const schema = { tags: ['Uploads'] };
    scope.route({ method: ['POST'], url: PATH, config, schema, handler });
    scope.route({ method: ['PATCH', 'HEAD', 'DELETE'], url: `${PATH}/:id`, config, schema, handler });
  });
}
