// GET /api/events: server-sent events for the signed-in user, filtered by each event's audience.
// A stream lives no longer than the session that opened it: an end-streams signal (sign-out,
// disabling, a password change, a role change; from any web node over the bus) ends it at once,
// and it re-checks its session every `sessionCheckMs` (timeouts, changes made from the command line).
import { apiErrorBodySchema } from '../../shared/api-error.ts';
import type { LiveEvent } from '../../shared/events.ts';
import type { Api } from '../http/contract.ts';
import type { UserRow } from '../users/repository.ts';
import type { EndStreamsSignal, EventBus } from './bus.ts';

const HEARTBEAT_MS = 25_000;

export function mayReceive(user: Pick<UserRow, 'id' | 'role'>, event: LiveEvent): boolean {
  const { roles, userIds } = event.audience;
  return (roles?.includes(user.role) ?? false) || (userIds?.includes(user.id) ?? false);
}

/** Whether an end-streams signal covers a stream of `userId` opened by session `sessionIdHash`. */
export function signalEnds(signal: EndStreamsSignal, userId: string, sessionIdHash: string): boolean {
  if (signal.userId !== userId) return false;
  if (signal.sessionIdHashes && !signal.sessionIdHashes.includes(sessionIdHash)) return false;
  return signal.exceptSessionIdHash !== sessionIdHash;
}

interface OpenStream {
  userId: string;
  sessionIdHash: string;
  end(): void;
}

export interface EventRoutesDeps {
  bus: EventBus;
  auth: { streamStillAllowed(idHash: string, granted: Pick<UserRow, 'id' | 'role'>): Promise<boolean> };
  /** Streams one user may hold open on this node; one more is refused with 429. */
  maxStreamsPerUser: number;
  /** How often each stream re-checks its session. */
  sessionCheckMs: number;
}

export function registerEventRoutes(app: Api, deps: EventRoutesDeps): void {
  const open = new Set<OpenStream>();
  const byUser = new Map<string, Set<OpenStream>>();
  // Open streams would hold a graceful shutdown until its deadline: end them first.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });
  const stopSignals = deps.bus.onSignal((signal) => {
    if (signal.type !== 'end-streams') return;
    for (const stream of byUser.get(signal.userId) ?? []) {
      if (signalEnds(signal, stream.userId, stream.sessionIdHash)) stream.end();
    }
  });
  app.addHook('onClose', async () => {
    stopSignals();
  });

  const rawResponse = { kind: 'stream', reason: 'Server-sent events (text/event-stream) for this user, until the session ends.' } as const;
  const schema = { tags: ['Live events'], response: { 429: apiErrorBodySchema } };
  app.get('/api/events', { config: { access: 'signed-in', rawResponse }, schema }, (request, reply) => {
    const user = request.user as UserRow;
    const sessionIdHash = request.session?.id_hash ?? '';
    const mine = byUser.get(user.id) ?? new Set<OpenStream>();
    if (mine.size >= deps.maxStreamsPerUser) {
      const seconds = Math.ceil(deps.sessionCheckMs / 1000);
      reply
        .code(429)
        .header('retry-after', String(seconds))
        .send({
          error: 'too_many_streams',
          message: `This account already has ${mine.size} live connections open here. Close other tabs; this page updates by polling meanwhile.`,
          retryAfterSeconds: seconds,
        });
      return;
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells nginx not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    let ended = false;
    const unsubscribe = deps.bus.subscribe((event) => {
      if (ended || !mayReceive(user, event)) return;
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const recheck = setInterval(() => {
      deps.auth.streamStillAllowed(sessionIdHash, user).then(
        (allowed) => {
          if (!allowed) stream.end();
        },
        // The database is unreachable: keep the stream; the next check decides.
        () => {},
      );
    }, deps.sessionCheckMs);
    const stream: OpenStream = {
      userId: user.id,
      sessionIdHash,
      end() {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        clearInterval(recheck);
        unsubscribe();
        open.delete(stream);
        mine.delete(stream);
        if (mine.size === 0 && byUser.get(user.id) === mine) byUser.delete(user.id);
        res.end();
      },
    };
    open.add(stream);
    mine.add(stream);
    byUser.set(user.id, mine);
    request.raw.on('close', () => stream.end());
  });
}
