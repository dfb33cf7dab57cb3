// HTTP for sign-in, sign-out, the session and first-run setup.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  csrfTokenResponseSchema,
  loginInputSchema,
  sessionInfoSchema,
  setupInputSchema,
  signedInResponseSchema,
} from '../../shared/accounts.ts';
import { type Api, noContent } from '../http/contract.ts';
import { issueCsrfToken, renewCsrfToken } from '../http/csrf.ts';
import type { SessionCookie } from '../http/session.ts';
import { presentUser } from '../users/presenter.ts';
import { type AuthService, type ClientInfo, hashSessionToken } from './service.ts';

const tags = ['Sign-in and setup'];

function clientOf(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

export function registerAuthRoutes(
  app: Api,
  deps: { auth: AuthService; cookie: SessionCookie; sessionMaxAgeMs: number; csrfCookieKey: string },
): void {
  const { auth, cookie } = deps;

  app.get(
    '/api/auth/csrf',
    { config: { access: 'public' }, schema: { tags, response: { 200: csrfTokenResponseSchema } } },
    async (request, reply) => {
      return { token: issueCsrfToken(request, reply) };
    },
  );

  app.get(
    '/api/auth/session',
    { config: { access: 'public' }, schema: { tags, response: { 200: sessionInfoSchema } } },
    async (request) => {
      const user = request.user;
      return { user: user ? presentUser(user) : null, setupNeeded: user ? false : await auth.setupNeeded() };
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: { tags, body: loginInputSchema, response: { 200: signedInResponseSchema } },
    },
    async (request, reply) => {
      const { user, token } = await auth.login(request.body, clientOf(request));
      cookie.set(reply, token, deps.sessionMaxAgeMs);
      // A new CSRF secret with the new session: tokens issued before sign-in stop working.
      const csrfToken = renewCsrfToken(request, reply, deps.csrfCookieKey, hashSessionToken(token));
      return { user: presentUser(user), csrfToken };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { access: 'public' }, schema: { tags, response: { 204: noContent } } },
    async (request, reply) => {
      const token = cookie.read(request);
      if (token) await auth.logout(token);
      cookie.clear(reply);
      renewCsrfToken(request, reply, deps.csrfCookieKey, null);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/setup',
    { config: { access: 'public' }, schema: { tags, response: { 200: z.object({ needed: z.boolean() }) } } },
    async () => {
      return { needed: await auth.setupNeeded() };
    },
  );

  app.post(
    '/api/setup',
    {
      config: { access: 'public' },
      schema: { tags, body: setupInputSchema, response: { 201: signedInResponseSchema } },
    },
    async (request, reply) => {
      const { user, token } = await auth.setup(request.body, clientOf(request));
      cookie.set(reply, token, deps.sessionMaxAgeMs);
      const csrfToken = renewCsrfToken(request, reply, deps.csrfCookieKey, hashSessionToken(token));
      return reply.code(201).send({ user: presentUser(user), csrfToken });
    },
  );
}
