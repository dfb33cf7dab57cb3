// Audio: probe with ffprobe; serve the original when browsers play it as is, else transcode to AAC/M4A.
//
// Untrusted input: ffmpeg may only read local files (`-protocol_whitelist file`) through the audio demuxers
// below (`-format_whitelist`), so a playlist or concat script disguised as audio (HLS, ffconcat…) cannot make
// it open other files on the server. The transcode drops tags (`-map_metadata -1`) and cover art.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ffmpegProgressParser } from '../../media/ffmpeg-progress.ts';
import { DEFAULT_TOOLS, runTool, ToolError, type ToolPaths, toolAvailable } from './run-tool.ts';
import type { Processor, ProcessResult } from './types.ts';

const MAX_SECONDS = 6 * 3600;
const DEMUXERS = 'mp3,mov,ogg,matroska,flac,wav,w64,aiff,asf,aac,caf,au,amr,ac3,eac3,dts,wv,ape,tta,mpc,mpc8,xwma';
const INPUT_OPTIONS = ['-protocol_whitelist', 'file', '-format_whitelist', DEMUXERS];
const WAV_PCM = new Set(['pcm_u8', 'pcm_s16le', 'pcm_s24le', 'pcm_s32le', 'pcm_f32le']);
const NOT_AUDIO = 'The file could not be read as audio; it may be damaged.';
const NEEDS_CONVERSION = 'Playback needs conversion, which is not available on this server — download the file.';

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  channels?: number;
  sample_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}
interface Probe {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; bit_rate?: string };
}

/** Whether every current browser plays this codec in this container without conversion. */
export function browserPlayable(formatName: string, codec: string, detected: { mime: string; ext: string }): boolean {
  const formats = formatName.split(',');
  // ffprobe names WebM and Matroska alike; only WebM is a web format.
  const webm = detected.ext === 'webm' || detected.mime.endsWith('/webm');
  if (codec === 'mp3') return formats.includes('mp3');
  if (codec === 'aac') return formats.includes('mp4') || formats.includes('m4a');
  if (codec === 'opus' || codec === 'vorbis') return formats.includes('ogg') || (formats.includes('webm') && webm);
  if (codec === 'flac') return formats.includes('flac');
  return formats.includes('wav') && WAV_PCM.has(codec);
}

// Used only when ffprobe is missing: trust the detected type.
const PLAYABLE_MIMES = new Set([
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/ogg',
  'audio/opus',
  'audio/webm',
  'audio/flac',
  'audio/x-flac',
  'audio/wav',
  'audio/x-wav',
  'audio/vnd.wave',
]);

const seconds = (value: string | undefined) => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : null;
};

/** A tool running out of time is blamed on the file; abort or a tool that cannot start is rethrown. */
function timedOut(err: unknown): ProcessResult {
  if (err instanceof ToolError && err.kind === 'timeout') {
    return { ok: false, reason: 'Processing the audio took too long and was stopped; the file may be damaged.' };
  }
  throw err;
}

export function createAudioProcessor(tools: Partial<ToolPaths> = {}): Processor {
  const ffprobe = tools.ffprobe ?? DEFAULT_TOOLS.ffprobe;
  const ffmpeg = tools.ffmpeg ?? DEFAULT_TOOLS.ffmpeg;
  return async ({ file, workDir, signal, progress, detected }) => {
    const input = `file:${path.resolve(file)}`; // never read as a URL or a pipe
    if (!toolAvailable(ffprobe)) {
      const playable = PLAYABLE_MIMES.has(detected.mime);
      const metadata = { playable, probed: false };
      return playable
        ? { ok: true, derivatives: [], metadata }
        : { ok: true, derivatives: [], metadata, note: NEEDS_CONVERSION };
    }
    let probe: Probe;
    try {
      const result = await runTool(
        ffprobe,
        ['-v', 'error', ...INPUT_OPTIONS, '-show_format', '-show_streams', '-of', 'json', input],
        { cwd: workDir, timeoutMs: 60_000, signal },
      );
      if (result.code !== 0) return { ok: false, reason: NOT_AUDIO };
      probe = JSON.parse(result.stdout) as Probe;
    } catch (err) {
      if (err instanceof SyntaxError) return { ok: false, reason: NOT_AUDIO };
      return timedOut(err);
    }
    const stream = probe.streams?.find((s) => s.codec_type === 'audio');
    if (!stream) return { ok: false, reason: 'The file has no audio.' };
    const duration = seconds(probe.format?.duration) ?? seconds(stream.duration);
    if (duration !== null && duration > MAX_SECONDS) {
      return { ok: false, reason: 'The recording is longer than 6 hours, the limit for audio.' };
    }
    const codec = stream.codec_name ?? 'unknown';
    const container = probe.format?.format_name ?? 'unknown';
    const playable = browserPlayable(container, codec, detected);
    const metadata: Record<string, unknown> = {
      durationSeconds: duration === null ? null : Math.round(duration * 1000) / 1000,
      codec,
      container,
      channels: stream.channels ?? null,
      sampleRate: Number(stream.sample_rate) || null,
      bitRate: Number(probe.format?.bit_rate) || null,
      playable,
    };
    if (playable) return { ok: true, derivatives: [], metadata };
    if (!toolAvailable(ffmpeg)) return { ok: true, derivatives: [], metadata, note: NEEDS_CONVERSION };

    const out = path.join(workDir, 'audio.m4a');
    const args = ['-nostdin', '-hide_banner', '-v', 'error', ...INPUT_OPTIONS, '-i', input];
    args.push('-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1');
    args.push('-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', '-progress', 'pipe:1', '-nostats', '-y', out);
    const CONVERT_FAILED = 'The audio could not be converted; the file may be damaged.';
    try {
      // AAC encodes at well over 10× real time; allow 2× real time plus start-up.
      const timeoutMs = 120_000 + (duration ?? MAX_SECONDS) * 500;
      const result = await runTool(ffmpeg, args, {
        cwd: workDir,
        timeoutMs,
        signal,
        onStdout: ffmpegProgressParser(duration, progress),
      });
      const size = (await stat(out).catch(() => null))?.size ?? 0;
      if (result.code !== 0 || size === 0) return { ok: false, reason: CONVERT_FAILED };
    } catch (err) {
      return timedOut(err);
    }
    progress?.(100);
    metadata.transcoded = true;
    return { ok: true, derivatives: [{ role: 'audio', path: out, mime: 'audio/mp4' }], metadata };
  };
}

export const processAudio: Processor = createAudioProcessor();
