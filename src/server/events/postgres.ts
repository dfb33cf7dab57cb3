// Event bus over PostgreSQL LISTEN/NOTIFY. Every node, the publisher included, receives each
// event once through its own LISTEN connection, which reconnects after a drop.
import pg from 'pg';
import type { LiveEvent } from '../../shared/events.ts';
import { type BusMessage, dispatchMessage, type EventBus, type LiveEventListener, type SignalListener } from './bus.ts';

const CHANNEL = 'lectern_events';
// NOTIFY payloads are limited to 8000 bytes; events are small by design.
const MAX_PAYLOAD = 7900;

export interface PostgresEventBusOptions {
  connectionString: string;
  onError?: (err: Error) => void;
}

export async function createPostgresEventBus(options: PostgresEventBusOptions): Promise<EventBus> {
  const listeners = new Set<LiveEventListener>();
  const signalListeners = new Set<SignalListener>();
  const publisher = new pg.Pool({ connectionString: options.connectionString, max: 1 });
  publisher.on('error', (err) => options.onError?.(err));
  let listener: pg.Client | null = null;
  let closed = false;

  async function connect(): Promise<void> {
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      let event: BusMessage;
      try {
        event = JSON.parse(message.payload) as BusMessage;
      } catch {
        return;
      }
      dispatchMessage(event, listeners, signalListeners);
    });
    client.on('error', (err) => {
      options.onError?.(err);
      reconnectSoon();
    });
    client.on('end', () => reconnectSoon());
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
  }

  let reconnecting = false;
  function reconnectSoon(): void {
    if (closed || reconnecting) return;
    reconnecting = true;
    listener = null;
    setTimeout(() => {
      reconnecting = false;
      connect().catch((err: Error) => {
        options.onError?.(err);
        reconnectSoon();
      });
    }, 1000).unref();
  }

  await connect();

  // One NOTIFY at a time, in the order they were sent: on two pool connections a job's
  // "completed" could commit before its "active", and a page would end on "active".
  let previous: Promise<unknown> = Promise.resolve();
  const send = (message: BusMessage): Promise<void> => {
    const payload = JSON.stringify(message);
    if (payload.length > MAX_PAYLOAD) {
      return Promise.reject(new Error(`Live event too large for NOTIFY (${payload.length} bytes)`));
    }
    const sent = previous.then(() => publisher.query('SELECT pg_notify($1, $2)', [CHANNEL, payload])).then(() => {});
    previous = sent.catch(() => {});
    return sent;
  };

  return {
    publish: (event: LiveEvent) => send(event),
    signal: (signal) => send({ signal }),
    onSignal(l) {
      signalListeners.add(l);
      return () => signalListeners.delete(l);
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async close() {
      closed = true;
      listeners.clear();
      signalListeners.clear();
      await listener?.end().catch(() => {});
      await publisher.end();
    },
  };
}
