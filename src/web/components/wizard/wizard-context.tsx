// What every wizard step reads: the draft as being edited (through the autosave), the review's
// problems, and the live state of the draft's files.
import { createContext, useContext, useEffect, useEffectEvent, useRef, useState, useSyncExternalStore } from 'react';
import type { AssetView } from '../../../shared/assets.ts';
import type { DraftView, WizardStep } from '../../../shared/drafts.ts';
import type { ReviewProblem } from '../../../shared/review.ts';
import { ApiError } from '../../api.ts';
import { assetsApi, furtherAlong, isSettled } from '../../assets-api.ts';
import { draftsApi } from '../../drafts-api.ts';
import { useInterval, useLiveEvents } from '../../live.ts';
import { DraftSaver, type SaveFailure, type SaverSnapshot } from './draft-saver.ts';

export interface WizardContextValue {
  saver: DraftSaver;
  snapshot: SaverSnapshot;
  /** The published course this draft edits (version `baseVersion` + 1), or null. */
  courseId: string | null;
  baseVersion: number | null;
  /** The review's problems, or null until loaded. */
  problems: ReviewProblem[] | null;
  /** The steps the author has opened; a step's problems show once a later one was (problemsRevealed). */
  visited: readonly WizardStep[];
  reviewError: string | null;
  refreshReview: () => void;
  /** The server's view of the draft's files (and cover), by asset id. */
  assets: ReadonlyMap<string, AssetView>;
  /** Records what the upload manager learnt about an asset. */
  noteAsset: (asset: AssetView) => void;
}

export const WizardContext = createContext<WizardContextValue | null>(null);

export function useWizard(): WizardContextValue {
  const value = useContext(WizardContext);
  if (!value) throw new Error('useWizard must be used inside the course wizard');
  return value;
}

function isDraftView(value: unknown): value is DraftView {
  return typeof value === 'object' && value !== null && 'id' in value && 'revision' in value && 'content' in value;
}

/** What a failed save means for the autosave. */
export function classifySaveError(error: unknown): SaveFailure {
  if (!(error instanceof ApiError)) return { kind: 'refused', message: 'Something went wrong. Please try again.' };
  if (error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 429)
    return { kind: 'network' };
  if (error.status === 409 && error.code === 'conflict' && isDraftView(error.current)) {
    return { kind: 'conflict', message: error.message, current: error.current };
  }
  if (error.status === 404) {
    return {
      kind: 'gone',
      message: 'This draft no longer exists: it was published or discarded, perhaps in another tab.',
    };
  }
  return { kind: 'refused', message: error.message };
}

/** The autosave of one draft, its state for rendering, and the browser events it listens to. */
export function useDraftSaver(draft: DraftView): [DraftSaver, SaverSnapshot] {
  const [saver] = useState(
    () =>
      new DraftSaver(draft, {
        send: async (id, update) => (await draftsApi.save(id, update)).draft,
        classify: classifySaveError,
      }),
  );
  const snapshot = useSyncExternalStore(saver.subscribe, saver.getSnapshot);

  useEffect(() => {
    const online = () => saver.retryNow();
    // Closing the tab with changes still on their way: the browser asks first.
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (saver.hasUnsavedChanges) event.preventDefault();
    };
    window.addEventListener('online', online);
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('beforeunload', beforeUnload);
      // Leaving the wizard inside the app: what waits for the debounce goes now.
      void saver.flush();
    };
  }, [saver]);

  return [saver, snapshot];
}

const POLL_MS = 5_000;
const FETCH_PARALLEL = 4;

/**
 * The server's state of the given assets: fetched once each, then kept current by live events
 * (polled while those are paused). `onChange` hears every change (e.g. to reload the review).
 */
export function useDraftAssets(
  ids: readonly string[],
  onChange: () => void,
): [ReadonlyMap<string, AssetView>, (asset: AssetView) => void] {
  const [assets, setAssets] = useState<ReadonlyMap<string, AssetView>>(new Map());
  const requested = useRef(new Set<string>());
  const changed = useEffectEvent(onChange);
  const wanted = useRef(new Set(ids));
  wanted.current = new Set(ids);

  const apply = useEffectEvent((incoming: AssetView, fetched: boolean) => {
    if (!wanted.current.has(incoming.id)) return;
    setAssets((current) => {
      const before = current.get(incoming.id);
      const next = fetched ? furtherAlong(before, incoming) : incoming;
      if (next === before) return current;
      if (before?.state !== next.state) queueMicrotask(() => changed());
      return new Map(current).set(incoming.id, next);
    });
  });

  const fetchAll = useEffectEvent(async (list: string[]) => {
    const queue = [...list];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          apply((await assetsApi.get(id)).asset, true);
        } catch (error) {
          // Deleted meanwhile: the review reports it as missing. Other failures: try again later.
          if (!(error instanceof ApiError && error.status === 404)) requested.current.delete(id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_PARALLEL, queue.length) }, worker));
  });

  const key = ids.join(',');
  useEffect(() => {
    const missing = key.split(',').filter((id) => id && !requested.current.has(id));
    for (const id of missing) requested.current.add(id);
    if (missing.length > 0) void fetchAll(missing);
  }, [key]);

  const liveStatus = useLiveEvents((event) => {
    if (event.type === 'asset') apply(event.data, false);
  });
  useInterval(
    () => {
      const unsettled = [...assets.values()].filter((a) => !isSettled(a)).map((a) => a.id);
      if (unsettled.length > 0) void fetchAll(unsettled);
    },
    POLL_MS,
    liveStatus === 'paused',
  );

  return [assets, (asset) => apply(asset, false)];
}
