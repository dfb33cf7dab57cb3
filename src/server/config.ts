// The only module that reads process.env: environment → typed, validated Config.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { ASSET_KINDS, type AssetKind } from '../shared/assets.ts';
import type { StorageLimits } from '../shared/quotas.ts';

const GiB = 1024 * 1024 * 1024;

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^(postgres|postgresql|sqlite):/.test(v), 'must start with postgres:// or sqlite:')
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // The credential signing keys as a JWK Set (JSON); generated into DATA_DIR when unset.
  CREDENTIAL_SIGNING_KEYS: z.string().min(1).optional(),
  // The issuer's name in signed credentials; the PUBLIC_URL host when unset.
  CREDENTIAL_ISSUER_NAME: z.string().trim().min(1).max(200).optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(60 * 24 * 30).default(8 * 60),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(7 * 24),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  // scrypt cost as log2(N); 17 is OWASP's recommendation (N=2^17, r=8, p=1).
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
  // Password hashes running at once per web process, and how many may wait (past it: 503).
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  // Live event streams (/api/events) one user may hold open on one web node.
  EVENTS_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(1000).default(8),
  // How often an open event stream re-checks its session (signing out ends it at once anyway).
  EVENTS_SESSION_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  TRUST_PROXY: booleanString.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST_DIR: z.string().min(1).default('./dist/web'),
  STORAGE_URL: z
    .string()
    .refine((v) => /^(file:|s3:\/\/[^/]+)/.test(v), 'must be file:/path or s3://bucket/prefix')
    .optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: booleanString.default(false),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  WORKER_GROUPS: z
    .string()
    .regex(/^(default|media|maintenance)(,(default|media|maintenance))*$/, 'must list groups among default,media,maintenance')
    .optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  UPLOAD_MAX_VIDEO_MB: z.coerce.number().int().min(1).default(4096),
  UPLOAD_MAX_FILE_MB: z.coerce.number().int().min(1).default(200),
  QUOTA_OPEN_UPLOADS: z.coerce.number().int().min(1).max(10_000).default(20),
  QUOTA_UPLOADING_GB: z.coerce.number().positive().default(20),
  QUOTA_STORED_GB: z.coerce.number().positive().default(50),
  VIDEO_LADDER: z
    .string()
    .regex(/^\d{3,4}(,\d{3,4})*$/, 'must list rendition heights such as 360,720,1080')
    .refine((v) => v.split(',').every((h) => Number(h) >= 144 && Number(h) <= 4320), 'heights must be 144 to 4320')
    .default('360,720,1080'),
  VIDEO_WEBM: booleanString.default(false),
  VIDEO_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(240),
  GC_SCHEDULE: z
    .string()
    .refine(isCron, 'must be a cron expression such as "23 * * * *"')
    .default('23 * * * *'),
  GC_GRACE_HOURS: z.coerce.number().min(0).max(24 * 365).default(24),
  ATTEMPT_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  GC_DRAFT_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  GC_UPLOAD_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
});

function isCron(value: string): boolean {
  try {
    CronExpressionParser.parse(value);
    return true;
  } catch {
    return false;
  }
}

export type DatabaseConfig =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; connectionString: string };

export type StorageConfig =
  | { driver: 'disk'; root: string }
  | {
      driver: 's3';
      bucket: string;
      prefix: string;
      endpoint?: string;
      region: string;
      forcePathStyle: boolean;
      accessKeyId?: string;
      secretAccessKey?: string;
    };

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  secureCookies: boolean;
  dataDir: string;
  database: DatabaseConfig;
  sessionSecret: string;
  session: { idleMs: number; absoluteMs: number };
  loginThrottle: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; lockMs: number };
  passwordScryptLogN: number;
  /** Bounds concurrent password hashing in a web process. */
  passwordHash: { concurrency: number; queue: number };
  /** Live event streams: per-user cap per node, and the session re-check period. */
  events: { maxStreamsPerUser: number; sessionCheckMs: number };
  trustProxy: boolean;
  logLevel: string;
  webDistDir: string;
  storage: StorageConfig;
  /** Queue groups this process's workers serve; undefined means all. */
  workerGroups?: string[];
  workerConcurrency: number;
  /** Largest upload per asset kind, in bytes. */
  uploadLimits: Record<AssetKind, number>;
  /** Per-user quotas: uploads in progress, bytes they reserve, bytes stored (with reservations). */
  quotas: StorageLimits;
  /** Partial uploads (tus) in the embedded mode. */
  uploadsDir: string;
  /** The video ladder: rendition heights, the optional WebM, and how long one transcode may run. */
  video: { heights: number[]; webm: boolean; timeoutMs: number };
  /** The garbage collector: when it runs, how old things must be before they go. */
  gc: { cron: string; graceHours: number; draftMaxAgeDays: number; uploadMaxAgeDays: number };
  /** Taking a test: answers are still accepted this long after an attempt's deadline (then the job submits it). */
  attempts: { graceMs: number };
  /** Signed credentials: the issuer's name, and the signing keys when configuration gives them (else DATA_DIR). */
  credentials: { issuerName: string; signingKeys?: string };
}

