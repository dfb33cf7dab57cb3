// Builds the Fastify app from a Config and its dependencies. No side effects on import.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { registerAssetRoutes } from './assets/routes.ts';
import { registerAttemptRoutes } from './attempts/routes.ts';
import { registerCredentialRoutes } from './certificates/credential/routes.ts';
import { registerCertificateRoutes } from './certificates/routes.ts';
import { registerMediaRoutes } from './media/routes.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { registerGcRoutes } from './gc/routes.ts';
import { registerCourseRoutes } from './courses/routes.ts';
import { registerDraftRoutes } from './drafts/routes.ts';
import { registerEnrolmentRoutes } from './enrolment/routes.ts';
import { registerEventRoutes } from './events/routes.ts';
import { type DeclaredRoute, registerAccessControl } from './http/access.ts';
import { type Api, registerContracts } from './http/contract.ts';
import { createCsrfPassMemo, csrfBinding, csrfHmacKey, isCrossSite } from './http/csrf.ts';
import { registerErrorHandling } from './http/errors.ts';
import { registerOpenApi, registerOpenApiRoute } from './http/openapi.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerSessionLoading, sessionCookie } from './http/session.ts';
import { registerHealthRoutes } from './health/routes.ts';
import { registerJobRoutes } from './jobs/routes.ts';
import { registerLearningRoutes } from './learning/routes.ts';
import { registerQuizRoutes } from './quizzes/routes.ts';
import { registerQuotaRoutes } from './quotas/routes.ts';
import type { Services } from './services.ts';
import type { StorageState } from './storage/prepare.ts';
import { registerUploadRoutes } from './uploads/routes.ts';
import { registerUsersRoutes } from './users/routes.ts';
import { registerWebRoutes } from './web/routes.ts';

export interface AppDependencies {
  config: Config;
  /** For /readyz (pending migrations). */
  db: Database;
  logger: FastifyBaseLogger;
  /** Checked by /readyz. */
  storageState: () => StorageState | Promise<StorageState>;
  /** Every service, built once by the composition root (services.ts). */
  services: Services;
}

export interface LecternApp {
  app: Api;
  /** Every route with its declared access, for the authorization walk test and docs. */
  routeTable: DeclaredRoute[];
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp({ config, db, logger, storageState, services }: AppDependencies): Promise<LecternApp> {
  const {
    auth,
    users,
    assets,
    media,
    drafts,
    courses,
    enrolment,
    quizTransfer,
    attempts,
    learning,
    certificates,
    credentials,
    quotas,
    gc,
    uploads,
    blobStore,
    queue,
    bus,
  } = services;
  const app = Fastify({
    loggerInstance: logger,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  const routeTable: DeclaredRoute[] = [];

  registerErrorHandling(app);
  // Every route's params, querystring, body and answers are zod schemas (http/contract.ts).
  registerContracts(app);
  await registerOpenApi(app);
  await app.register(fastifyCookie, { secret: config.sessionSecret });
  const csrfCookieKey = config.secureCookies ? '__Host-lectern_csrf' : 'lectern_csrf';
  await app.register(fastifyCsrf, {
    cookieKey: csrfCookieKey,
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: config.secureCookies },
    getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
    // A token is bound to the session it was issued for (csrf.ts): another session's token fails.
    getUserInfo: csrfBinding,
    csrfOpts: { hmacKey: csrfHmacKey(config.sessionSecret) },
  });
  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // React and Mantine set style attributes and Mantine adds its CSS variables in a <style>.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        mediaSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    hsts: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-request-id', reply.request.id);
    done(null, payload);
  });

  const cookie = sessionCookie(config.secureCookies);

  // Order matters: who you are → may you call this → is the request really from our page.
  registerSessionLoading(app, auth, cookie);
  registerAccessControl(app, routeTable);
  const csrfPasses = createCsrfPassMemo();
  app.addHook('onRequest', (request, reply, done) => {
    if (!UNSAFE_METHODS.has(request.method)) return done();
    if (isCrossSite(request, config.publicUrl)) {
      reply.code(403).send({ error: 'cross_origin', message: 'This request came from another site and was refused.' });
      return;
    }
    const key = csrfPasses.key(request, csrfCookieKey);
    if (key !== undefined && csrfPasses.has(key)) return done();
    app.csrfProtection(request, reply, () => {
      if (key !== undefined) csrfPasses.add(key);
      done();
    });
  });

  registerHealthRoutes(app, { db, storageState });
  registerAuthRoutes(app, { auth, cookie, sessionMaxAgeMs: config.session.absoluteMs, csrfCookieKey });
  registerUsersRoutes(app, { users });
  registerJobRoutes(app, { queue });
  registerGcRoutes(app, { gc, queue, schedule: config.gc.cron });
  registerEventRoutes(app, { bus, auth, ...config.events });
  registerAssetRoutes(app, { assets, blobStore });
  registerMediaRoutes(app, { media, blobStore });
  registerUploadRoutes(app, {
    assets,
    uploads,
    maxSize: Math.max(...Object.values(config.uploadLimits)),
    trustProxy: config.trustProxy,
  });
  registerDraftRoutes(app, { drafts });
  registerCourseRoutes(app, { courses });
  registerQuizRoutes(app, { transfer: quizTransfer });
  registerEnrolmentRoutes(app, { enrolment });
  registerAttemptRoutes(app, { attempts });
  registerLearningRoutes(app, { learning });
  // Public verification: 60 requests a minute per address (per node).
  registerCertificateRoutes(app, { certificates, blobStore, verifyRate: { limit: 60, windowMs: 60_000 } });
  registerCredentialRoutes(app, { credentials });
  registerQuotaRoutes(app, { quotas });
  registerOpenApiRoute(app);
  await registerWebRoutes(app, { webDistDir: config.webDistDir });

  return { app, routeTable };
}
