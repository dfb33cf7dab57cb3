// A video with its caption tracks, and for its author the captions editor under it.
import { Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { AssetView } from '../../../shared/assets.ts';
import type { CaptionTrackView } from '../../../shared/video.ts';
import { errorMessage } from '../../forms.ts';
import { VideoCaptionsEditor } from './VideoCaptionsEditor.tsx';
import { VideoPlayer } from './VideoPlayer.tsx';
import { videoApi } from './video-api.ts';

export function VideoSection({
  asset,
  editable,
  rememberPosition = true,
  onMedia,
}: {
  asset: AssetView;
  editable: boolean;
  /** Off in the author's wizard preview: a preview is not watching. */
  rememberPosition?: boolean;
  onMedia?: (video: HTMLVideoElement | null) => void;
}) {
  const [tracks, setTracks] = useState<CaptionTrackView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    videoApi
      .captions(asset.id)
      .then((answer) => active && setTracks(answer.tracks))
      .catch((err) => {
        if (!active) return;
        setError(errorMessage(err));
        setTracks([]);
      });
    return () => {
      active = false;
    };
  }, [asset.id]);

  const processing = asset.state === 'processing';
  return (
    <Stack gap="md">
      {processing && (
        <Text size="sm" role="status">
          Making the streaming versions{asset.progress !== null ? ` (${Math.round(asset.progress)}%)` : ''}. The video
          already plays.
        </Text>
      )}
      {tracks === null ? null : <VideoPlayer asset={asset} tracks={tracks} rememberPosition={rememberPosition} onMedia={onMedia} />}
      {error && (
        <Text size="sm" c="red">
          Captions could not be loaded: {error}
        </Text>
      )}
      {editable && tracks !== null && <VideoCaptionsEditor video={asset} tracks={tracks} onChange={setTracks} />}
    </Stack>
  );
}
