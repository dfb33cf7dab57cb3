// Video: the safe probe first; then, for browser-friendly H.264/AAC in MP4/MOV, a playable MP4 at once
// (the original itself when its index is already first, else a remux with faststart); then a poster and
// the HLS ladder made in one ffmpeg run, which replaces the MP4 when it is stored.
import path from 'node:path';
import {
  canCopyVideo,
  DEFAULT_LADDER,
  displaySize,
  type LadderSettings,
  planAudio,
  planRenditions,
} from '../../media/ladder.ts';
import { moovBeforeMdat } from '../../media/hls.ts';
import { type ProbeVideoOptions, probeVideo } from '../../media/probe.ts';
import {
  decodeCheck,
  extractPoster,
  keyframeStats,
  LadderError,
  makeLadder,
  remuxFaststart,
} from '../../media/transcode.ts';
import { DEFAULT_TOOLS, ToolError, type ToolPaths, toolAvailable } from './run-tool.ts';
import type { DerivativeFile, Processor, ProcessResult } from './types.ts';

export interface VideoProcessorOptions {
  ladder?: Partial<LadderSettings>;
  limits?: ProbeVideoOptions['limits'];
}

/** Role of the progressive MP4 playable before the ladder is done. */
export const FAST_PATH_ROLE = 'mp4';

const NO_FFMPEG = 'Video processing needs ffmpeg, which is not installed on this server — download the file.';
const DAMAGED =
  'The video is damaged: its picture does not decode cleanly, and it could not be re-encoded. Export it again and upload the new file.';
const SENTENCES: Record<string, string> = {
  'not a video': 'This is not a video file we can read.',
  'no video stream': 'The file has no video stream.',
  'the video could not be read': 'The video could not be read; the file may be damaged or incomplete.',
  'unknown duration': 'The video could not be read: its duration is unknown.',
};

/** The probe's short reason as a sentence for the author ("not a video" → "This is not a video file…"). */
export function reasonSentence(reason: string): string {
  const known = SENTENCES[reason];
  if (known) return known;
  return `The video was refused: ${reason}.`;
}

export function createVideoProcessor(tools: Partial<ToolPaths> = {}, options: VideoProcessorOptions = {}): Processor {
  const ffmpeg = tools.ffmpeg ?? DEFAULT_TOOLS.ffmpeg;
  const ffprobe = tools.ffprobe ?? DEFAULT_TOOLS.ffprobe;
  const ladder: LadderSettings = { ...DEFAULT_LADDER, ...options.ladder };

  return async ({ file, workDir, signal, progress, early }): Promise<ProcessResult> => {
    if (!toolAvailable(ffprobe) || !toolAvailable(ffmpeg)) {
      return { ok: true, derivatives: [], metadata: { playable: false, probed: false }, note: NO_FFMPEG };
    }
    const probe = await probeVideo(file, { signal, ffprobe, limits: options.limits });
    if (!probe.ok) return { ok: false, reason: reasonSentence(probe.reason) };
    const metadata: Record<string, unknown> = {
      durationSeconds: probe.durationSeconds,
      ...displaySize(probe.video),
      fps: Math.round(probe.video.fps * 1000) / 1000,
      videoCodec: probe.video.codec,
      audioCodec: probe.audio?.codec ?? null,
      container: probe.container,
    };

    // Set once the fast-path MP4 is stored: the video plays even if its ladder cannot be made.
    let playsAsMp4 = false;
    // Set when the source does not decode cleanly: nothing of it is copied, and its fast-path MP4 goes.
    let damaged = false;
    try {
      const drop: string[] = [];
      if (probe.fastPath && early) {
        // Playable in seconds: the original if it already streams, else the same streams remuxed.
        let playable: DerivativeFile | null = null;
        if (probe.container === 'mp4' && (await moovBeforeMdat(file))) {
          playable = { role: FAST_PATH_ROLE, path: file, mime: 'video/mp4' };
        } else {
          const out = path.join(workDir, 'faststart.mp4');
          if (await remuxFaststart(probe, file, out, { ffmpeg, signal, timeoutMs: ladder.timeoutMs })) {
            playable = { role: FAST_PATH_ROLE, path: out, mime: 'video/mp4' };
          }
        }
        if (playable) {
          await early({ derivatives: [playable], metadata: { ...metadata, playable: true } });
          playsAsMp4 = true;
          // A remuxed copy goes when the ladder replaces it; the original itself costs nothing to keep.
          if (playable.path !== file) drop.push(FAST_PATH_ROLE);
        }
      }

      const derivatives: DerivativeFile[] = [];
      const poster = path.join(workDir, 'poster.jpg');
      if (await extractPoster(probe, file, poster, { ffmpeg, signal })) {
        derivatives.push({ role: 'poster', path: poster, mime: 'image/jpeg' });
      }

      // Only streams that would be copied (here or in the fast path) need the decode check: the others are
      // decoded by the ladder's own run, which conceals damage in what it encodes.
      const mayCopy = probe.video.codec === 'h264' && probe.video.rotation === 0;
      const check =
        mayCopy || playsAsMp4
          ? await decodeCheck(probe, file, { ffmpeg, cwd: workDir, signal, timeoutMs: ladder.timeoutMs })
          : null;
      damaged = check !== null && !check.clean;
      if (damaged && playsAsMp4 && !drop.includes(FAST_PATH_ROLE)) drop.push(FAST_PATH_ROLE);
      const keyframes =
        mayCopy && !damaged ? await keyframeStats(probe, file, { ffprobe, cwd: workDir, signal }) : null;
      const copyTop = !damaged && canCopyVideo(probe, ladder, keyframes);
      const renditions = planRenditions(probe, ladder, copyTop);
      const made = await makeLadder({
        probe,
        file,
        outDir: workDir,
        renditions,
        audio: damaged ? (probe.audio ? 'encode' : 'none') : planAudio(probe),
        webm: ladder.webm,
        tools: { ffmpeg, ffprobe },
        signal,
        timeoutMs: ladder.timeoutMs,
        progress,
      });
      derivatives.push(...made.files);
      metadata.renditions = made.renditions;
      metadata.playable = true;
      metadata.hls = true;
      if (damaged) {
        metadata.reencodedDamage = true;
        const note = 'Parts of this video are damaged; it was re-encoded, and the damaged moments may show blocks.';
        return { ok: true, derivatives, metadata, drop, note };
      }
      return { ok: true, derivatives, metadata, drop };
    } catch (err) {
      if (err instanceof LadderError) {
        if (damaged) return { ok: false, reason: DAMAGED };
        if (playsAsMp4) {
          const note = 'The streaming versions could not be made; the video plays as one MP4 file.';
          return { ok: true, derivatives: [], metadata: { ...metadata, playable: true, hls: false }, note };
        }
        return { ok: false, reason: 'The video could not be converted; the file may be damaged.' };
      }
      if (err instanceof ToolError && err.kind === 'timeout') {
        return { ok: false, reason: 'Converting the video took too long and was stopped.' };
      }
      throw err;
    }
  };
}
