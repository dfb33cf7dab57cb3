// Cross-site request defences beyond SameSite cookies: the CSRF token is bound to the session it
// was issued for, and unsafe requests a browser marks as coming from another site are refused.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What a CSRF token is bound to: the session's id hash, or "anonymous" before sign-in. */
export function csrfBinding(request: FastifyRequest): string {
  return request.session ? `session:${request.session.id_hash}` : 'anonymous';
}

/** The HMAC key that ties tokens to their binding; derived from the session secret. */
export function csrfHmacKey(sessionSecret: string): string {
  return createHash('sha256').update(`lectern csrf binding:${sessionSecret}`).digest('hex');
}

/** A token for this request's session (a CSRF secret cookie is set when there is none). */
export function issueCsrfToken(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfBinding(request) });
}

/**
 * A new CSRF secret and a token bound to `sessionIdHash` (null: signed out), for the answer that
 * starts or ends a session: no token issued before it stays valid.
 */
export function renewCsrfToken(
  request: FastifyRequest,
  reply: FastifyReply,
  cookieKey: string,
  sessionIdHash: string | null,
): string {
  // generateCsrf makes (and sets) a new secret when the request carries none.
  delete request.cookies[cookieKey];
  return reply.generateCsrf({ userInfo: sessionIdHash ? `session:${sessionIdHash}` : 'anonymous' });
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * True when the browser says an unsafe request comes from another origin: `Sec-Fetch-Site` other
 * than same-origin (or none: typed by the user); without it, an `Origin` that is neither our
 * public address nor the address the request was sent to. Requests without either header (curl,
 * the command line, older clients) pass on to the CSRF token check.
 */
export function isCrossSite(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== '') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined || origin === '') return false;
  if (origin === 'null') return true;
  const allowed = [originOf(publicUrl), originOf(`${request.protocol}://${request.host}`)];
  return !allowed.includes(originOf(origin));
}

/**
 * Remembers the (secret cookie, token, binding) triples that passed the CSRF check, so a page that
 * saves often pays for the two HMACs (unsigning the cookie, verifying the token) once. Only passes
 * are kept, keyed by every input of the check: a changed cookie, token or session is checked anew.
 * Tokens have no expiry of their own (no `validity` option), so a remembered pass stays true.
 */
export function createCsrfPassMemo(limit = 10_000) {
  const passed = new Set<string>();
  return {
    key(request: FastifyRequest, cookieKey: string): string | undefined {
      const cookie = request.cookies[cookieKey];
      const token = request.headers['x-csrf-token'];
      if (!cookie || typeof token !== 'string') return undefined;
      return `${cookie}\n${token}\n${csrfBinding(request)}`;
    },
    has: (key: string) => passed.has(key),
    add(key: string) {
      if (passed.size >= limit) passed.delete(passed.values().next().value as string);
      passed.add(key);
    },
  };
}
