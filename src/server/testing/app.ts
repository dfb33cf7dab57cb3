// A real Lectern app on a fresh database, driven through Fastify's inject with a cookie jar.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { buildApp, type LecternApp } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { appDependencies, createRuntime, type Runtime } from '../runtime.ts';
import { createTestDatabase, type Dialect } from './databases.ts';

export interface TestApp extends LecternApp {
  config: Config;
  db: Database;
  runtime: Runtime;
  client(): TestClient;
  close(): Promise<void>;
}

export async function createTestApp(dialect: Dialect, env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lectern-data-'));
  const testDb = await createTestDatabase(dialect);
  // A stand-in for the Vite build, so the app's HTML routes answer as in production.
  const webDistDir = path.join(dataDir, 'web');
  mkdirSync(webDistDir);
  writeFileSync(path.join(webDistDir, 'index.html'), '<!doctype html><title>Lectern</title>');
  const config: Config = {
    ...loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      // Cheaper hashing keeps the suite fast; production uses OWASP's 2^17.
      PASSWORD_SCRYPT_LOG_N: '12',
      WEB_DIST_DIR: webDistDir,
      ...env,
    }),
    database: testDb.config,
  };
  const logger = pino({ level: 'silent' });
  const runtime = await createRuntime(config, logger);
  const built = await buildApp(appDependencies(config, logger, runtime));
  await built.app.ready();
  return {
    ...built,
    config,
    db: runtime.db,
    runtime,
    client: () => new TestClient(built),
    async close() {
      await built.app.close();
      await runtime.close();
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A browser-like client: keeps cookies, fetches and sends the CSRF token. */
export class TestClient {
  private readonly cookies = new Map<string, string>();
  private csrfToken: string | undefined;
  private readonly target: LecternApp;

  constructor(target: LecternApp) {
    this.target = target;
  }

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (method !== 'GET' && options.csrf !== false) headers['x-csrf-token'] = await this.csrf();
    const response = await this.inject(method, url, body, headers);
    return response;
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, body?: unknown) => this.request('POST', url, body ?? {});
  patch = (url: string, body?: unknown) => this.request('PATCH', url, body ?? {});

  async csrf(): Promise<string> {
    if (!this.csrfToken) {
      const response = await this.inject('GET', '/api/auth/csrf', undefined, {});
      this.csrfToken = response.json<{ token: string }>().token;
    }
    return this.csrfToken;
  }

  /**
   * The status of a streaming route (server-sent events), over real HTTP since inject waits for
   * an end that never comes. The app must be listening.
   */
  async streamStatus(url: string): Promise<number> {
    const address = this.target.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening');
    const controller = new AbortController();
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(`http://127.0.0.1:${address.port}${url}`, {
      headers: cookie ? { cookie } : {},
      signal: controller.signal,
    });
    controller.abort();
    return response.status;
  }

  /** The Cookie header this client would send. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private async inject(method: string, url: string, body: unknown, headers: Record<string, string>) {
    const cookieHeader = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await this.target.app.inject({
      method: method as 'GET',
      url,
      headers: { ...headers, ...(cookieHeader ? { cookie: cookieHeader } : {}) },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      // A new session or CSRF secret (sign-in, sign-out) makes the cached token stale, as in the web app.
      if (/lectern_(session|csrf)$/.test(c.name)) this.csrfToken = undefined;
      const cleared = c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now());
      if (cleared) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return response;
  }
}

export const STRONG_PASSWORD = 'correct horse battery staple';

/** Runs first-run setup and returns a client signed in as that administrator. */
export async function setUpAdmin(app: TestApp, email = 'admin@example.org'): Promise<TestClient> {
  const admin = app.client();
  const response = await admin.post('/api/setup', { email, displayName: 'Ada Admin', password: STRONG_PASSWORD });
  if (response.statusCode !== 201) throw new Error(`setup failed: ${response.statusCode} ${response.body}`);
  return admin;
}

/** Creates a user through the admin API and returns a client signed in as them. */
export async function createSignedInUser(
  app: TestApp,
  admin: TestClient,
  role: 'admin' | 'author' | 'learner',
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.org`,
): Promise<{ client: TestClient; id: string; email: string }> {
  const created = await admin.post('/api/admin/users', { email, displayName: `A ${role}`, role, password: STRONG_PASSWORD });
  if (created.statusCode !== 201) throw new Error(`create user failed: ${created.statusCode} ${created.body}`);
  const client = app.client();
  const login = await client.post('/api/auth/login', { email, password: STRONG_PASSWORD });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  return { client, id: created.json().user.id, email };
}
