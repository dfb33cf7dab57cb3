// Builds the Fastify app from a Config and its dependencies. No side effects on import.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createAssetsRepository } from './assets/repository.ts';
import { registerAssetRoutes } from './assets/routes.ts';
import { createMediaRepository } from './media/repository.ts';
import { registerMediaRoutes } from './media/routes.ts';
import { createMediaService } from './media/service.ts';
import type { AssetsService } from './assets/service.ts';
import { createAuthRepository } from './auth/repository.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import { createAuthService } from './auth/service.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { EventBus } from './events/bus.ts';
import { registerGcRoutes } from './gc/routes.ts';
import type { GcService } from './gc/service.ts';
import { createCoursesRepository } from './courses/repository.ts';
import { registerCourseRoutes } from './courses/routes.ts';
import { createCoursesService } from './courses/service.ts';
import { createDraftsRepository } from './drafts/repository.ts';
import { registerDraftRoutes } from './drafts/routes.ts';
import { createDraftsService } from './drafts/service.ts';
import { registerEventRoutes } from './events/routes.ts';
import { type DeclaredRoute, registerAccessControl } from './http/access.ts';
import { registerErrorHandling } from './http/errors.ts';
import { registerSessionLoading, sessionCookie } from './http/session.ts';
import { registerHealthRoutes } from './health/routes.ts';
import type { JobQueue } from './jobs/queue.ts';
import { registerJobRoutes } from './jobs/routes.ts';
import { createQuotasRepository } from './quotas/repository.ts';
import { registerQuotaRoutes } from './quotas/routes.ts';
import { createQuotasService } from './quotas/service.ts';
import type { BlobStore } from './storage/blob-store.ts';
import type { StorageState } from './storage/prepare.ts';
import { registerUploadRoutes } from './uploads/routes.ts';
import type { UploadStore } from './uploads/store.ts';
import { createUsersRepository } from './users/repository.ts';
import { registerUsersRoutes } from './users/routes.ts';
import { createUsersService } from './users/service.ts';
import { registerWebRoutes } from './web/routes.ts';

export interface AppDependencies {
  config: Config;
  db: Database;
  logger: FastifyBaseLogger;
  bus: EventBus;
  queue: JobQueue;
  /** Checked by /readyz. */
  storageState: () => StorageState | Promise<StorageState>;
  /** Files: absent in tests of the foundation alone. */
  files?: { assets: AssetsService; uploads: UploadStore; blobStore: BlobStore };
  /** The garbage collector's report and runs: absent in tests of the foundation alone. */
  gc?: GcService;
}

export interface LecternApp {
  app: FastifyInstance;
  /** Every route with its declared access, for the authorization walk test and docs. */
  routeTable: DeclaredRoute[];
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp({ config, db, logger, bus, queue, storageState, files, gc }: AppDependencies): Promise<LecternApp> {
  const app = Fastify({
    loggerInstance: logger,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 1024 * 1024,
  });
  const routeTable: DeclaredRoute[] = [];

  registerErrorHandling(app);
  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await app.register(fastifyCsrf, {
    cookieKey: config.secureCookies ? '__Host-lectern_csrf' : 'lectern_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: config.secureCookies },
    getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
  });
  await app.register(fastifyHelmet, {
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
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-request-id', reply.request.id);
  });

  const cookie = sessionCookie(config.secureCookies);
  const usersRepository = createUsersRepository(db);
  const auth = createAuthService(
    { db, auth: createAuthRepository(db), users: usersRepository },
    { session: config.session, loginThrottle: config.loginThrottle, passwordScryptLogN: config.passwordScryptLogN },
  );
  const users = createUsersService(
    { db, users: usersRepository, auth },
    { passwordScryptLogN: config.passwordScryptLogN },
  );

  // Order matters: who you are → may you call this → is the request really from our page.
  registerSessionLoading(app, auth, cookie);
  registerAccessControl(app, routeTable);
  app.addHook('onRequest', (request, reply, done) => {
    if (!UNSAFE_METHODS.has(request.method)) return done();
    app.csrfProtection(request, reply, done);
  });

  registerHealthRoutes(app, { db, storageState });
  registerAuthRoutes(app, { auth, cookie, sessionMaxAgeMs: config.session.absoluteMs });
  registerUsersRoutes(app, { users });
  registerJobRoutes(app, { queue });
  if (gc) registerGcRoutes(app, { gc, queue, schedule: config.gc.cron });
  registerEventRoutes(app, { bus });
  if (files) {
    const draftRows = createDraftsRepository(db);
    const assetRows = createAssetsRepository(db);
    const courseRows = createCoursesRepository(db);
    const drafts = createDraftsService({
      db,
      drafts: draftRows,
      assetRows,
      assets: files.assets,
      courseAssets: courseRows.assetsOfCourse,
    });
    const courses = createCoursesService({ db, courses: courseRows, drafts: draftRows, assetRows });
    registerAssetRoutes(app, { assets: files.assets, blobStore: files.blobStore });
    registerQuotaRoutes(app, { quotas: createQuotasService({ quotas: createQuotasRepository(db), limits: config.quotas }) });
    registerMediaRoutes(app, {
      media: createMediaService({ assets: files.assets, media: createMediaRepository(db) }),
      blobStore: files.blobStore,
    });
    registerUploadRoutes(app, {
      assets: files.assets,
      uploads: files.uploads,
      maxSize: Math.max(...Object.values(config.uploadLimits)),
      trustProxy: config.trustProxy,
      drafts: { check: (user, draftId) => drafts.get(user, draftId), link: drafts.linkUpload },
    });
    registerDraftRoutes(app, { drafts });
    registerCourseRoutes(app, { courses });
  }
  await registerWebRoutes(app, { webDistDir: config.webDistDir });

  return { app, routeTable };
}
