// Reads the session cookie on every request and exposes the signed-in user to routes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionRow } from '../auth/repository.ts';
import type { AuthService } from '../auth/service.ts';
import type { UserRow } from '../users/repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: UserRow | null;
    session: SessionRow | null;
  }
}

export interface SessionCookie {
  name: string;
  read(request: FastifyRequest): string | undefined;
  set(reply: FastifyReply, token: string, maxAgeMs: number): void;
  clear(reply: FastifyReply): void;
}

export function sessionCookie(secure: boolean): SessionCookie {
  // The __Host- prefix pins the cookie to this origin over TLS.
  const name = secure ? '__Host-lectern_session' : 'lectern_session';
  const options = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' };
  return {
    name,
    read: (request) => request.cookies[name],
    set: (reply, token, maxAgeMs) => {
      reply.setCookie(name, token, { ...options, maxAge: Math.floor(maxAgeMs / 1000) });
    },
    clear: (reply) => {
      reply.clearCookie(name, options);
    },
  };
}

export function registerSessionLoading(
  app: FastifyInstance,
  auth: Pick<AuthService, 'authenticate'>,
  cookie: SessionCookie,
): void {
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request, reply) => {
    const token = cookie.read(request);
    if (!token) return;
    const found = await auth.authenticate(token);
    if (found) {
      request.user = found.user;
      request.session = found.session;
    } else {
      cookie.clear(reply);
    }
  });
}
