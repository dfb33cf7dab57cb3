// The video endpoints: caption tracks of a video, the WebVTT of each, and the viewer's saved position.
import type { z } from 'zod';
import type {
  CaptionTrackInput,
  captionTracksInputSchema,
  captionTracksResponseSchema,
  PlaybackPositionView,
  playbackPositionInputSchema,
} from '../../../shared/video.ts';
import { request } from '../../api.ts';

type Tracks = z.infer<typeof captionTracksResponseSchema>;

const base = (id: string) => `/api/videos/${encodeURIComponent(id)}`;

export const videoApi = {
  captions: (videoId: string) => request<Tracks>('GET', `${base(videoId)}/captions`),
  setCaptions: (videoId: string, tracks: CaptionTrackInput[]) =>
    request<Tracks>('PUT', `${base(videoId)}/captions`, { tracks } satisfies z.input<typeof captionTracksInputSchema>),
  position: (videoId: string) => request<PlaybackPositionView>('GET', `${base(videoId)}/position`),
  /** Kept alive, so the last save still lands when the viewer closes the tab. */
  savePosition: (videoId: string, seconds: number) =>
    request<void>(
      'PUT',
      `${base(videoId)}/position`,
      { seconds } satisfies z.input<typeof playbackPositionInputSchema>,
      { keepalive: true },
    ),
};

/** The WebVTT of a caption track, served for the video (whoever may watch it may read its captions). */
export function captionFileUrl(videoId: string, captionsAssetId: string): string {
  return `${base(videoId)}/captions/${encodeURIComponent(captionsAssetId)}`;
}
