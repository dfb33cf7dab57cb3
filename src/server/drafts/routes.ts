// HTTP for course drafts (the wizard's server-side state).
import { z } from 'zod';
import { certificateTemplateSchema } from '../../shared/certificates.ts';
import { draftResponseSchema, draftsResponseSchema, draftUpdateSchema } from '../../shared/drafts.ts';
import { reviewResponseSchema } from '../../shared/review.ts';
import { type Api, noContent, sendCertificatePreview } from '../http/contract.ts';
import type { UserRow } from '../users/repository.ts';
import type { DraftsService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const AUTHORS = ['author', 'admin'] as const;
const tags = ['Drafts'];

export function registerDraftRoutes(app: Api, deps: { drafts: DraftsService }): void {
  const { drafts } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.post(
    '/api/drafts',
    { config: { access: AUTHORS }, schema: { tags, response: { 201: draftResponseSchema } } },
    async (request, reply) => {
      return reply.code(201).send({ draft: await drafts.create(me(request.user)) });
    },
  );

  app.get(
    '/api/drafts',
    {
      config: { access: AUTHORS },
      schema: { tags, response: { 200: draftsResponseSchema } },
    },
    async (request) => {
      return { drafts: await drafts.list(me(request.user)) };
    },
  );

  app.get(
    '/api/drafts/:id',
    { config: { access: AUTHORS }, schema: { tags, params: idParams, response: { 200: draftResponseSchema } } },
    async (request) => {
      return { draft: await drafts.get(me(request.user), request.params.id) };
    },
  );

  app.get(
    '/api/drafts/:id/review',
    {
      config: { access: AUTHORS },
      schema: { tags, params: idParams, response: { 200: reviewResponseSchema } },
    },
    async (request) => {
      return { problems: await drafts.review(me(request.user), request.params.id) };
    },
  );

  app.patch(
    '/api/drafts/:id',
    {
      config: { access: AUTHORS },
      schema: { tags, params: idParams, body: draftUpdateSchema, response: { 200: draftResponseSchema } },
    },
    async (request) => {
      return { draft: await drafts.save(me(request.user), request.params.id, request.body) };
    },
  );

  // A sample certificate PDF in the template being edited (not saved, nothing stored): the wizard's live preview.
  app.post(
    '/api/drafts/:id/certificate-preview',
    {
      config: {
        access: AUTHORS,
        rawResponse: { kind: 'file', reason: 'A sample certificate PDF (application/pdf), made and not stored.' },
      },
      schema: { tags, params: idParams, body: certificateTemplateSchema },
    },
    async (request, reply) => {
      const pdf = await drafts.certificatePreview(me(request.user), request.params.id, request.body);
      return sendCertificatePreview(reply, pdf);
    },
  );

  app.delete(
    '/api/drafts/:id',
    { config: { access: AUTHORS }, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await drafts.cancel(me(request.user), request.params.id);
      return reply.code(204).send();
    },
  );
}
