// HTTP for sign-in, sign-out, the session and first-run setup.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loginInputSchema, type SessionInfo, setupInputSchema } from '../../shared/accounts.ts';
import { parseInput } from '../http/errors.ts';
import type { SessionCookie } from '../http/session.ts';
import { presentUser } from '../users/presenter.ts';
import type { AuthService, ClientInfo } from './service.ts';

function clientOf(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

export function registerAuthRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; cookie: SessionCookie; sessionMaxAgeMs: number },
): void {
  const { auth, cookie } = deps;

  app.get('/api/auth/csrf', { config: { access: 'public' } }, async (_request, reply) => {
    return { token: reply.generateCsrf() };
  });

  app.get('/api/auth/session', { config: { access: 'public' } }, async (request): Promise<SessionInfo> => {
    const user = request.user;
    return { user: user ? presentUser(user) : null, setupNeeded: user ? false : await auth.setupNeeded() };
  });

  app.post('/api/auth/login', { config: { access: 'public' } }, async (request, reply) => {
    const input = parseInput(loginInputSchema, request.body);
    const { user, token } = await auth.login(input, clientOf(request));
    cookie.set(reply, token, deps.sessionMaxAgeMs);
    return { user: presentUser(user) };
  });

  app.post('/api/auth/logout', { config: { access: 'public' } }, async (request, reply) => {
    const token = cookie.read(request);
    if (token) await auth.logout(token);
    cookie.clear(reply);
    return reply.code(204).send();
  });

  app.get('/api/setup', { config: { access: 'public' } }, async () => {
    return { needed: await auth.setupNeeded() };
  });

  app.post('/api/setup', { config: { access: 'public' } }, async (request, reply) => {
    const input = parseInput(setupInputSchema, request.body);
    const { user, token } = await auth.setup(input, clientOf(request));
    cookie.set(reply, token, deps.sessionMaxAgeMs);
    return reply.code(201).send({ user: presentUser(user) });
  });
}
