// The composition root's inner half: every repository and service, built once from the parts
// runtime.ts chose (database, blob store, upload store, queue, event bus). No I/O here; the web
// app (app.ts), the job handlers and the tests receive these.
import { tmpdir } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { createAssetsRepository } from './assets/repository.ts';
import { ASSET_JOBS, createAssetsService } from './assets/service.ts';
import { createAttemptsRepository } from './attempts/repository.ts';
import { createAttemptsService } from './attempts/service.ts';
import { createHashLimiter, createPasswordHasher } from './auth/hash-limiter.ts';
import { createAuthRepository } from './auth/repository.ts';
import { createAuthService } from './auth/service.ts';
import { createBlobDeletion } from './blobs/deletion.ts';
import { credentialSigner } from './certificates/attach-credential.ts';
import { credentialServiceFromConfig } from './certificates/credential/service.ts';
import { certificateFonts } from './certificates/fonts.ts';
import { createCourseLogoLoader, createSignatureLoader } from './certificates/logo.ts';
import { renderCertificatePdf } from './certificates/render.ts';
import { createCertificatesRepository } from './certificates/repository.ts';
import { createCertificatesService } from './certificates/service.ts';
import type { Config } from './config.ts';
import { createCoursesRepository } from './courses/repository.ts';
import { createCoursesService } from './courses/service.ts';
import type { Database } from './db/database.ts';
import { createDraftsRepository } from './drafts/repository.ts';
import { createDraftsService } from './drafts/service.ts';
import { createEnrolmentRepository } from './enrolment/repository.ts';
import { createEnrolmentService } from './enrolment/service.ts';
import type { EventBus } from './events/bus.ts';
import { createGcRepository } from './gc/repository.ts';
import { DAY_MS, defaultPolicy } from './gc/rules.ts';
import { createGcService } from './gc/service.ts';
import type { JobQueue } from './jobs/queue.ts';
import { createLearningRepository } from './learning/repository.ts';
import { createLearningService } from './learning/service.ts';
import { createMediaRepository } from './media/repository.ts';
import { createMediaService } from './media/service.ts';
import { createQuotasRepository } from './quotas/repository.ts';
import { createQuizTransferService } from './quizzes/service.ts';
import { createQuotasService } from './quotas/service.ts';
import type { BlobStore } from './storage/blob-store.ts';
import type { UploadStore } from './uploads/store.ts';
import { createUsersRepository } from './users/repository.ts';
import { createUsersService } from './users/service.ts';

export interface ServiceParts {
  config: Config;
  db: Database;
  blobStore: BlobStore;
  uploads: UploadStore;
  queue: JobQueue;
  bus: EventBus;
  logger: FastifyBaseLogger;
}

