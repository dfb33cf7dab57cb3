// HTTP for learning a course: the learner's progress (read, report) and, for the course's author,
// its learners with their progress.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { progressReportSchema } from '../../shared/progress.ts';
import { parseInput } from '../http/errors.ts';
import type { UserRow } from '../users/repository.ts';
import type { LearningService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const AUTHORS = ['author', 'admin'] as const;

export function registerLearningRoutes(app: FastifyInstance, deps: { learning: LearningService }): void {
  const { learning } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  // Any signed-in account may study a course it is enrolled in; the service refuses others (403).
  app.get('/api/courses/:id/progress', { config: { access: 'signed-in' } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { learning: await learning.view(me(request.user), id) };
  });

  app.post('/api/courses/:id/progress', { config: { access: 'signed-in' }, bodyLimit: 64 * 1024 }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const report = parseInput(progressReportSchema, request.body);
    return learning.report(me(request.user), id, report);
  });

  app.get('/api/me/courses', { config: { access: 'signed-in' } }, async (request) => {
    return { courses: await learning.myCourses(me(request.user)) };
  });

  app.get('/api/courses/:id/learners', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { learners: await learning.learners(me(request.user), id) };
  });
}
