// Sends what the learner does in the player to the server: pages drawn, ranges played (the media
// element's own `played`, so skipping ahead adds nothing), files opened. The answers update the
// cached progress, so the curriculum and the bar move as the learner studies.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { z } from 'zod';
import type { learningResponseSchema, ProgressReportAnswer } from '../../../shared/learning.ts';
import { MAX_RANGES_PER_REPORT, type ProgressReport } from '../../../shared/progress.ts';
import { learningApi } from '../../learning-api.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { completedThisVisit, markCompletedThisVisit, subscribeToCompletions } from './completed-this-visit.ts';

/** While media plays, report this often. */
const MEDIA_REPORT_MS = 10_000;

function playedRanges(media: HTMLMediaElement): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < media.played.length; i++) out.push([media.played.start(i), media.played.end(i)]);
  // The longest first when there are too many (rare: it takes a hundred separate stretches).
  return out.length <= MAX_RANGES_PER_REPORT ? out : out.sort((a, b) => b[1] - b[0] - (a[1] - a[0])).slice(0, MAX_RANGES_PER_REPORT);
}

export function useProgressReporter(courseId: string, assetId: string, enabled: boolean) {
  const client = useQueryClient();
  // Kept outside the component: the player may be made again after the completing answer.
  const completedNow = useSyncExternalStore(subscribeToCompletions, () => completedThisVisit(courseId));
  const [error, setError] = useState<string | null>(null);

  const apply = useCallback(
    (answer: ProgressReportAnswer) => {
      client.setQueryData<z.infer<typeof learningResponseSchema>>(queryKeys.learning(courseId), (current) =>
        current
          ? {
              learning: {
                ...current.learning,
                items: current.learning.items.map((i) => (i.assetId === answer.item.assetId ? answer.item : i)),
                progress: answer.progress,
                // Completion is recorded once and never undone: an answer that crossed the completing one keeps it.
                completedAt: answer.completedAt ?? current.learning.completedAt,
              },
            }
          : current,
      );
      if (answer.completedNow) markCompletedThisVisit(courseId);
    },
    [client, courseId],
  );

  const send = useCallback(
    (report: Omit<ProgressReport, 'assetId'>, keepalive = false) => {
      if (!enabled) return;
      learningApi
        .report(courseId, { ...report, assetId }, keepalive)
        .then((answer) => {
          setError(null);
          apply(answer);
        })
        .catch(() => {
          // The next report carries everything again (ranges and pages are merged on the server).
          setError('Your progress could not be saved just now; it will be saved with the next step.');
        });
    },
    [apply, assetId, courseId, enabled],
  );

  // Pages seen since the last answer, so a report lost to the network is sent again with the next.
  const pages = useRef({ assetId, seen: new Set<number>() });
  const onPageShown = useCallback(
    (page: number) => {
      if (pages.current.assetId !== assetId) pages.current = { assetId, seen: new Set() };
      pages.current.seen.add(page);
      send({ pagesSeen: [...pages.current.seen].slice(-500), position: page });
    },
    [send, assetId],
  );

  // Media: report while playing, on pause and end, and when leaving (kept alive past the page).
  const [media, setMedia] = useState<HTMLMediaElement | null>(null);
  useEffect(() => {
    if (!media || !enabled) return;
    const report = (keepalive = false) => {
      if (media.played.length === 0) return;
      send({ played: playedRanges(media), position: media.currentTime }, keepalive);
    };
    const onPause = () => report();
    const onLeave = () => report(true);
    const timer = window.setInterval(() => {
      if (!media.paused) report();
    }, MEDIA_REPORT_MS);
    media.addEventListener('pause', onPause);
    media.addEventListener('ended', onPause);
    window.addEventListener('pagehide', onLeave);
    return () => {
      window.clearInterval(timer);
      media.removeEventListener('pause', onPause);
      media.removeEventListener('ended', onPause);
      window.removeEventListener('pagehide', onLeave);
      report(true);
    };
  }, [media, enabled, send]);

  const onOpened = useCallback(() => send({ opened: true }), [send]);
  const onMarkDone = useCallback((done: boolean) => send({ markedDone: done }), [send]);

  return { onPageShown, onMedia: setMedia, onOpened, onMarkDone, completedNow, error };
}
