// Safe video probe: decides whether an uploaded file is a video we are willing to process, and describes it.
//
// Untrusted input, so ffprobe never guesses the format. The container is recognised here from the file's
// magic bytes and ffprobe is forced onto that one demuxer (`-f`, plus `-format_whitelist` with the same name)
// and may only read local files (`-protocol_whitelist file`, input given as `file:<path>`). A playlist,
// concat script or image sequence disguised as video (HLS, ffconcat, image2…) therefore never reaches a
// demuxer that could open other files or addresses: text files fail the magic-byte check, and a binary
// container carrying such text only ever goes through its own demuxer. The probe's answer is checked again
// (format name and input name) before anything in it is trusted.
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTool, ToolError, toolAvailable } from '../assets/processors/run-tool.ts';

export interface VideoLimits {
  maxDurationSeconds: number;
  /** Width and height limits apply to either orientation: 4320×7680 passes the default 7680×4320. */
  maxWidth: number;
  maxHeight: number;
  maxStreams: number;
}

export const DEFAULT_VIDEO_LIMITS: VideoLimits = {
  maxDurationSeconds: 4 * 3600,
  maxWidth: 7680,
  maxHeight: 4320,
  maxStreams: 16,
};

export interface VideoStreamInfo {
  /** The stream's index in the file, for `-map 0:<index>`. */
  index: number;
  codec: string;
  width: number;
  height: number;
  pixFmt: string;
  fps: number;
  /** Clockwise degrees to turn the picture for display: 0, 90, 180 or 270. */
  rotation: number;
  bitDepth?: number;
  profile?: string;
  /** H.264 level × 10 (40 = level 4.0), when the stream says. */
  level?: number;
  /** Bits per second of the video stream, or of the whole file less its audio when the stream does not say. */
  bitRate?: number;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  /** e.g. `LC` for AAC. */
  profile?: string;
  channels: number;
  sampleRate: number;
}

export type VideoProbe =
  | {
      ok: true;
      container: string;
      durationSeconds: number;
      video: VideoStreamInfo;
      audio: AudioStreamInfo | null;
      /** H.264 8-bit yuv420p ≤ 1920×1080 (either orientation) in MP4/MOV with AAC or no audio. */
      fastPath: boolean;
    }
  | { ok: false; reason: string };

export interface ProbeVideoOptions {
  signal: AbortSignal;
  limits?: Partial<VideoLimits>;
  /** Command name or path of ffprobe; default `ffprobe`. */
  ffprobe?: string;
}

/** Containers recognised from magic bytes, with the ffmpeg demuxer forced for each. */
export type ContainerKind = 'mp4' | 'mov' | 'webm' | 'matroska' | 'avi' | 'ogg' | 'mpegts' | 'flv' | 'mpeg' | 'mp3';

const DEMUXER: Record<ContainerKind, string> = {
  mp4: 'mov',
  mov: 'mov',
  webm: 'matroska',
  matroska: 'matroska',
  avi: 'avi',
  ogg: 'ogg',
  mpegts: 'mpegts',
  flv: 'flv',
  mpeg: 'mpeg',
  // Audio that may carry cover art: probed so the answer is "no video stream" rather than "not a video".
  mp3: 'mp3',
};

/** The `format_name` ffprobe reports for each demuxer; anything else means the probe did not do what we asked. */
const FORMAT_NAME: Record<string, string> = {
  mov: 'mov,mp4,m4a,3gp,3g2,mj2',
  matroska: 'matroska,webm',
  avi: 'avi',
  ogg: 'ogg',
  mpegts: 'mpegts',
  flv: 'flv',
  mpeg: 'mpeg',
  mp3: 'mp3',
};

const SUSPICIOUS_FORMATS = ['hls', 'applehttp', 'concat', 'image2', 'image2pipe', 'dash', 'tee', 'data', 'lavfi'];

const NOT_VIDEO = 'not a video';
const NO_VIDEO = 'no video stream';
const UNREADABLE = 'the video could not be read';
const TIMEOUT_MS = 60_000;
const SNIFF_BYTES = 4096;
// Top-level atoms an old QuickTime file may start with instead of `ftyp`.
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

/** Whether `bytes` has MPEG-TS sync bytes (0x47) every `packet` bytes from `offset`, at least 3 times. */
function tsSync(bytes: Uint8Array, offset: number, packet: number): boolean {
  let seen = 0;
  for (let at = offset; at < bytes.length && seen < 5; at += packet) {
    if (bytes[at] !== 0x47) return false;
    seen += 1;
  }
  return seen >= 3;
}

