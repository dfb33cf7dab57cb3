// HTTP for taking a course's test: the overview, start or resume, one request per answer, submit,
// an attempt as its reader may see it; and the author's side (attempts per course, reopen, extra
// attempts, extra time). Learner responses are shaped by the service through strict schemas.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { allowanceSchema, saveAnswerBodySchema } from '../../shared/attempts.ts';
import { parseInput } from '../http/errors.ts';
import type { UserRow } from '../users/repository.ts';
import type { AttemptsService } from './service.ts';

const courseParams = z.object({ id: z.uuid() });
const attemptParams = z.object({ id: z.uuid() });
const answerParams = z.object({ id: z.uuid(), questionId: z.uuid() });
const learnerParams = z.object({ id: z.uuid(), userId: z.uuid() });
const AUTHORS = ['author', 'admin'] as const;

export function registerAttemptRoutes(app: FastifyInstance, deps: { attempts: AttemptsService }): void {
  const { attempts } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  // Learners (enrolled in the course); the service answers 404 for anyone else's attempt.
  app.get('/api/courses/:id/test', { config: { access: 'signed-in' } }, async (request) => {
    const { id } = parseInput(courseParams, request.params);
    return { test: await attempts.overview(me(request.user), id) };
  });

  app.post('/api/courses/:id/attempts', { config: { access: 'signed-in' } }, async (request, reply) => {
    const { id } = parseInput(courseParams, request.params);
    const { attempt, created } = await attempts.start(me(request.user), id);
    return reply.code(created ? 201 : 200).send({ attempt });
  });

  app.get('/api/attempts/:id', { config: { access: 'signed-in' } }, async (request) => {
    const { id } = parseInput(attemptParams, request.params);
    const view = await attempts.get(me(request.user), id);
    return 'learner' in view ? view : { attempt: view };
  });

  app.put('/api/attempts/:id/answers/:questionId', { config: { access: 'signed-in' } }, async (request) => {
    const { id, questionId } = parseInput(answerParams, request.params);
    const body = parseInput(saveAnswerBodySchema, request.body);
    return attempts.save(me(request.user), id, questionId, body);
  });

  app.post('/api/attempts/:id/submit', { config: { access: 'signed-in' } }, async (request) => {
    const { id } = parseInput(attemptParams, request.params);
    return { attempt: await attempts.submit(me(request.user), id) };
  });

  // The course's author and admins.
  app.get('/api/courses/:id/attempts', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(courseParams, request.params);
    return attempts.listForCourse(me(request.user), id);
  });

  app.post('/api/attempts/:id/reopen', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(attemptParams, request.params);
    return attempts.reopen(me(request.user), id);
  });

  app.get('/api/courses/:id/learners/:userId/allowance', { config: { access: AUTHORS } }, async (request) => {
    const { id, userId } = parseInput(learnerParams, request.params);
    return { allowance: await attempts.allowance(me(request.user), id, userId) };
  });

  app.put('/api/courses/:id/learners/:userId/allowance', { config: { access: AUTHORS } }, async (request) => {
    const { id, userId } = parseInput(learnerParams, request.params);
    const body = parseInput(allowanceSchema, request.body);
    return { allowance: await attempts.setAllowance(me(request.user), id, userId, body) };
  });

  app.post('/api/courses/:id/learners/:userId/extra-attempts', { config: { access: AUTHORS } }, async (request) => {
    const { id, userId } = parseInput(learnerParams, request.params);
    return { allowance: await attempts.grantExtraAttempt(me(request.user), id, userId) };
  });
}
