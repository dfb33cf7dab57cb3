// Video extras: which WebVTT caption files a video shows, and where each viewer stopped. Who may see a
// video is the assets service's decision (`assets.get`), so a learner reaches a course video's captions
// and position exactly when they may watch the video.
import type { CaptionTrackInput, CaptionTrackView } from '../../shared/video.ts';
import type { AssetRow } from '../assets/repository.ts';
import type { AssetsService } from '../assets/service.ts';
import { blobEtag, type FileToServe } from '../blobs/file-to-serve.ts';
import { forbidden, invalid, notFound } from '../errors.ts';
import { mayManage } from '../policies.ts';
import type { UserRow } from '../users/repository.ts';
import type { MediaRepository } from './repository.ts';

export interface MediaServiceDeps {
  assets: Pick<AssetsService, 'get' | 'derivative'>;
  media: MediaRepository;
  now?: () => number;
}


/** Problems with a caption list, as messages; empty when it may be saved. */
export function captionListProblems(tracks: CaptionTrackInput[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const track of tracks) {
    if (seen.has(track.captionsAssetId)) problems.push(`"${track.label}" is attached twice.`);
    seen.add(track.captionsAssetId);
  }
  return problems;
}

export function createMediaService(deps: MediaServiceDeps) {
  const { assets, media } = deps;
  const now = deps.now ?? Date.now;

  async function video(user: UserRow, id: string): Promise<AssetRow> {
    const asset = await assets.get(user, id);
    if (asset.kind !== 'video') throw notFound('This file is not a video.');
    return asset;
  }

  async function tracks(videoId: string): Promise<CaptionTrackView[]> {
    return (await media.captionsOf(videoId)).map((row) => ({
      captionsAssetId: row.captions_asset_id,
      label: row.label,
      language: row.language,
      position: row.position,
      fileName: row.original_name,
      ready: row.has_vtt,
    }));
  }

  return {
    async captions(user: UserRow, videoId: string): Promise<CaptionTrackView[]> {
      await video(user, videoId);
      return tracks(videoId);
    },

    async setCaptions(user: UserRow, videoId: string, input: CaptionTrackInput[]): Promise<CaptionTrackView[]> {
      const target = await video(user, videoId);
      // Changing what a video shows is for the one who uploaded it (or an administrator), not its viewers.
      if (!mayManage(user, { ownerId: target.owner_id }))
        throw forbidden('Only the owner of this video can change its captions.');
      const problems = captionListProblems(input);
      if (problems.length > 0) throw invalid(problems.join(' '), 'invalid_captions');
      for (const track of input) {
        const file = await assets.get(user, track.captionsAssetId);
        if (file.kind !== 'captions')
          throw invalid(`${file.original_name} is not a captions file.`, 'not_captions');
      }
      const at = now();
      await media.replaceCaptions(
        videoId,
        input.map((track, position) => ({
          video_asset_id: videoId,
          captions_asset_id: track.captionsAssetId,
          label: track.label,
          language: track.language,
          position,
          created_at: at,
        })),
      );
      return tracks(videoId);
    },

    /** The WebVTT of a track attached to a video the user may watch. */
    async captionsFile(user: UserRow, videoId: string, captionsId: string): Promise<FileToServe> {
      await video(user, videoId);
      const attached = await media.findCaption(videoId, captionsId);
      const vtt = attached ? await assets.derivative(captionsId, 'vtt') : undefined;
      if (!vtt) throw notFound('This video has no such captions.');
      const mime = 'text/vtt; charset=utf-8';
      return { key: vtt.blob_key, size: vtt.size, mime, etag: blobEtag(vtt.blob_key), disposition: 'inline' };
    },

    async position(user: UserRow, videoId: string): Promise<number | null> {
      await video(user, videoId);
      const ms = await media.position(user.id, videoId);
      return ms === null ? null : ms / 1000;
    },

    async savePosition(user: UserRow, videoId: string, seconds: number): Promise<void> {
      await video(user, videoId);
      await media.savePosition(user.id, videoId, Math.round(seconds * 1000), now());
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