/** The container named by a file's first bytes, or null when it is none of the allowed ones. */
export function sniffContainer(bytes: Uint8Array): ContainerKind | null {
  const tag = (at: number, text: string) => ascii(bytes, at, at + text.length) === text;
  if (bytes.length >= 12 && tag(4, 'ftyp')) return tag(8, 'qt  ') ? 'mov' : 'mp4';
  if (bytes.length >= 8 && QUICKTIME_ATOMS.has(ascii(bytes, 4, 8))) return 'mov';
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    // The EBML header names its DocType near the start.
    return ascii(bytes, 4, 64).includes('webm') ? 'webm' : 'matroska';
  }
  if (bytes.length >= 12 && tag(0, 'RIFF') && tag(8, 'AVI ')) return 'avi';
  if (tag(0, 'OggS')) return 'ogg';
  if (tag(0, 'FLV') && bytes[3] === 1) return 'flv';
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 1 && bytes[3] === 0xba) return 'mpeg';
  if (tsSync(bytes, 0, 188) || tsSync(bytes, 4, 192)) return 'mpegts';
  if (tag(0, 'ID3')) return 'mp3';
  return null;
}

interface ProbeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  level?: number;
  bit_rate?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  bits_per_raw_sample?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  channels?: number;
  sample_rate?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number | string }[];
}
interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { filename?: string; format_name?: string; nb_streams?: number; duration?: string; bit_rate?: string };
}

const positive = (value: string | number | undefined): number | null => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? n : null;
};

