// HTTP for course drafts (the wizard's server-side state).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { draftUpdateSchema } from '../../shared/drafts.ts';
import { parseInput } from '../http/errors.ts';
import type { UserRow } from '../users/repository.ts';
import type { DraftsService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const AUTHORS = ['author', 'admin'] as const;

export function registerDraftRoutes(app: FastifyInstance, deps: { drafts: DraftsService }): void {
  const { drafts } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.post('/api/drafts', { config: { access: AUTHORS } }, async (request, reply) => {
    return reply.code(201).send({ draft: await drafts.create(me(request.user)) });
  });

  app.get('/api/drafts', { config: { access: AUTHORS } }, async (request) => {
    return { drafts: await drafts.list(me(request.user)) };
  });

  app.get('/api/drafts/:id', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { draft: await drafts.get(me(request.user), id) };
  });

  app.get('/api/drafts/:id/review', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { problems: await drafts.review(me(request.user), id) };
  });

  app.patch('/api/drafts/:id', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const update = parseInput(draftUpdateSchema, request.body);
    return { draft: await drafts.save(me(request.user), id, update) };
  });

  app.delete('/api/drafts/:id', { config: { access: AUTHORS } }, async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await drafts.cancel(me(request.user), id);
    return reply.code(204).send();
  });
}
