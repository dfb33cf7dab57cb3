// Video extras shared by the browser and the server: caption tracks attached to a video, and where a
// learner stopped watching.
import { z } from 'zod';

/** BCP 47 language tags as people write them: "en", "fr-CA", "zh-Hant". */
const languageTag = z
  .string()
  .trim()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or pt-BR');

export const captionTrackInputSchema = z.object({
  captionsAssetId: z.uuid(),
  label: z.string().trim().min(1, 'is required').max(100),
  language: languageTag.nullable(),
});

/** The whole list, in player order: what the author sees is what is saved. */
export const captionTracksInputSchema = z.object({
  tracks: z.array(captionTrackInputSchema).max(20, 'at most 20 caption tracks'),
});
export type CaptionTrackInput = z.infer<typeof captionTrackInputSchema>;

export const captionTrackViewSchema = z.object({
  captionsAssetId: z.string(),
  label: z.string(),
  language: z.string().nullable(),
  position: z.number(),
  /** Original name of the captions file, for the author. */
  fileName: z.string(),
  /** False while the captions file is still being processed (no WebVTT yet) or failed. */
  ready: z.boolean(),
});
export type CaptionTrackView = z.infer<typeof captionTrackViewSchema>;

export const captionTracksResponseSchema = z.object({ tracks: z.array(captionTrackViewSchema) });

export const playbackPositionInputSchema = z.object({
  seconds: z
    .number()
    .min(0)
    .max(48 * 3600),
});

export const playbackPositionViewSchema = z.object({
  /** Null when this learner has not watched it yet. */
  seconds: z.number().nullable(),
});
export type PlaybackPositionView = z.infer<typeof playbackPositionViewSchema>;

/** Where a player should start: the saved position, unless it is in the last seconds (finished). */
export function resumeAt(savedSeconds: number | null, durationSeconds: number | null): number {
  if (savedSeconds === null || savedSeconds < 5) return 0;
  if (durationSeconds !== null && durationSeconds > 0 && savedSeconds > durationSeconds - 10) return 0;
  return savedSeconds;
}
