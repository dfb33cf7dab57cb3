// HTTP for published courses: publishing a draft, editing a course, the catalog (searched) and a course's
// versions. Enrolment has its own routes (enrolment/routes.ts).
import { z } from 'zod';
import {
  catalogAnswerSchema,
  catalogQuerySchema,
  courseResponseSchema,
  coursesResponseSchema,
  publishInputSchema,
  publishResultSchema,
} from '../../shared/courses.ts';
import { draftResponseSchema } from '../../shared/drafts.ts';
import type { Api } from '../http/contract.ts';
import type { UserRow } from '../users/repository.ts';
import type { CoursesService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const versionParams = z.object({ id: z.uuid(), version: z.coerce.number().int().min(1).max(1_000_000) });
const AUTHORS = ['author', 'admin'] as const;
const tags = ['Courses'];

export function registerCourseRoutes(app: Api, deps: { courses: CoursesService }): void {
  const { courses } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  app.post(
    '/api/drafts/:id/publish',
    {
      config: { access: AUTHORS },
      schema: { tags: ['Drafts'], params: idParams, body: publishInputSchema, response: { 200: publishResultSchema } },
    },
    async (request) => {
      return courses.publish(me(request.user), request.params.id, request.body?.revision);
    },
  );

  app.get(
    '/api/courses',
    {
      config: { access: 'signed-in' },
      schema: { tags, querystring: catalogQuerySchema, response: { 200: catalogAnswerSchema } },
    },
    async (request) => {
      return courses.catalog(me(request.user), request.query);
    },
  );

  app.get(
    '/api/courses/mine',
    { config: { access: AUTHORS }, schema: { tags, response: { 200: coursesResponseSchema } } },
    async (request) => {
      return { courses: await courses.mine(me(request.user)) };
    },
  );

  app.get(
    '/api/courses/:id',
    { config: { access: 'signed-in' }, schema: { tags, params: idParams, response: { 200: courseResponseSchema } } },
    async (request) => {
      return { course: await courses.view(me(request.user), request.params.id) };
    },
  );

  app.get(
    '/api/courses/:id/versions/:version',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: versionParams, response: { 200: courseResponseSchema } },
    },
    async (request) => {
      const { id, version } = request.params;
      return { course: await courses.view(me(request.user), id, version) };
    },
  );

  app.post(
    '/api/courses/:id/drafts',
    {
      config: { access: AUTHORS },
      schema: { tags, params: idParams, response: { 200: draftResponseSchema, 201: draftResponseSchema } },
    },
    async (request, reply) => {
      const { draft, created } = await courses.startEdit(me(request.user), request.params.id);
      return reply.code(created ? 201 : 200).send({ draft });
    },
  );
}
