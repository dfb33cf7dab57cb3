// HTTP for learning a course: the learner's progress (read, report) and, for the course's author,
// its learners with their progress.
import { z } from 'zod';
import {
  learnerStatusSchema,
  learnersResponseSchema,
  learningResponseSchema,
  progressReportAnswerSchema,
} from '../../shared/learning.ts';
import { myCoursesResponseSchema } from '../../shared/courses.ts';
import { progressReportSchema } from '../../shared/progress.ts';
import type { Api } from '../http/contract.ts';
import type { UserRow } from '../users/repository.ts';
import type { LearningService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
/** Current learners unless asked for those who left, or all. */
const learnersQuery = z.object({ status: learnerStatusSchema.default('current') });
const AUTHORS = ['author', 'admin'] as const;
const tags = ['Learning'];

export function registerLearningRoutes(app: Api, deps: { learning: LearningService }): void {
  const { learning } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  // Any signed-in account may study a course it is enrolled in; the service refuses others (403).
  app.get(
    '/api/courses/:id/progress',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: idParams, response: { 200: learningResponseSchema } },
    },
    async (request) => {
      return { learning: await learning.view(me(request.user), request.params.id) };
    },
  );

  app.post(
    '/api/courses/:id/progress',
    {
      config: { access: 'signed-in' },
      bodyLimit: 64 * 1024,
      schema: { tags, params: idParams, body: progressReportSchema, response: { 200: progressReportAnswerSchema } },
    },
    async (request) => {
      return learning.report(me(request.user), request.params.id, request.body);
    },
  );

  app.get(
    '/api/me/courses',
    { config: { access: 'signed-in' }, schema: { tags, response: { 200: myCoursesResponseSchema } } },
    async (request) => {
      return { courses: await learning.myCourses(me(request.user)) };
    },
  );

  app.get(
    '/api/courses/:id/learners',
    {
      config: { access: AUTHORS },
      schema: { tags, params: idParams, querystring: learnersQuery, response: { 200: learnersResponseSchema } },
    },
    async (request) => {
      return learning.learners(me(request.user), request.params.id, request.query.status);
    },
  );
}
