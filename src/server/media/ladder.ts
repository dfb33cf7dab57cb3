// What the ladder is made of, decided from the probe alone (pure functions, tested without ffmpeg):
// which renditions, whether the top one can reuse the source's own H.264 stream, the bitrate caps, and
// the ffmpeg command that makes them all in one decoding pass.
import type { VideoProbe } from './probe.ts';

export type ProbedVideo = Extract<VideoProbe, { ok: true }>;

export interface LadderSettings {
  /** Rendition heights (the short side, so "720p" of a portrait video is 720 wide). */
  heights: number[];
  /** Also make an open-codec WebM (VP9/Opus) file. */
  webm: boolean;
  /** The whole transcode is stopped after this long. */
  timeoutMs: number;
}

export const DEFAULT_LADDER: LadderSettings = { heights: [360, 720, 1080], webm: false, timeoutMs: 4 * 3600_000 };

/** HLS segment length; keyframes of encoded renditions fall exactly on it. */
export const SEGMENT_SECONDS = 2;
/** A source whose keyframes are further apart than this is re-encoded: its segments would be too long. */
export const MAX_COPY_KEYFRAME_GAP_SECONDS = 5;
/**
 * A source above this many bits per pixel per frame is re-encoded rather than streamed as is. A phone
 * records 1080p30 H.264 at about 0.28; the lower renditions serve slow connections either way.
 */
export const MAX_COPY_BITS_PER_PIXEL = 0.3;
/** x264 quality for encoded renditions; the bitrate caps below bound it. */
export const X264_CRF = 23;

export interface Rendition {
  /** Its name in files and derivative roles: the short side, e.g. `720`. */
  name: string;
  width: number;
  height: number;
  /** The source's own video stream, copied (no decoding, no quality loss). */
  copy: boolean;
  /** Bits per second; 0 when copied. */
  maxrate: number;
}

export interface KeyframeStats {
  /** Largest distance between two keyframes (or from the last one to the end), in seconds. */
  maxGapSeconds: number;
  firstIsKeyframe: boolean;
}

const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/** Width and height as shown (a 90° or 270° rotation swaps them; ffmpeg turns decoded frames upright). */
export function displaySize(video: ProbedVideo['video']): { width: number; height: number } {
  return video.rotation === 90 || video.rotation === 270
    ? { width: video.height, height: video.width }
    : { width: video.width, height: video.height };
}

/** Size of a rendition whose short side is `short`, keeping the aspect ratio, both sides even. */
export function scaledSize(
  source: { width: number; height: number },
  short: number,
): { width: number; height: number } {
  if (source.width >= source.height) {
    return { width: even((source.width * short) / source.height), height: even(short) };
  }
  return { width: even(short), height: even((source.height * short) / source.width) };
}

/** Average bits per pixel per frame by rendition height: PeerTube's table, used as a VBV cap. */
export function bitsPerPixel(short: number): number {
  if (short >= 2160) return 0.08;
  if (short >= 1440) return 0.09;
  if (short >= 1080) return 0.1;
  if (short >= 720) return 0.11;
  if (short >= 480) return 0.12;
  if (short >= 360) return 0.15;
  if (short >= 240) return 0.17;
  return 0.19;
}

/** Frame rate used for bitrate budgets: the source's, within 1–60, 30 when unknown. */
export function budgetFps(fps: number): number {
  return fps > 0 ? Math.min(60, Math.max(1, fps)) : 30;
}

/** The VBV cap of an encoded rendition: the table's rate, at most 1.3× the source's, at least 0.02 bpp. */
export function maxrateFor(size: { width: number; height: number }, fps: number, sourceBitRate?: number): number {
  const pixels = size.width * size.height * budgetFps(fps);
  const target = Math.floor(pixels * bitsPerPixel(Math.min(size.width, size.height)));
  const capped = sourceBitRate ? Math.min(target, Math.floor(sourceBitRate * 1.3)) : target;
  return Math.max(Math.floor(pixels * 0.02), capped);
}