export class ConfigError extends Error {}

/** Turns an environment into a Config; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const value = env[name];
    throw new ConfigError(
      `Invalid ${name}${value === undefined ? '' : `=${JSON.stringify(value)}`}: ${issue?.message}`,
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    secureCookies: publicUrl.startsWith('https:'),
    dataDir,
    database: databaseConfig(e.DATABASE_URL, dataDir),
    sessionSecret: e.SESSION_SECRET ?? readOrCreateSecret(dataDir),
    session: { idleMs: e.SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000 },
    loginThrottle: {
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
      lockMs: e.LOGIN_LOCK_MINUTES * 60_000,
    },
    passwordScryptLogN: e.PASSWORD_SCRYPT_LOG_N,
    passwordHash: { concurrency: e.PASSWORD_HASH_CONCURRENCY, queue: e.PASSWORD_HASH_QUEUE },
    events: { maxStreamsPerUser: e.EVENTS_MAX_STREAMS_PER_USER, sessionCheckMs: e.EVENTS_SESSION_CHECK_SECONDS * 1000 },
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    webDistDir: path.resolve(e.WEB_DIST_DIR),
    storage: storageConfig(e, dataDir),
    workerGroups: e.WORKER_GROUPS?.split(','),
    workerConcurrency: e.WORKER_CONCURRENCY,
    uploadLimits: Object.fromEntries(
      ASSET_KINDS.map((kind) => [kind, (kind === 'video' ? e.UPLOAD_MAX_VIDEO_MB : e.UPLOAD_MAX_FILE_MB) * 1024 * 1024]),
    ) as Record<AssetKind, number>,
    quotas: {
      openUploads: e.QUOTA_OPEN_UPLOADS,
      reservedBytes: Math.round(e.QUOTA_UPLOADING_GB * GiB),
      storedBytes: Math.round(e.QUOTA_STORED_GB * GiB),
    },
    uploadsDir: path.join(dataDir, 'uploads'),
    video: {
      heights: [...new Set(e.VIDEO_LADDER.split(',').map(Number))].sort((a, b) => a - b),
      webm: e.VIDEO_WEBM,
      timeoutMs: e.VIDEO_TIMEOUT_MINUTES * 60_000,
    },
    gc: {
      cron: e.GC_SCHEDULE,
      graceHours: e.GC_GRACE_HOURS,
      draftMaxAgeDays: e.GC_DRAFT_MAX_AGE_DAYS,
      uploadMaxAgeDays: e.GC_UPLOAD_MAX_AGE_DAYS,
    },
    attempts: { graceMs: e.ATTEMPT_GRACE_SECONDS * 1000 },
    credentials: {
      issuerName: e.CREDENTIAL_ISSUER_NAME ?? new URL(publicUrl).host,
      signingKeys: e.CREDENTIAL_SIGNING_KEYS,
    },
  };
}

function storageConfig(e: z.infer<typeof envSchema>, dataDir: string): StorageConfig {
  const url = e.STORAGE_URL;
  if (!url) return { driver: 'disk', root: path.join(dataDir, 'blobs') };
  if (url.startsWith('file:')) return { driver: 'disk', root: path.resolve(url.slice('file:'.length).replace(/^\/\//, '')) };
  const parsed = new URL(url);
  return {
    driver: 's3',
    bucket: parsed.hostname,
    prefix: parsed.pathname.replace(/^\/+|\/+$/g, ''),
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
  };
}

function databaseConfig(url: string | undefined, dataDir: string): DatabaseConfig {
  if (!url) return { dialect: 'sqlite', file: path.join(dataDir, 'lectern.sqlite') };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return { dialect: 'sqlite', file: path.resolve(file) };
  }
  return { dialect: 'postgres', connectionString: url };
}

// Generated once and kept in DATA_DIR so sessions and CSRF tokens survive restarts.
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
