// The one place the browser talks to the server. Every call sends the session cookie,
// every state-changing call carries the CSRF token, and every failure becomes an ApiError.
import type { z } from 'zod';
import type {
  ChangePasswordInput,
  CreateUserInput,
  csrfTokenResponseSchema,
  LoginInput,
  SessionInfo,
  SetupInput,
  signedInResponseSchema,
  UpdateProfileInput,
  UpdateUserInput,
  UserResponse,
  usersResponseSchema,
} from '../shared/accounts.ts';
import type { ApiErrorBody } from '../shared/api-error.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: NonNullable<ApiErrorBody['issues']>;
  readonly retryAfterSeconds: number | undefined;
  /** For `conflict`: the server's current version of what the request tried to change. */
  readonly current: unknown;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.error;
    this.issues = body.issues ?? [];
    this.retryAfterSeconds = body.retryAfterSeconds;
    this.current = body.current;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

// Called when the server says the session is gone, so the app can send the user to sign in.
let unauthenticatedHandler: (() => void) | null = null;
export function onUnauthenticated(handler: (() => void) | null): void {
  unauthenticatedHandler = handler;
}

// The token is fetched once and shared; concurrent callers wait for the same request.
let csrfToken: Promise<string> | null = null;
// The token once it has arrived: a save made while the page goes away must call fetch in the same task,
// before the document is unloaded, so it cannot wait even for an already settled promise.
let knownCsrfToken: string | null = null;

/** The CSRF token for requests made outside `request` (e.g. the tus uploads); fetched once and shared. */
export function getCsrfToken(): Promise<string> {
  if (!csrfToken) {
    csrfToken = send<z.infer<typeof csrfTokenResponseSchema>>('GET', '/api/auth/csrf').then((r) => {
      knownCsrfToken = r.token;
      return r.token;
    });
    // A failed fetch must not be cached forever.
    csrfToken.catch(() => {
      csrfToken = null;
    });
  }
  return csrfToken;
}

/** For callers outside `request` (e.g. the tus uploads) that learn the session has expired. */
export function reportUnauthenticated(): void {
  unauthenticatedHandler?.();
}

/** Forget the CSRF token, e.g. after signing in or out, when the server may have issued a new one. */
export function resetCsrfToken(): void {
  csrfToken = null;
  knownCsrfToken = null;
}

/** `keepalive`: the request outlives the page (a last save when the learner leaves). */
export interface RequestOptions {
  keepalive?: boolean;
}

async function send<T>(
  method: Method,
  path: string,
  body?: unknown,
  token?: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers['x-csrf-token'] = token;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      keepalive: options.keepalive,
    });
  } catch {
    throw new ApiError(0, {
      error: 'network_error',
      message: 'Could not reach the server. Check your connection and try again.',
    });
  }

  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (response.ok) return data as T;
  throw new ApiError(response.status, toErrorBody(response.status, data));
}

function toErrorBody(status: number, data: unknown): ApiErrorBody {
  if (data && typeof data === 'object' && 'error' in data && 'message' in data) {
    return data as ApiErrorBody;
  }
  return {
    error: 'http_error',
    message: `The server could not handle the request (status ${status}). Please try again.`,
  };
}

/** A JSON call to the server; for feature modules (e.g. jobs-api.ts) that keep their own endpoints. */
export async function request<T>(method: Method, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  try {
    if (method === 'GET') return await send<T>(method, path, body, undefined, options);
    try {
      const token = knownCsrfToken ?? (await getCsrfToken());
      return await send<T>(method, path, body, token, options);
    } catch (error) {
      // The token expired or belongs to an older session: get a fresh one and retry once.
      if (error instanceof ApiError && error.status === 403 && error.code === 'csrf_invalid') {
        resetCsrfToken();
        return await send<T>(method, path, body, await getCsrfToken(), options);
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && error.code === 'unauthenticated') {
      unauthenticatedHandler?.();
    }
    throw error;
  }
}

/**
 * Sends a file's bytes as the body (application/octet-stream), with the CSRF token, answering JSON;
 * for routes that read a whole file at once (a question import).
 */
export async function requestBytes<T>(path: string, file: Blob): Promise<T> {
  const post = async (token: string) => {
    let response: Response;
    try {
      response = await fetch(path, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/octet-stream', 'x-csrf-token': token },
        credentials: 'same-origin',
        body: file,
      });
    } catch {
      throw new ApiError(0, {
        error: 'network_error',
        message: 'Could not reach the server. Check your connection and try again.',
      });
    }
    const data: unknown = await response.json().catch(() => null);
    if (response.ok) return data as T;
    throw new ApiError(response.status, toErrorBody(response.status, data));
  };
  try {
    try {
      return await post(await getCsrfToken());
    } catch (error) {
      if (error instanceof ApiError && error.status === 403 && error.code === 'csrf_invalid') {
        resetCsrfToken();
        return await post(await getCsrfToken());
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && error.code === 'unauthenticated')
      unauthenticatedHandler?.();
    throw error;
  }
}

// What each call answers is the route's response schema (src/shared/accounts.ts).
type SignedInAnswer = z.infer<typeof signedInResponseSchema>;

export const api = {
  getSession: () => request<SessionInfo>('GET', '/api/auth/session'),
  login: (input: LoginInput) => request<SignedInAnswer>('POST', '/api/auth/login', input),
  logout: () => request<void>('POST', '/api/auth/logout'),
  setup: (input: SetupInput) => request<SignedInAnswer>('POST', '/api/setup', input),
  updateProfile: (input: UpdateProfileInput) => request<UserResponse>('PATCH', '/api/me', input),
  changePassword: (input: ChangePasswordInput) => request<void>('POST', '/api/me/password', input),
  listUsers: () => request<z.infer<typeof usersResponseSchema>>('GET', '/api/admin/users'),
  createUser: (input: CreateUserInput) => request<UserResponse>('POST', '/api/admin/users', input),
  updateUser: (id: string, input: UpdateUserInput) =>
    request<UserResponse>('PATCH', `/api/admin/users/${encodeURIComponent(id)}`, input),
};