/** Whether the source's video stream can be the top rendition as it is. */
export function canCopyVideo(
  probe: ProbedVideo,
  settings: Pick<LadderSettings, 'heights'>,
  keyframes: KeyframeStats | null,
): boolean {
  const { video } = probe;
  const size = displaySize(video);
  const short = Math.min(size.width, size.height);
  const maxBitRate = size.width * size.height * budgetFps(video.fps) * MAX_COPY_BITS_PER_PIXEL;
  return (
    video.codec === 'h264' &&
    video.pixFmt === 'yuv420p' &&
    (video.bitDepth === undefined || video.bitDepth === 8) &&
    // MSE players ignore a rotation in the container; such a video is turned upright by re-encoding.
    video.rotation === 0 &&
    short <= Math.max(...settings.heights) &&
    video.bitRate !== undefined &&
    video.bitRate <= maxBitRate &&
    keyframes?.firstIsKeyframe === true &&
    keyframes.maxGapSeconds <= MAX_COPY_KEYFRAME_GAP_SECONDS
  );
}

/**
 * The renditions, largest first: every configured height below the source's short side, and the source's
 * own size (capped at the largest configured height) on top.
 */
export function planRenditions(
  probe: ProbedVideo,
  settings: Pick<LadderSettings, 'heights'>,
  copyTop: boolean,
): Rendition[] {
  const source = displaySize(probe.video);
  const short = Math.min(source.width, source.height);
  const largest = Math.max(...settings.heights);
  const topShort = Math.min(short, largest);
  const shorts = [...new Set([...settings.heights.filter((h) => h < topShort && h > 0), topShort])].sort(
    (a, b) => b - a,
  );
  return shorts.map((s, i) => {
    const copy = i === 0 && copyTop;
    // A copied stream keeps its exact (possibly odd) size; encoded ones are even for 4:2:0.
    const size = copy
      ? source
      : s === short
        ? { width: even(source.width), height: even(source.height) }
        : scaledSize(source, s);
    const name = String(Math.min(size.width, size.height));
    return { name, ...size, copy, maxrate: copy ? 0 : maxrateFor(size, probe.video.fps, probe.video.bitRate) };
  });
}

export type AudioPlan = 'none' | 'copy' | 'encode';

/** AAC-LC stereo or mono at a common rate is kept; anything else becomes AAC stereo. */
export function planAudio(probe: ProbedVideo): AudioPlan {
  const audio = probe.audio;
  if (!audio) return 'none';
  const lc = audio.profile === undefined || audio.profile === 'LC';
  if (
    audio.codec === 'aac' &&
    lc &&
    audio.channels >= 1 &&
    audio.channels <= 2 &&
    [44100, 48000].includes(audio.sampleRate)
  ) {
    return 'copy';
  }
  return 'encode';
}

export interface LadderCommand {
  args: string[];
  /** File name (inside the output folder) of each rendition's playlist and media, and of the audio's. */
  outputs: { name: string; playlist: string; media: string }[];
  webm: string | null;
}