export function createServices({ config, db, blobStore, uploads, queue, bus, logger }: ServiceParts) {
  const userRows = createUsersRepository(db);
  const assetRows = createAssetsRepository(db);
  const courseRows = createCoursesRepository(db);
  const draftRows = createDraftsRepository(db);

  // Every password hash of this process (sign-in, setup, new users, password changes) takes a turn here.
  const hasher = createPasswordHasher(config.passwordScryptLogN, createHashLimiter(config.passwordHash));
  const auth = createAuthService(
    { db, auth: createAuthRepository(db), users: userRows, bus },
    { session: config.session, loginThrottle: config.loginThrottle, passwordScryptLogN: config.passwordScryptLogN, hasher },
  );
  const users = createUsersService({ db, users: userRows, auth }, { passwordScryptLogN: config.passwordScryptLogN, hasher });

  const quotas = createQuotasService({ quotas: createQuotasRepository(db), limits: config.quotas });
  const assets = createAssetsService({
    db,
    assets: assetRows,
    blobStore,
    uploads,
    queue,
    limits: config.uploadLimits,
    quota: quotas,
    video: config.video,
    draftUploads: draftRows,
    readableThroughCourses: async (userId, assetId) =>
      (await courseRows.enrolledVersionUses(userId, assetId)) ||
      (await courseRows.ownedCourseUses(userId, assetId)) ||
      (await courseRows.isPublishedCover(assetId)),
    publish: (ownerId, asset) => {
      bus.publish({ type: 'asset', audience: { userIds: [ownerId] }, data: asset }).catch((err) => {
        logger.warn({ err }, 'could not publish an asset event');
      });
    },
  });
  const media = createMediaService({ assets, media: createMediaRepository(db) });
  const drafts = createDraftsService({
    db,
    drafts: draftRows,
    assetRows,
    assets,
    courseAssets: courseRows.assetsOfCourse,
    // The certificates service is made below; a preview only runs once both exist.
    certificatePreview: (...args) => certificates.draftPreview(...args),
  });
  const courses = createCoursesService({ db, courses: courseRows, drafts: draftRows, assetRows });
  const enrolment = createEnrolmentService({ db, enrolment: createEnrolmentRepository(db), courses: courseRows });
  const learning = createLearningService({
    db,
    learning: createLearningRepository(db),
    courses: courseRows,
    assetRows,
    queue,
    // SQLite has one writer: progress reports arriving together share a commit (db/group-commit.ts).
    groupCommit: config.database.dialect === 'sqlite',
  });
  const quizTransfer = createQuizTransferService({ drafts, draftRows, assets, assetRows, courses, blobStore });
  // Passing the test may complete the course: learning decides and records it once.
  const attempts = createAttemptsService({
    db,
    attempts: createAttemptsRepository(db, config.database.dialect),
    queue,
    graceMs: config.attempts.graceMs,
    completion: learning,
    // SQLite has one writer: saves arriving together share a commit (db/group-commit.ts).
    groupCommit: config.database.dialect === 'sqlite',
  });

  const blobDeletion = createBlobDeletion({ db, blobStore });
  const certificateRows = createCertificatesRepository(db);
  // The instance's signing keys; in scale-out every node must be given the same (CREDENTIAL_SIGNING_KEYS).
  const credentials = credentialServiceFromConfig(config, (range) => certificateRows.revokedStatusIndexes(range));
  if (credentials.keys.source === 'data-dir' && config.storage.driver === 's3') {
    logger.warn(
      'CREDENTIAL_SIGNING_KEYS is not set: this node signs certificates with its own key from DATA_DIR. In scale-out give every node the same key set (docs/credentials.md).',
    );
  }
  const certificates = createCertificatesService({
    db,
    certificates: certificateRows,
    blobStore,
    blobs: blobDeletion,
    claimBlob: assetRows.claimBlob,
    render: renderCertificatePdf,
    fonts: certificateFonts,
    courseLogo: createCourseLogoLoader({ certificates: certificateRows, assetRows, blobStore }),
    signatureImage: createSignatureLoader({ assetRows, blobStore }),
    assetRows,
    publicUrl: config.publicUrl,
    signCredential: credentialSigner(credentials),
    credentials,
    onIssued: (certificate) => {
      bus
        .publish({ type: 'certificate', audience: { userIds: [certificate.user_id] }, data: { certificateId: certificate.id, courseId: certificate.course_id } })
        .catch((err) => logger.warn({ err }, 'could not publish a certificate event'));
    },
    warn: (data, message) => logger.warn(data, message),
  });

  const gc = createGcService({
    repo: createGcRepository(db, config.database.dialect),
    blobStore,
    blobs: blobDeletion,
    uploads,
    cancelAssetWork: async (assetId) => {
      for (const job of ASSET_JOBS) await queue.cancelByKey(job, assetId);
    },
    policy: defaultPolicy({ graceHours: config.gc.graceHours, draftMaxAgeDays: config.gc.draftMaxAgeDays }),
    tempRoot: tmpdir(),
    unfinishedUploadMaxAgeMs: config.gc.uploadMaxAgeDays * DAY_MS,
  });

  return {
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
  };
}

export type Services = ReturnType<typeof createServices>;
