// GET /api/events: server-sent events for the signed-in user, filtered by each event's audience.
import type { FastifyInstance } from 'fastify';
import type { LiveEvent } from '../../shared/events.ts';
import type { UserRow } from '../users/repository.ts';
import type { EventBus } from './bus.ts';

const HEARTBEAT_MS = 25_000;

export function mayReceive(user: Pick<UserRow, 'id' | 'role'>, event: LiveEvent): boolean {
  const { roles, userIds } = event.audience;
  return (roles?.includes(user.role) ?? false) || (userIds?.includes(user.id) ?? false);
}

export function registerEventRoutes(app: FastifyInstance, deps: { bus: EventBus }): void {
  const open = new Set<() => void>();
  // Open streams would hold a graceful shutdown until its deadline: end them first.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get('/api/events', { config: { access: 'signed-in', streaming: true } }, (request, reply) => {
    const user = request.user as UserRow;
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
    const unsubscribe = deps.bus.subscribe((event) => {
      if (!mayReceive(user, event)) return;
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      res.end();
    };
    open.add(end);
    request.raw.on('close', end);
  });
}
