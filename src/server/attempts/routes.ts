// HTTP for taking a course's test: the overview, start or resume, one request per answer, submit,
// an attempt as its reader may see it; and the author's side (attempts per course, reopen, extra
// attempts, extra time). Learner responses are shaped by the service through strict schemas.
import { z } from 'zod';
import {
  allowanceSchema,
  attemptResponseSchema,
  saveAnswerBodySchema,
  saveAnswerResultSchema,
  testOverviewResponseSchema,
} from '../../shared/attempts.ts';
import {
  allowanceResponseSchema,
  authorAttemptViewSchema,
  courseAttemptsViewSchema,
} from '../../shared/attempts-admin.ts';
import type { Api } from '../http/contract.ts';
import type { UserRow } from '../users/repository.ts';
import type { AttemptsService } from './service.ts';

const courseParams = z.object({ id: z.uuid() });
const attemptParams = z.object({ id: z.uuid() });
const answerParams = z.object({ id: z.uuid(), questionId: z.uuid() });
const learnerParams = z.object({ id: z.uuid(), userId: z.uuid() });
const AUTHORS = ['author', 'admin'] as const;
const tags = ['Tests and attempts'];

export function registerAttemptRoutes(app: Api, deps: { attempts: AttemptsService }): void {
  const { attempts } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  // Learners (enrolled in the course); the service answers 404 for anyone else's attempt.
  app.get(
    '/api/courses/:id/test',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: courseParams, response: { 200: testOverviewResponseSchema } },
    },
    async (request) => {
      return { test: await attempts.overview(me(request.user), request.params.id) };
    },
  );

  app.post(
    '/api/courses/:id/attempts',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: courseParams, response: { 200: attemptResponseSchema, 201: attemptResponseSchema } },
    },
    async (request, reply) => {
      const { attempt, created } = await attempts.start(me(request.user), request.params.id);
      return reply.code(created ? 201 : 200).send({ attempt });
    },
  );

  app.get(
    '/api/attempts/:id',
    {
      config: { access: 'signed-in' },
      // The author's view first: it is the learner's view plus who and how long.
      schema: {
        tags,
        params: attemptParams,
        response: { 200: z.union([authorAttemptViewSchema, attemptResponseSchema]) },
      },
    },
    async (request) => {
      const view = await attempts.get(me(request.user), request.params.id);
      return 'learner' in view ? view : { attempt: view };
    },
  );

  app.put(
    '/api/attempts/:id/answers/:questionId',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: answerParams, body: saveAnswerBodySchema, response: { 200: saveAnswerResultSchema } },
    },
    async (request) => {
      const { id, questionId } = request.params;
      return attempts.save(me(request.user), id, questionId, request.body);
    },
  );

  app.post(
    '/api/attempts/:id/submit',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: attemptParams, response: { 200: attemptResponseSchema } },
    },
    async (request) => {
      return { attempt: await attempts.submit(me(request.user), request.params.id) };
    },
  );

  // The course's author and admins.
  app.get(
    '/api/courses/:id/attempts',
    {
      config: { access: AUTHORS },
      schema: { tags, params: courseParams, response: { 200: courseAttemptsViewSchema } },
    },
    async (request) => {
      return attempts.listForCourse(me(request.user), request.params.id);
    },
  );

  app.post(
    '/api/attempts/:id/reopen',
    {
      config: { access: AUTHORS },
      schema: { tags, params: attemptParams, response: { 200: authorAttemptViewSchema } },
    },
    async (request) => {
      return attempts.reopen(me(request.user), request.params.id);
    },
  );

  app.get(
    '/api/courses/:id/learners/:userId/allowance',
    {
      config: { access: AUTHORS },
      schema: { tags, params: learnerParams, response: { 200: allowanceResponseSchema } },
    },
    async (request) => {
      const { id, userId } = request.params;
      return { allowance: await attempts.allowance(me(request.user), id, userId) };
    },
  );

  app.put(
    '/api/courses/:id/learners/:userId/allowance',
    {
      config: { access: AUTHORS },
      schema: { tags, params: learnerParams, body: allowanceSchema, response: { 200: allowanceResponseSchema } },
    },
    async (request) => {
      const { id, userId } = request.params;
      return { allowance: await attempts.setAllowance(me(request.user), id, userId, request.body) };
    },
  );

  app.post(
    '/api/courses/:id/learners/:userId/extra-attempts',
    {
      config: { access: AUTHORS },
      schema: { tags, params: learnerParams, response: { 200: allowanceResponseSchema } },
    },
    async (request) => {
      const { id, userId } = request.params;
      return { allowance: await attempts.grantExtraAttempt(me(request.user), id, userId) };
    },
  );
}