/** One ffmpeg run: decode once, split, scale each branch from the next larger one, encode, segment. */
export function ladderCommand(options: {
  probe: ProbedVideo;
  demuxer: string;
  input: string;
  outDir: string;
  renditions: Rendition[];
  audio: AudioPlan;
  webm: boolean;
}): LadderCommand {
  const { probe, renditions, audio, outDir } = options;
  const encoded = renditions.filter((r) => !r.copy);
  const copied = renditions.find((r) => r.copy);
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-progress', 'pipe:1', '-nostats', '-y'];
  args.push(
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    options.demuxer,
    '-f',
    options.demuxer,
    '-i',
    options.input,
  );

  // Filter graph, decoded once: the picture feeds the largest encoded rendition, which feeds the next, and so on.
  const webmSize = options.webm
    ? (encoded.find((r) => Math.min(r.width, r.height) <= 720) ?? renditions.at(-1))
    : undefined;
  const chains: string[] = [];
  const source = `[0:${probe.video.index}]`;
  if (encoded.length > 0 || webmSize) {
    chains.push(webmSize ? `${source}split=2[s0][wsrc]` : `${source}null[s0]`);
    // Each rendition is scaled from the next larger one (cheaper than from the source every time).
    encoded.forEach((r, i) => {
      const last = i === encoded.length - 1;
      const scale = `scale=${r.width}:${r.height}:flags=bicubic,format=yuv420p,setsar=1`;
      chains.push(`[s${i}]${scale}${last ? `[v${i}]` : `,split=2[v${i}][s${i + 1}]`}`);
    });
    if (encoded.length === 0) chains.push('[s0]nullsink');
    if (webmSize) chains.push(`[wsrc]scale=${webmSize.width}:${webmSize.height},format=yuv420p,setsar=1[wv]`);
  }
  if (chains.length > 0) args.push('-filter_complex', chains.join(';'));

  // Output streams: renditions largest first, then audio.
  let streamIndex = 0;
  const mapArgs: string[] = [];
  const codecArgs: string[] = [];
  const variants: string[] = [];
  const outputs: LadderCommand['outputs'] = [];
  for (const r of renditions) {
    const i = streamIndex++;
    if (r.copy) {
      mapArgs.push('-map', `0:${probe.video.index}`);
      codecArgs.push(`-c:v:${i}`, 'copy');
    } else {
      mapArgs.push('-map', `[v${encoded.indexOf(r)}]`);
      codecArgs.push(`-c:v:${i}`, 'libx264', `-preset:v:${i}`, 'veryfast', `-crf:v:${i}`, String(X264_CRF));
      codecArgs.push(`-maxrate:v:${i}`, String(r.maxrate), `-bufsize:v:${i}`, String(r.maxrate * 2));
      codecArgs.push(`-profile:v:${i}`, 'high');
    }
    variants.push(`v:${i},name:${r.name}${audio === 'none' ? '' : ',agroup:audio'}`);
    outputs.push({ name: r.name, playlist: `${r.name}.m3u8`, media: `${r.name}.mp4` });
  }
  if (audio !== 'none') {
    mapArgs.push('-map', `0:${probe.audio?.index ?? 'a:0'}`);
    codecArgs.push(
      '-c:a:0',
      ...(audio === 'copy' ? ['copy'] : ['aac', '-b:a:0', '128k', '-ac:a:0', '2', '-ar:a:0', '48000']),
    );
    variants.push('a:0,name:audio,agroup:audio');
    outputs.push({ name: 'audio', playlist: 'audio.m3u8', media: 'audio.mp4' });
  }
  args.push(...mapArgs, ...codecArgs, '-map_metadata', '-1', '-map_chapters', '-1');
  if (encoded.length > 0) {
    // Keyframes only where segments start, the same instants in every rendition, so players switch cleanly:
    // the source's keyframes when its stream is copied, else every SEGMENT_SECONDS.
    const keyframes = copied ? 'source' : `expr:gte(t,n_forced*${SEGMENT_SECONDS})`;
    args.push('-force_key_frames', keyframes, '-forced-idr', '1', '-x264-params', 'keyint=infinite:scenecut=0');
  }
  args.push(
    '-f',
    'hls',
    '-hls_time',
    String(SEGMENT_SECONDS),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_type',
    'fmp4',
    '-hls_flags',
    'single_file+independent_segments',
    '-var_stream_map',
    variants.join(' '),
    '-hls_segment_filename',
    `${outDir}/%v.mp4`,
    `${outDir}/%v.m3u8`,
  );

  let webm: string | null = null;
  if (webmSize) {
    webm = `${outDir}/open.webm`;
    args.push('-map', '[wv]', '-map_metadata', '-1', '-map_chapters', '-1');
    if (audio !== 'none') args.push('-map', `0:${probe.audio?.index ?? 'a:0'}`);
    args.push('-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1');
    args.push('-b:v', String(webmSize.maxrate || maxrateFor(webmSize, probe.video.fps)), '-g', '240');
    if (audio !== 'none') args.push('-c:a', 'libopus', '-b:a', '96k', '-ac', '2', '-ar', '48000');
    args.push('-f', 'webm', webm);
  }
  return { args, outputs, webm };
}
