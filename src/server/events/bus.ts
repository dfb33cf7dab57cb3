// The event bus carries live events to every web node: in memory for the embedded mode,
// PostgreSQL LISTEN/NOTIFY in scale-out, so an event raised anywhere reaches every browser.
// It also carries signals between web nodes that browsers never see (a session ended, so the
// event streams it opened must end on whichever node holds them).
import type { LiveEvent } from '../../shared/events.ts';

export type LiveEventListener = (event: LiveEvent) => void;

/**
 * The event streams of `userId` must end: all of them, only those of `sessionIdHashes`, or all
 * but those of `exceptSessionIdHash`. Sent when a session ends (sign-out, expiry, disabling, a
 * password change) and when the user's role changes (the browser reconnects with the new role).
 */
export interface EndStreamsSignal {
  type: 'end-streams';
  userId: string;
  sessionIdHashes?: string[];
  exceptSessionIdHash?: string;
  reason: 'signed-out' | 'session-ended' | 'disabled' | 'password-changed' | 'role-changed';
}

export type BusSignal = EndStreamsSignal;
export type SignalListener = (signal: BusSignal) => void;

export interface EventBus {
  publish(event: LiveEvent): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: LiveEventListener): () => void;
  /** Sends a signal to every web node, this one included. */
  signal(signal: BusSignal): Promise<void>;
  /** Returns the function that unsubscribes. */
  onSignal(listener: SignalListener): () => void;
  close(): Promise<void>;
}

/** Signals travel with events as `{ signal: … }`, so one ordered channel carries both. */
export type BusMessage = LiveEvent | { signal: BusSignal };

/** Hands a message received from the channel to the right listeners. */
export function dispatchMessage(message: BusMessage, events: Set<LiveEventListener>, signals: Set<SignalListener>): void {
  if ('signal' in message) {
    for (const l of signals) l(message.signal);
  } else {
    for (const l of events) l(message);
  }
}

export function createMemoryEventBus(): EventBus {
  const listeners = new Set<LiveEventListener>();
  const signalListeners = new Set<SignalListener>();
  return {
    async publish(event) {
      dispatchMessage(event, listeners, signalListeners);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async signal(signal) {
      dispatchMessage({ signal }, listeners, signalListeners);
    },
    onSignal(listener) {
      signalListeners.add(listener);
      return () => signalListeners.delete(listener);
    },
    async close() {
      listeners.clear();
      signalListeners.clear();
    },
  };
}
