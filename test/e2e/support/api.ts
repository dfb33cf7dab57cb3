// A signed-in HTTP client for seeding browser tests through the real API (cookies and CSRF token
// as a browser keeps them), and the upload of a file through tus.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tusUpload } from '../../../src/server/testing/tus.ts';

export interface ApiClient {
  request(method: string, url: string, body?: unknown): Promise<{ status: number; json: () => unknown; text: string }>;
  upload(file: string, kind: string, metadata?: Record<string, string>): Promise<string>;
  cookieHeader(): string;
}

export async function apiClient(base: string): Promise<ApiClient> {
  const cookies = new Map<string, string>();
  let csrf = '';
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  async function request(method: string, url: string, body?: unknown) {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: {
        cookie: cookieHeader(),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let renewed = false;
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) cookies.set(pair.slice(0, at), pair.slice(at + 1));
      if (pair && /lectern_session=/.test(pair)) renewed = true;
    }
    const text = await response.text();
    // The CSRF token is bound to the session: a new session (sign-in) needs a new token.
    if (renewed) csrf = ((await request('GET', '/api/auth/csrf')).json() as { token: string }).token;
    return { status: response.status, text, json: () => JSON.parse(text) as unknown };
  }
  const token = await request('GET', '/api/auth/csrf');
  csrf = (token.json() as { token: string }).token;
  return {
    request,
    cookieHeader,
    async upload(file, kind, metadata = {}) {
      const { assetId } = await tusUpload(base, readFileSync(file), {
        cookie: cookieHeader(),
        csrf,
        filename: path.basename(file),
        kind,
        metadata,
        chunkSize: 8 * 1024 * 1024,
      });
      return assetId;
    },
  };
}

/** Signs in; the CSRF token is renewed for the new session. */
export async function signIn(base: string, email: string, password: string): Promise<ApiClient> {
  const client = await apiClient(base);
  const answer = await client.request('POST', '/api/auth/login', { email, password });
  if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status} ${answer.text}`);
  return client;
}

/** Polls until `check` is true (or throws after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
