// Runs ffmpeg on a probed video: keyframe survey, fast-path remux, poster, and the HLS ladder. Every run
// reads the input only through the demuxer the probe chose (`-f`, `-format_whitelist`) and only from a
// local file (`-protocol_whitelist file`, `file:` input), at low priority, killed on abort or timeout
// (run-tool.ts). Outputs go to the caller's work folder, which the caller removes.
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ffmpegProgressParser } from './ffmpeg-progress.ts';
import { runTool, ToolError } from '../assets/processors/run-tool.ts';
import {
  aacCodecString,
  avcCodecString,
  HLS_ROLES,
  type MasterVariant,
  masterPlaylist,
  mediaPlaylistStats,
  PLAYLIST_MIME,
  readRange,
  rewriteMediaPlaylist,
} from './hls.ts';
import { type AudioPlan, type KeyframeStats, ladderCommand, type ProbedVideo, type Rendition } from './ladder.ts';

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}

export interface OutputFile {
  role: string;
  path: string;
  mime: string;
}

/** The demuxer the probe chose for a container (see probe.ts). */
export function demuxerOf(container: string): string {
  if (container === 'mp4' || container === 'mov') return 'mov';
  if (container === 'webm') return 'matroska';
  return container;
}

const inputArgs = (probe: ProbedVideo, file: string) => {
  const demuxer = demuxerOf(probe.container);
  return [
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    demuxer,
    '-f',
    demuxer,
    '-i',
    `file:${path.resolve(file)}`,
  ];
};

/** Largest keyframe distance of the video stream, from packet flags (no decoding); null when unreadable. */
export async function keyframeStats(
  probe: ProbedVideo,
  file: string,
  options: { ffprobe: string; cwd: string; signal: AbortSignal },
): Promise<KeyframeStats | null> {
  let pending = '';
  let lastKey: number | null = null;
  let lastPts = 0;
  let maxGap = 0;
  let firstIsKeyframe: boolean | null = null;
  const line = (text: string) => {
    const [ptsText, flags = ''] = text.split(',');
    const pts = Number(ptsText);
    if (ptsText === undefined || ptsText === 'N/A' || !Number.isFinite(pts)) return;
    const key = flags.startsWith('K');
    if (firstIsKeyframe === null) firstIsKeyframe = key;
    if (key) {
      if (lastKey !== null) maxGap = Math.max(maxGap, pts - lastKey);
      lastKey = pts;
    }
    lastPts = Math.max(lastPts, pts);
  };
  const result = await runTool(
    options.ffprobe,
    [
      '-v',
      'error',
      ...inputArgs(probe, file).slice(0, -2),
      '-select_streams',
      String(probe.video.index),
      '-show_entries',
      'packet=pts_time,flags',
      '-of',
      'csv=p=0',
      `file:${path.resolve(file)}`,
    ],
    {
      cwd: options.cwd,
      timeoutMs: 120_000,
      signal: options.signal,
      maxOutputBytes: 1024,
      onStdout: (chunk) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) line(l.trim());
      },
    },
  );
  if (pending.trim()) line(pending.trim());
  if (result.code !== 0 || lastKey === null || firstIsKeyframe === null) return null;
  const end = Math.max(lastPts, probe.durationSeconds);
  return { maxGapSeconds: Math.max(maxGap, end - lastKey), firstIsKeyframe };
}

/** The source's H.264 and AAC streams in an MP4 with its index first: plays while it downloads. */
export async function remuxFaststart(
  probe: ProbedVideo,
  file: string,
  out: string,
  options: { ffmpeg: string; signal: AbortSignal; timeoutMs: number },
): Promise<boolean> {
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...inputArgs(probe, file)];
  args.push('-map', `0:${probe.video.index}`);
  if (probe.audio) args.push('-map', `0:${probe.audio.index}`);
  args.push('-c', 'copy', '-map_metadata', '-1', '-map_chapters', '-1', '-movflags', '+faststart', '-f', 'mp4', out);
  // Normal priority: stream copying is mostly I/O, and the author is waiting to play the video.
  const result = await runTool(options.ffmpeg, args, {
    cwd: path.dirname(out),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    niceness: 0,
  });
  return result.code === 0 && ((await stat(out).catch(() => null))?.size ?? 0) > 0;
}

/**
 * Decodes the streams a copy would reuse and stops at the first error (`-xerror`): a stream damaged in the
 * middle plays as a poster and nothing in a browser, so it is encoded (errors concealed) instead of copied.
 * Decoding is much cheaper than encoding, and nothing is written.
 */
