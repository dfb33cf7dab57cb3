// HTTP for published courses: publishing a draft, editing a course, the catalog (searched) and a course's
// versions. Enrolment has its own routes (enrolment/routes.ts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { catalogQuerySchema } from '../../shared/courses.ts';
import { parseInput } from '../http/errors.ts';
import type { UserRow } from '../users/repository.ts';
import type { CoursesService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const versionParams = z.object({ id: z.uuid(), version: z.coerce.number().int().min(1).max(1_000_000) });
const AUTHORS = ['author', 'admin'] as const;
/** The revision the author reviewed: publishing refuses (409) when the draft has changed since. */
const publishBody = z.object({ revision: z.number().int().min(0).optional() }).strict().optional();

export function registerCourseRoutes(app: FastifyInstance, deps: { courses: CoursesService }): void {
  const { courses } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.post('/api/drafts/:id/publish', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(publishBody, request.body);
    return courses.publish(me(request.user), id, body?.revision);
  });

  app.get('/api/courses', { config: { access: 'signed-in' } }, async (request) => {
    return courses.catalog(me(request.user), parseInput(catalogQuerySchema, request.query));
  });

  app.get('/api/courses/mine', { config: { access: AUTHORS } }, async (request) => {
    return { courses: await courses.mine(me(request.user)) };
  });

  app.get('/api/courses/:id', { config: { access: 'signed-in' } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { course: await courses.view(me(request.user), id) };
  });

  app.get('/api/courses/:id/versions/:version', { config: { access: 'signed-in' } }, async (request) => {
    const { id, version } = parseInput(versionParams, request.params);
    return { course: await courses.view(me(request.user), id, version) };
  });

  app.post('/api/courses/:id/drafts', { config: { access: AUTHORS } }, async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const { draft, created } = await courses.startEdit(me(request.user), id);
    return reply.code(created ? 201 : 200).send({ draft });
  });
}