/** "30000/1001" → 29.97…; "0/0" or junk → null. */
function rate(value: string | undefined): number | null {
  if (!value) return null;
  const [num, den = '1'] = value.split('/');
  const n = Number(num) / Number(den);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function rotationOf(stream: ProbeStream): number {
  let degrees = 0;
  const matrix = stream.side_data_list?.find((d) => d.side_data_type === 'Display Matrix' && d.rotation !== undefined);
  // The display matrix angle is counter-clockwise; the legacy `rotate` tag is clockwise.
  if (matrix) degrees = -Number(matrix.rotation);
  else if (stream.tags?.rotate !== undefined) degrees = Number(stream.tags.rotate);
  if (!Number.isFinite(degrees)) return 0;
  const normalised = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return normalised;
}

function bitDepthOf(stream: ProbeStream): number | undefined {
  const raw = positive(stream.bits_per_raw_sample);
  if (raw !== null) return raw;
  const fmt = stream.pix_fmt ?? '';
  const match = /p(\d{1,2})(?:le|be)$/.exec(fmt);
  if (match) return Number(match[1]);
  return /^(yuvj?4[0-4][0-4]p|nv12|nv21|yuv410p|yuv411p)$/.test(fmt) ? 8 : undefined;
}

/** 14400 → "4 h", 5400 → "1.5 h", 90 → "1.5 min", 1 → "1 s". */
export function formatDuration(seconds: number): string {
  const round = (n: number) => String(Math.round(n * 10) / 10);
  if (seconds >= 3600) return `${round(seconds / 3600)} h`;
  if (seconds >= 60) return `${round(seconds / 60)} min`;
  return `${round(seconds)} s`;
}

const aborted = () => new ToolError('ffprobe', 'aborted', 'ffprobe was not started because the job was cancelled.');

async function readHead(file: string): Promise<Uint8Array | null> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    if (!(await handle.stat()).isFile()) return null;
    const buffer = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/**
 * Probes an untrusted file as video. Resolves `{ ok: false, reason }` for anything we refuse (a short phrase
 * fit to show the uploader); rejects only on abort (ToolError 'aborted') or when ffprobe is missing or cannot
 * start (ToolError 'missing' / 'failed').
 */
export async function probeVideo(file: string, options: ProbeVideoOptions): Promise<VideoProbe> {
  const { signal } = options;
  const limits: VideoLimits = { ...DEFAULT_VIDEO_LIMITS, ...options.limits };
  const ffprobe = options.ffprobe ?? 'ffprobe';
  if (signal.aborted) throw aborted();
  if (!toolAvailable(ffprobe)) throw new ToolError('ffprobe', 'missing', 'ffprobe is not installed on this server.');

  const absolute = path.resolve(file);
  const head = await readHead(absolute);
  if (signal.aborted) throw aborted();
  const kind = head && sniffContainer(head);
  if (!kind) return { ok: false, reason: NOT_VIDEO };
  const demuxer = DEMUXER[kind];
  const input = `file:${absolute}`; // never read as a URL or a pipe

  let probe: ProbeOutput;
  try {
    const result = await runTool(
      ffprobe,
      [
        '-v',
        'error',
        '-protocol_whitelist',
        'file',
        '-format_whitelist',
        demuxer,
        '-f',
        demuxer,
        '-show_format',
        '-show_streams',
        '-of',
        'json',
        input,
      ],
      // Normal priority: a short read of the header that the author waits on (the time limit still holds).
      { cwd: tmpdir(), timeoutMs: TIMEOUT_MS, signal, niceness: 0 },
    );
    if (result.code !== 0) return { ok: false, reason: UNREADABLE };
    probe = JSON.parse(result.stdout) as ProbeOutput;
  } catch (err) {
    if (err instanceof SyntaxError) return { ok: false, reason: UNREADABLE };
    if (err instanceof ToolError && err.kind === 'timeout')
      return { ok: false, reason: 'probing the video took too long' };
    throw err;
  }

  // Trust nothing the probe says until it is the probe we asked for, of the file we gave.
  const formatName = probe.format?.format_name ?? '';
  if (SUSPICIOUS_FORMATS.some((name) => formatName.split(',').includes(name))) return { ok: false, reason: NOT_VIDEO };
  if (formatName !== FORMAT_NAME[demuxer]) return { ok: false, reason: NOT_VIDEO };
  if (probe.format?.filename !== undefined && probe.format.filename !== input) return { ok: false, reason: NOT_VIDEO };

  const streams = probe.streams ?? [];
  const streamCount = Math.max(streams.length, probe.format?.nb_streams ?? 0);
  if (streamCount > limits.maxStreams) return { ok: false, reason: `too many streams (${streamCount})` };

  // Cover art (an MP3's or M4A's picture) is a "video" stream of one frame, not a video.
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!video) return { ok: false, reason: NO_VIDEO };
  const width = positive(video.width);
  const height = positive(video.height);
  if (width === null || height === null) return { ok: false, reason: UNREADABLE };
  const [long, short] = width >= height ? [width, height] : [height, width];
  if (long > Math.max(limits.maxWidth, limits.maxHeight) || short > Math.min(limits.maxWidth, limits.maxHeight)) {
    return { ok: false, reason: `the video is larger than ${limits.maxWidth}×${limits.maxHeight}` };
  }

  const duration = positive(probe.format?.duration) ?? positive(video.duration);
  if (duration === null) return { ok: false, reason: 'unknown duration' };
  if (duration > limits.maxDurationSeconds) {
    return { ok: false, reason: `longer than ${formatDuration(limits.maxDurationSeconds)}` };
  }

  const audioStreams = streams.filter((s) => s.codec_type === 'audio');
  const firstAudio = audioStreams[0];
  const audio: AudioStreamInfo | null = firstAudio
    ? {
        index: firstAudio.index ?? 0,
        codec: firstAudio.codec_name ?? 'unknown',
        channels: firstAudio.channels ?? 0,
        sampleRate: positive(firstAudio.sample_rate) ?? 0,
      }
    : null;
  if (audio && firstAudio?.profile) audio.profile = firstAudio.profile;

  const bitDepth = bitDepthOf(video);
  const info: VideoStreamInfo = {
    index: video.index ?? 0,
    codec: video.codec_name ?? 'unknown',
    width,
    height,
    pixFmt: video.pix_fmt ?? 'unknown',
    fps: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate) ?? 0,
    rotation: rotationOf(video),
  };
  if (bitDepth !== undefined) info.bitDepth = bitDepth;
  if (video.profile) info.profile = video.profile;
  const level = positive(video.level);
  if (level !== null) info.level = level;
  const audioBitRate = audioStreams.reduce((sum, s) => sum + (positive(s.bit_rate) ?? 0), 0);
  const formatBitRate = positive(probe.format?.bit_rate);
  const bitRate = positive(video.bit_rate) ?? (formatBitRate === null ? null : positive(formatBitRate - audioBitRate));
  if (bitRate !== null) info.bitRate = bitRate;

  const fastPath =
    (kind === 'mp4' || kind === 'mov') &&
    info.codec === 'h264' &&
    info.pixFmt === 'yuv420p' &&
    (bitDepth === undefined || bitDepth === 8) &&
    long <= 1920 &&
    short <= 1080 &&
    audioStreams.every((s) => s.codec_name === 'aac');

  return {
    ok: true,
    container: kind,
    durationSeconds: Math.round(duration * 1000) / 1000,
    video: info,
    audio,
    fastPath,
  };
}
