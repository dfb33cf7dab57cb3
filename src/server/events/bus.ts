// The event bus carries live events to every web node: in memory for the embedded mode,
// PostgreSQL LISTEN/NOTIFY in scale-out, so an event raised anywhere reaches every browser.
import type { LiveEvent } from '../../shared/events.ts';

export type LiveEventListener = (event: LiveEvent) => void;

export interface EventBus {
  publish(event: LiveEvent): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: LiveEventListener): () => void;
  close(): Promise<void>;
}

export function createMemoryEventBus(): EventBus {
  const listeners = new Set<LiveEventListener>();
  return {
    async publish(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
