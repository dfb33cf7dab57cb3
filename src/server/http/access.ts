// Every route declares who may call it; a route without a declaration stops the server at start.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../../shared/accounts.ts';
import type { RawResponse } from './contract.ts';
import { HttpError } from './errors.ts';

/**
 * - `public`: anyone, signed in or not.
 * - `signed-in`: any active account.
 * - a list of roles: only those.
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
  /** The answer is a stream that stays open (server-sent events). */
  streaming: boolean;
  /** The statuses its response schema declares (contract.ts). */
  responses: string[];
  /** Declared instead of a response schema when the answer is not JSON. */
  rawResponse: RawResponse | null;
}

/** Records the route table and refuses routes that do not declare their access. */
export function registerAccessControl(app: FastifyInstance, routeTable: DeclaredRoute[]): void {
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} does not declare its access`);
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      const rawResponse = route.config?.rawResponse ?? null;
      routeTable.push({
        method,
        url: route.url,
        access,
        streaming: rawResponse?.kind === 'stream',
        responses: Object.keys((route.schema?.response as object | undefined) ?? {}),
        rawResponse,
      });
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    // Fastify's own 404 handler has no declaration and needs none.
    if (access === undefined || access === 'public') return;
    authorize(request, access);
  });
}

export function authorize(request: FastifyRequest, access: Exclude<Access, 'public'>): void {
  const user = request.user;
  if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in to continue.');
  if (access !== 'signed-in' && !access.includes(user.role)) {
    throw new HttpError(403, 'forbidden', 'You do not have access to this.');
  }
}
