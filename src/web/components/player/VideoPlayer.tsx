// The video player: HLS through hls.js (or the browser's own HLS where it has one), the fast-path MP4
// while the ladder is being made, WebVTT caption tracks, a speed control, and the viewer's position
// saved and resumed. The browser's own controls make it keyboard operable; captions and speed also
// have labelled selects of their own.
import { Alert, Button, Group, NativeSelect, Stack, Text } from '@mantine/core';
import type HlsType from 'hls.js';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { AssetView } from '../../../shared/assets.ts';
import { type CaptionTrackView, resumeAt } from '../../../shared/video.ts';
import { derivativeUrl, hasDerivative } from '../../assets-api.ts';
import {
  formatTime,
  PLAYBACK_SPEEDS,
  playbackErrorMessage,
  playbackFailure,
  shouldSave,
  videoSource,
} from './sources.ts';
import { getCsrfToken } from '../../api.ts';
import { captionFileUrl, videoApi } from './video-api.ts';

export interface VideoPlayerProps {
  asset: AssetView;
  tracks: CaptionTrackView[];
  /** Save where this viewer stops and start there next time (default on). */
  rememberPosition?: boolean;
  /** The video element, for whoever follows what is played (the course player's progress). */
  onMedia?: (video: HTMLVideoElement | null) => void;
}

const HLS_MIME = 'application/vnd.apple.mpegurl';

