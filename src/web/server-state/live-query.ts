// A query kept current by the event stream: each live event may patch the cached answer
// (setQueryData) or ask for a reload, throttled so a burst of events is one request. While the
// stream is down the query polls, and when it comes back it reloads once to catch up.
import {
  type QueryKey,
  type UseQueryResult,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { type LiveEvent, type LiveStatus, throttledTask, useLiveEvents } from '../live.ts';

export interface LiveQueryActions<T> {
  /** Replaces the cached answer with what `update` makes of it (nothing while none is cached). */
  patch(update: (current: T) => T): void;
  /** Reloads, at most once per `reloadMinIntervalMs` however many events ask. */
  reload(): void;
}

export interface LiveQueryOptions<T> {
  queryKey: QueryKey;
  queryFn: () => Promise<T>;
  /** What an event means for this answer. */
  onEvent?: (event: LiveEvent, actions: LiveQueryActions<T>) => void;
  /** How often to poll while the event stream is down. */
  pollMs?: number;
  /** Poll even while events flow, as long as this holds (work whose progress sends no events). */
  alsoPollWhile?: (data: T | undefined) => boolean;
  reloadMinIntervalMs?: number;
  enabled?: boolean;
}

export type LiveQueryResult<T> = UseQueryResult<T> & {
  liveStatus: LiveStatus;
  /** The same throttled reload the events use (after an action that changes the answer). */
  reload: () => void;
};

export function useLiveQuery<T>(options: LiveQueryOptions<T>): LiveQueryResult<T> {
  const { queryKey, queryFn, onEvent, alsoPollWhile, pollMs = 5_000, reloadMinIntervalMs = 500, enabled = true } = options;
  const client = useQueryClient();
  const keyRef = useRef(queryKey);
  keyRef.current = queryKey;

  const reloader = useRef<ReturnType<typeof throttledTask> | null>(null);
  useEffect(() => {
    const task = throttledTask(() => client.invalidateQueries({ queryKey: keyRef.current, exact: true }), reloadMinIntervalMs);
    reloader.current = task;
    return () => {
      task.stop();
      reloader.current = null;
    };
  }, [client, reloadMinIntervalMs]);
  const reload = useRef(() => reloader.current?.request()).current;

  const liveStatus = useLiveEvents((event) => {
    onEvent?.(event, {
      patch: (update) => client.setQueryData<T>(keyRef.current, (current) => (current === undefined ? current : update(current))),
      reload,
    });
  });

  // Events missed while the stream was down: reload once it is back.
  const wasPaused = useRef(false);
  useEffect(() => {
    if (liveStatus === 'open' && wasPaused.current) reload();
    wasPaused.current = liveStatus === 'paused';
  }, [liveStatus, reload]);

  const query = useQuery({
    queryKey,
    queryFn,
    enabled,
    refetchInterval: (query) => (liveStatus === 'paused' || alsoPollWhile?.(query.state.data) ? pollMs : false),
  });
  return Object.assign(query, { liveStatus, reload });
}
