// The OpenAPI document of the whole API, made from the routes' zod contracts (contract.ts) and
// published at GET /api/openapi.json for administrators (the admin "API reference" page reads it).
import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import type { z } from 'zod';
import { openApiDocumentSchema } from '../../shared/openapi.ts';
import { type Api, openApiTransform } from './contract.ts';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

/** Registers the document's builder; call before any route, so that every route is in it. */
export async function registerOpenApi(app: Api): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Lectern API',
        version: packageVersion(),
        description:
          'The API the Lectern web app uses. Calls are authenticated by the session cookie set at sign-in; ' +
          'every POST, PUT, PATCH and DELETE also carries the x-csrf-token header (GET /api/auth/csrf). ' +
          'Errors answer { error, message, issues?, retryAfterSeconds? }. x-access says who may call an operation.',
      },
    },
    transform: openApiTransform(),
  });
}

export function registerOpenApiRoute(app: Api): void {
  // Administrators only: the document lists every operation and who may call it, which helps an
  // integrator (an admin's job) and is reconnaissance for anyone else.
  app.get(
    '/api/openapi.json',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['API reference'],
        summary: 'This document',
        response: { 200: openApiDocumentSchema },
      },
    },
    async () => app.swagger() as z.infer<typeof openApiDocumentSchema>,
  );
}