export function VideoPlayer({ asset, tracks, rememberPosition = true, onMedia }: VideoPlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    onMedia?.(videoRef.current);
    return () => onMedia?.(null);
  }, [onMedia]);
  const [error, setError] = useState<string | null>(null);
  const [speed, setSpeed] = useState('1');
  const [caption, setCaption] = useState('off');
  const [resumedAt, setResumedAt] = useState<number | null>(null);
  const saved = useRef<number | null | undefined>(undefined);
  const lastSaved = useRef<number | null>(null);
  // Where to continue when the source changes under a playing video (MP4 → HLS switch-over).
  const continueAt = useRef<number | null>(null);
  const speedId = useId();
  const source = videoSource(asset);
  const sourceUrl = source?.url ?? null;
  const sourceKind = source?.kind ?? null;
  const readyTracks = tracks.filter((t) => t.ready);
  const durationSeconds = typeof asset.metadata.durationSeconds === 'number' ? asset.metadata.durationSeconds : null;

  const save = useCallback(
    (seconds: number) => {
      if (!rememberPosition || !Number.isFinite(seconds)) return;
      lastSaved.current = seconds;
      void videoApi.savePosition(asset.id, seconds).catch(() => {
        // Losing one save only costs a few seconds of resume accuracy.
      });
    },
    [asset.id, rememberPosition],
  );

  useEffect(() => {
    saved.current = undefined;
    if (!rememberPosition) return;
    // The save on leaving must go out at once: a token fetched only then would arrive after the page is gone.
    void getCsrfToken().catch(() => {});
    let active = true;
    videoApi
      .position(asset.id)
      .then((p) => {
        if (active) saved.current = p.seconds;
      })
      .catch(() => {
        if (active) saved.current = null;
      });
    return () => {
      active = false;
    };
  }, [asset.id, rememberPosition]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !sourceUrl) return;
    let hls: HlsType | null = null;
    let cancelled = false;
    setError(null);
    if (sourceKind === 'hls' && !video.canPlayType(HLS_MIME)) {
      void import('hls.js').then(({ default: Hls }) => {
        if (cancelled) return;
        if (!Hls.isSupported()) {
          setError('This browser cannot play streaming video. Download the original instead.');
          return;
        }
        // No worker: the page's Content-Security-Policy allows scripts from our origin only, not blob: workers.
        hls = new Hls({ enableWorker: false, capLevelToPlayerSize: true });
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (data.fatal) setError(playbackErrorMessage(playbackFailure({ hlsType: data.type })));
        });
        hls.loadSource(sourceUrl);
        hls.attachMedia(video);
      });
    } else {
      video.src = sourceUrl;
    }
    return () => {
      cancelled = true;
      if (video.currentTime > 0) continueAt.current = video.currentTime;
      hls?.destroy();
      video.removeAttribute('src');
      video.load();
    };
  }, [sourceUrl, sourceKind]);

  // Leaving the page keeps the position: moving to another page, and closing the tab (the save is kept alive).
  useEffect(() => {
    const video = videoRef.current;
    const onPageHide = () => {
      if (video && video.currentTime > 0) save(video.currentTime);
    };
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      onPageHide();
    };
  }, [save]);

  const onLoadedMetadata = () => {
    const video = videoRef.current;
    if (!video) return;
    video.playbackRate = Number(speed);
    if (continueAt.current !== null) {
      video.currentTime = continueAt.current;
      continueAt.current = null;
      return;
    }
    // The viewer moved the playhead before the video had loaded: their choice wins over the saved position.
    if (video.currentTime > 0) return;
    const at = resumeAt(saved.current ?? null, Number.isFinite(video.duration) ? video.duration : durationSeconds);
    if (at > 0) {
      video.currentTime = at;
      setResumedAt(at);
    }
  };

  const chooseCaption = (value: string) => {
    setCaption(value);
    const list = videoRef.current?.textTracks;
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const track = list[i];
      if (track) track.mode = String(i) === value ? 'showing' : 'disabled';
    }
  };

  const chooseSpeed = (value: string) => {
    setSpeed(value);
    if (videoRef.current) videoRef.current.playbackRate = Number(value);
  };

  if (!source) return <Text>The video is not playable yet.</Text>;
  return (
    <Stack gap="xs" className="video-player">
      {/* biome-ignore lint/a11y/useMediaCaption: the caption tracks attached to the video are its <track>s; a video may have none */}
      <video
        ref={videoRef}
        className="media-preview video-player__video"
        controls
        preload="metadata"
        playsInline
        aria-label={asset.originalName}
        poster={hasDerivative(asset, 'poster') ? derivativeUrl(asset.id, 'poster') : undefined}
        onLoadedMetadata={onLoadedMetadata}
        onTimeUpdate={(e) => {
          const t = e.currentTarget.currentTime;
          if (!e.currentTarget.paused && shouldSave(lastSaved.current, t)) save(t);
        }}
        onPause={(e) => save(e.currentTarget.currentTime)}
        onEnded={(e) => save(e.currentTarget.currentTime)}
        onRateChange={(e) => setSpeed(String(e.currentTarget.playbackRate))}
        // The browser's own player (native HLS, MP4) fails silently otherwise: say so.
        onError={(e) => {
          const failed = e.currentTarget.error;
          // A removed source (switching sources, leaving) is not the viewer's problem.
          if (failed && e.currentTarget.hasAttribute('src'))
            setError(playbackErrorMessage(playbackFailure({ mediaErrorCode: failed.code })));
        }}
      >
        {readyTracks.map((t) => (
          <track
            key={t.captionsAssetId}
            kind="captions"
            src={captionFileUrl(asset.id, t.captionsAssetId)}
            label={t.label}
            srcLang={t.language ?? undefined}
          />
        ))}
      </video>
      {error && (
        <Alert color="red" variant="light" role="alert">
          {error}
        </Alert>
      )}
      <Group gap="md" align="flex-end">
        <NativeSelect
          id={speedId}
          label="Speed"
          value={speed}
          onChange={(e) => chooseSpeed(e.currentTarget.value)}
          data={[
            ...PLAYBACK_SPEEDS.map((s) => ({ value: String(s), label: s === 1 ? 'Normal' : `${s}×` })),
            ...(PLAYBACK_SPEEDS.some((s) => String(s) === speed) ? [] : [{ value: speed, label: `${speed}×` }]),
          ]}
          w={120}
        />
        <NativeSelect
          label="Captions"
          value={caption}
          onChange={(e) => chooseCaption(e.currentTarget.value)}
          data={[{ value: 'off', label: 'Off' }, ...readyTracks.map((t, i) => ({ value: String(i), label: t.label }))]}
          disabled={readyTracks.length === 0}
          w={200}
        />
        {resumedAt !== null && (
          <Group gap="xs">
            <Text size="sm" role="status">
              Resumed at {formatTime(resumedAt)}.
            </Text>
            <Button
              size="compact-sm"
              variant="subtle"
              onClick={() => {
                if (videoRef.current) videoRef.current.currentTime = 0;
                setResumedAt(null);
              }}
            >
              Start over
            </Button>
          </Group>
        )}
      </Group>
    </Stack>
  );
}
