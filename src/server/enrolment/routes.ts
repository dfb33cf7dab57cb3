// HTTP for enrolment: enrol yourself and leave; for a course's managers, enrol in bulk, find accounts to
// enrol, and the course's self-enrolment setting.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bulkEnrolSchema, courseSettingsSchema } from '../../shared/courses.ts';
import { parseInput } from '../http/errors.ts';
import type { UserRow } from '../users/repository.ts';
import type { EnrolmentService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const candidatesQuery = z.object({ q: z.string().max(200).default('') }).strict();
const AUTHORS = ['author', 'admin'] as const;

export function registerEnrolmentRoutes(app: FastifyInstance, deps: { enrolment: EnrolmentService }): void {
  const { enrolment } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.post('/api/courses/:id/enrolment', { config: { access: 'signed-in' } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return enrolment.enrolSelf(me(request.user), id);
  });

  app.delete('/api/courses/:id/enrolment', { config: { access: 'signed-in' } }, async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await enrolment.leave(me(request.user), id);
    return reply.code(204).send();
  });

  app.post('/api/courses/:id/learners', { config: { access: AUTHORS }, bodyLimit: 256 * 1024 }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return enrolment.enrolMany(me(request.user), id, parseInput(bulkEnrolSchema, request.body));
  });

  app.get('/api/courses/:id/enrol-candidates', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const { q } = parseInput(candidatesQuery, request.query);
    return { candidates: await enrolment.candidates(me(request.user), id, q) };
  });

  app.put('/api/courses/:id/settings', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const { selfEnrolment } = parseInput(courseSettingsSchema, request.body);
    return enrolment.setSelfEnrolment(me(request.user), id, selfEnrolment);
  });
}
