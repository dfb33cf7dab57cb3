// Live updates from the server (GET /api/events, server-sent events). One EventSource per tab,
// shared by every component that listens: it opens with the first listener and closes shortly
// after the last one leaves (the delay lets StrictMode's remount and a move between two live
// pages reuse it). When the stream fails the status becomes "paused" so pages can poll instead.
import { useCallback, useEffect, useEffectEvent, useRef, useSyncExternalStore } from 'react';
import { z } from 'zod';
import type { JobEventData } from '../shared/events.ts';
import { assetViewSchema } from '../shared/assets.ts';
import { JOB_STATES } from './jobs-api.ts';

const EVENTS_URL = '/api/events';
/** After the browser gave up (an answer that is not a stream, e.g. 401 or 503), try again this late. */
const RECONNECT_MS = 15_000;
/** How long the connection outlives its last listener. */
const CLOSE_DELAY_MS = 500;

// One schema per SSE event name ("event: job"); malformed or unknown messages are ignored.
const EVENT_SCHEMAS = {
  job: z.object({
    jobId: z.string(),
    name: z.string(),
    state: z.enum(JOB_STATES),
    progress: z.number().optional(),
    error: z.string().optional(),
  }) satisfies z.ZodType<JobEventData>,
  // A file of the signed-in user changed (upload finished, processing progress, ready, failed).
  asset: assetViewSchema,
  // A certificate of the signed-in learner became downloadable.
  certificate: z.object({ certificateId: z.string(), courseId: z.string() }),
};

type EventSchemas = typeof EVENT_SCHEMAS;
export type LiveEventType = keyof EventSchemas;
/** A message from the stream, e.g. { type: 'job', data: { jobId, name, state, … } }. */
export type LiveEvent = { [K in LiveEventType]: { type: K; data: z.output<EventSchemas[K]> } }[LiveEventType];
export type JobLiveEvent = Extract<LiveEvent, { type: 'job' }>['data'];
export type AssetLiveEvent = Extract<LiveEvent, { type: 'asset' }>['data'];

/**
 * idle: nobody listens; connecting: first connection under way; open: events flow;
 * paused: the stream failed and is being retried (listeners may miss events meanwhile).
 */
export type LiveStatus = 'idle' | 'connecting' | 'open' | 'paused';

type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<() => void>();
let status: LiveStatus = 'idle';
let source: EventSource | null = null;
let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
let closeTimer: ReturnType<typeof setTimeout> | undefined;

function setStatus(next: LiveStatus): void {
  if (status === next) return;
  status = next;
  for (const notify of statusListeners) notify();
}

function dispatch(type: LiveEventType, message: MessageEvent): void {
  let json: unknown;
  try {
    json = JSON.parse(String(message.data));
  } catch {
    return;
  }
  const parsed = EVENT_SCHEMAS[type].safeParse(json);
  if (!parsed.success) return;
  const event = { type, data: parsed.data } as LiveEvent;
  for (const listener of [...listeners]) {
    // One failing listener must not keep the event from the others.
    try {
      listener(event);
    } catch (error) {
      reportError(error);
    }
  }
}

function connect(): void {
  reconnectTimer = undefined;
  if (typeof EventSource === 'undefined') {
    setStatus('paused');
    return;
  }
  // Same origin: the session cookie goes along.
  const es = new EventSource(EVENTS_URL);
  source = es;
  if (status === 'idle') setStatus('connecting');
  es.addEventListener('open', () => {
    if (source === es) setStatus('open');
  });
  es.addEventListener('error', () => {
    if (source !== es) return;
    setStatus('paused');
    // While CONNECTING the browser retries by itself; CLOSED means it gave up.
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      source = null;
      reconnectTimer = setTimeout(connect, RECONNECT_MS);
    }
  });
  for (const type of Object.keys(EVENT_SCHEMAS) as LiveEventType[]) {
    es.addEventListener(type, (message) => dispatch(type, message));
  }
}

function disconnect(): void {
  closeTimer = undefined;
  clearTimeout(reconnectTimer);
  reconnectTimer = undefined;
  source?.close();
  source = null;
  setStatus('idle');
}

/** Listens to every live event until the returned function is called. */
export function subscribeLiveEvents(listener: Listener): () => void {
  listeners.add(listener);
  clearTimeout(closeTimer);
  closeTimer = undefined;
  if (!source && reconnectTimer === undefined) connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && closeTimer === undefined) closeTimer = setTimeout(disconnect, CLOSE_DELAY_MS);
  };
}

/** Calls `notify` whenever the connection status changes (see getLiveStatus). */
export function subscribeLiveStatus(notify: () => void): () => void {
  statusListeners.add(notify);
  return () => statusListeners.delete(notify);
}

export function getLiveStatus(): LiveStatus {
  return status;
}

/**
 * Calls onEvent for every live event while the component is mounted (the latest onEvent, so it
 * may read current state) and returns the connection status.
 */
export function useLiveEvents(onEvent: (event: LiveEvent) => void): LiveStatus {
  const handle = useEffectEvent(onEvent);
  useEffect(() => subscribeLiveEvents((event) => handle(event)), []);
  return useSyncExternalStore(subscribeLiveStatus, getLiveStatus);
}

/** Runs `callback` every `ms` while `active` (e.g. polling while live updates are paused). */
export function useInterval(callback: () => void, ms: number, active: boolean): void {
  const tick = useEffectEvent(callback);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => tick(), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
}

export interface ThrottledTask {
  /** Runs the task now, or once later if it ran less than the interval ago or is still running. */
  request(): void;
  /** No more runs. */
  stop(): void;
}

/**
 * Coalesces many requests (e.g. "something changed, reload") into at most one run per interval,
 * never two at once, and always one run after the last request.
 */
export function throttledTask(task: () => Promise<unknown>, minIntervalMs: number): ThrottledTask {
  let running = false;
  let again = false;
  let stopped = false;
  let lastStart = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function start() {
    timer = undefined;
    if (stopped) return;
    running = true;
    lastStart = Date.now();
    task()
      .catch(() => {})
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          request();
        }
      });
  }

  function request() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer !== undefined) return;
    const wait = lastStart + minIntervalMs - Date.now();
    if (wait <= 0) start();
    else timer = setTimeout(start, wait);
  }

  return {
    request,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Loads once on mount and again whenever the returned `refresh` is called, at most once per
 * `minIntervalMs` however many calls arrive. `isActive()` turns false once the component is gone.
 */
export function useThrottledLoad(load: (isActive: () => boolean) => Promise<void>, minIntervalMs: number): () => void {
  const loadRef = useRef(load);
  loadRef.current = load;
  const refresher = useRef<ThrottledTask | null>(null);
  useEffect(() => {
    let active = true;
    const task = throttledTask(() => loadRef.current(() => active), minIntervalMs);
    refresher.current = task;
    task.request();
    return () => {
      active = false;
      task.stop();
      refresher.current = null;
    };
  }, [minIntervalMs]);
  return useCallback(() => refresher.current?.request(), []);
}
