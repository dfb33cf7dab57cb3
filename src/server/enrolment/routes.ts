// HTTP for enrolment: enrol yourself and leave; for a course's managers, enrol in bulk, find accounts to
// enrol, and the course's self-enrolment setting.
import { z } from 'zod';
import {
  bulkEnrolResultSchema,
  bulkEnrolSchema,
  courseSettingsSchema,
  enrolCandidatesResponseSchema,
  enrolmentResultSchema,
} from '../../shared/courses.ts';
import { type Api, noContent } from '../http/contract.ts';
import type { UserRow } from '../users/repository.ts';
import type { EnrolmentService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const candidatesQuery = z.object({ q: z.string().max(200).default('') }).strict();
const AUTHORS = ['author', 'admin'] as const;
const tags = ['Enrolment'];

export function registerEnrolmentRoutes(app: Api, deps: { enrolment: EnrolmentService }): void {
  const { enrolment } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.post(
    '/api/courses/:id/enrolment',
    { config: { access: 'signed-in' }, schema: { tags, params: idParams, response: { 200: enrolmentResultSchema } } },
    async (request) => {
      return enrolment.enrolSelf(me(request.user), request.params.id);
    },
  );

  app.delete(
    '/api/courses/:id/enrolment',
    { config: { access: 'signed-in' }, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await enrolment.leave(me(request.user), request.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/courses/:id/learners',
    {
      config: { access: AUTHORS },
      bodyLimit: 256 * 1024,
      schema: { tags, params: idParams, body: bulkEnrolSchema, response: { 200: bulkEnrolResultSchema } },
    },
    async (request) => {
      return enrolment.enrolMany(me(request.user), request.params.id, request.body);
    },
  );

  app.get(
    '/api/courses/:id/enrol-candidates',
    {
      config: { access: AUTHORS },
      schema: {
        tags,
        params: idParams,
        querystring: candidatesQuery,
        response: { 200: enrolCandidatesResponseSchema },
      },
    },
    async (request) => {
      return { candidates: await enrolment.candidates(me(request.user), request.params.id, request.query.q) };
    },
  );

  app.put(
    '/api/courses/:id/settings',
    {
      config: { access: AUTHORS },
      schema: { tags, params: idParams, body: courseSettingsSchema, response: { 200: courseSettingsSchema } },
    },
    async (request) => {
      return enrolment.setSelfEnrolment(me(request.user), request.params.id, request.body.selfEnrolment);
    },
  );
}