export async function decodeCheck(
  probe: ProbedVideo,
  file: string,
  options: { ffmpeg: string; cwd: string; signal: AbortSignal; timeoutMs: number },
): Promise<{ clean: true } | { clean: false; error: string }> {
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-xerror', ...inputArgs(probe, file)];
  args.push('-map', `0:${probe.video.index}`);
  if (probe.audio) args.push('-map', `0:${probe.audio.index}`);
  args.push('-f', 'null', '-');
  const result = await runTool(options.ffmpeg, args, {
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  const stderr = result.stderr.trim();
  if (result.code === 0 && stderr === '') return { clean: true };
  return { clean: false, error: stderr.split('\n').slice(-1)[0] || `ffmpeg exited with ${result.code}` };
}

/** A JPEG still from a tenth of the way in (at most 5 s), at most 1280 wide; false when none could be made. */
export async function extractPoster(
  probe: ProbedVideo,
  file: string,
  out: string,
  options: { ffmpeg: string; signal: AbortSignal },
): Promise<boolean> {
  const at = Math.min(5, probe.durationSeconds / 10);
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-y', '-ss', at.toFixed(3), ...inputArgs(probe, file)];
  args.push('-map', `0:${probe.video.index}`, '-frames:v', '1', '-vf', "scale='min(1280,iw)':-2", '-q:v', '3');
  args.push('-map_metadata', '-1', '-f', 'image2', '-c:v', 'mjpeg', out);
  try {
    const result = await runTool(options.ffmpeg, args, {
      cwd: path.dirname(out),
      timeoutMs: 120_000,
      signal: options.signal,
    });
    return result.code === 0 && ((await stat(out).catch(() => null))?.size ?? 0) > 0;
  } catch (err) {
    if (err instanceof ToolError && err.kind === 'timeout') return false;
    throw err;
  }
}

export interface LadderResult {
  files: OutputFile[];
  renditions: {
    name: string;
    width: number;
    height: number;
    copied: boolean;
    averageBitRate: number;
    peakBitRate: number;
  }[];
}

export class LadderError extends Error {}

/** Makes the whole ladder in one ffmpeg run and writes playlists that name files by derivative role. */
export async function makeLadder(options: {
  probe: ProbedVideo;
  file: string;
  outDir: string;
  renditions: Rendition[];
  audio: AudioPlan;
  webm: boolean;
  tools: MediaTools;
  signal: AbortSignal;
  timeoutMs: number;
  progress?: (percent: number) => void;
}): Promise<LadderResult> {
  const { probe, outDir } = options;
  const command = ladderCommand({
    probe,
    demuxer: demuxerOf(probe.container),
    input: `file:${path.resolve(options.file)}`,
    outDir,
    renditions: options.renditions,
    audio: options.audio,
    webm: options.webm,
  });
  const result = await runTool(options.tools.ffmpeg, command.args, {
    cwd: outDir,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onStdout: ffmpegProgressParser(probe.durationSeconds, options.progress),
  });
  if (result.code !== 0) throw new LadderError(result.stderr.trim().split('\n').slice(-3).join(' ') || 'ffmpeg failed');

  const files: OutputFile[] = [];
  const variants: MasterVariant[] = [];
  const renditions: LadderResult['renditions'] = [];
  let audio: Parameters<typeof masterPlaylist>[1] = null;
  for (const output of command.outputs) {
    const playlistPath = path.join(outDir, output.playlist);
    const mediaPath = path.join(outDir, output.media);
    const text = await readFile(playlistPath, 'utf8').catch(() => '');
    const stats = mediaPlaylistStats(text);
    if (stats.segments === 0 || !stats.init) throw new LadderError(`no segments were written for ${output.name}`);
    const init = await readRange(mediaPath, stats.init.offset, stats.init.length);
    const playlistRole = HLS_ROLES.playlist(output.name);
    const mediaRole = HLS_ROLES.media(output.name);
    const rewritten = path.join(outDir, `${output.name}.served.m3u8`);
    await writeFile(rewritten, rewriteMediaPlaylist(text, output.media, mediaRole));
    files.push({ role: playlistRole, path: rewritten, mime: PLAYLIST_MIME });
    if (output.name === 'audio') {
      files.push({ role: mediaRole, path: mediaPath, mime: 'audio/mp4' });
      audio = {
        role: playlistRole,
        codec: aacCodecString(init),
        peakBitRate: stats.peakBitRate,
        averageBitRate: stats.averageBitRate,
      };
      continue;
    }
    files.push({ role: mediaRole, path: mediaPath, mime: 'video/mp4' });
    const rendition = options.renditions.find((r) => r.name === output.name);
    if (!rendition) continue;
    variants.push({
      role: playlistRole,
      width: rendition.width,
      height: rendition.height,
      fps: probe.video.fps,
      codec: avcCodecString(init) ?? 'avc1.640028',
      peakBitRate: stats.peakBitRate,
      averageBitRate: stats.averageBitRate,
    });
    renditions.push({
      name: rendition.name,
      width: rendition.width,
      height: rendition.height,
      copied: rendition.copy,
      averageBitRate: stats.averageBitRate,
      peakBitRate: stats.peakBitRate,
    });
  }
  // Lowest first: players that do not measure bandwidth start with the first variant.
  variants.reverse();
  const master = path.join(outDir, 'master.served.m3u8');
  await writeFile(master, masterPlaylist(variants, audio));
  files.push({ role: HLS_ROLES.master, path: master, mime: PLAYLIST_MIME });
  if (command.webm && ((await stat(command.webm).catch(() => null))?.size ?? 0) > 0) {
    files.push({ role: 'webm', path: command.webm, mime: 'video/webm' });
  }
  return { files, renditions };
}
