// HLS playlists as Lectern serves them. Every file of the ladder is a derivative of the asset, served at
// /api/assets/:id/derivatives/:role; playlists name the files they refer to by role, so the browser
// resolves them relative to the playlist's own address and no playlist is rewritten per request.
import { open } from 'node:fs/promises';

/** Derivative roles of the ladder. */
export const HLS_ROLES = {
  master: 'hls',
  playlist: (name: string) => `hls-${name}`,
  media: (name: string) => `hls-${name}-data`,
} as const;

export const PLAYLIST_MIME = 'application/vnd.apple.mpegurl';

export interface MediaPlaylistStats {
  /** Sum of segment durations, seconds. */
  durationSeconds: number;
  segments: number;
  /** Highest bitrate of any one segment, bits per second. */
  peakBitRate: number;
  averageBitRate: number;
  /** Offset and length of the initialization section (EXT-X-MAP BYTERANGE). */
  init: { offset: number; length: number } | null;
}

/** Reads durations and byte ranges of a single-file fMP4 media playlist as ffmpeg writes it. */
export function mediaPlaylistStats(text: string): MediaPlaylistStats {
  let duration = 0;
  let bytes = 0;
  let peak = 0;
  let segments = 0;
  let pendingDuration: number | null = null;
  let init: MediaPlaylistStats['init'] = null;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const map = /^#EXT-X-MAP:.*BYTERANGE="(\d+)@(\d+)"/.exec(line);
    if (map) init = { length: Number(map[1]), offset: Number(map[2]) };
    const inf = /^#EXTINF:([\d.]+)/.exec(line);
    if (inf) pendingDuration = Number(inf[1]);
    const range = /^#EXT-X-BYTERANGE:(\d+)/.exec(line);
    if (range && pendingDuration !== null) {
      const length = Number(range[1]);
      segments += 1;
      duration += pendingDuration;
      bytes += length;
      if (pendingDuration > 0) peak = Math.max(peak, (length * 8) / pendingDuration);
      pendingDuration = null;
    }
  }
  return {
    durationSeconds: duration,
    segments,
    peakBitRate: Math.ceil(peak),
    averageBitRate: duration > 0 ? Math.ceil((bytes * 8) / duration) : 0,
    init,
  };
}

/** A media playlist with its media file named by `role` instead of ffmpeg's file name. */
export function rewriteMediaPlaylist(text: string, fileName: string, role: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.trim() === fileName) return role;
      if (line.startsWith('#EXT-X-MAP:')) return line.replace(`URI="${fileName}"`, `URI="${role}"`);
      return line;
    })
    .join('\n');
}

/** `avc1.PPCCLL` from an MP4 initialization section's avcC box (profile, constraints, level). */
export function avcCodecString(init: Uint8Array): string | null {
  for (let at = 0; at + 8 <= init.length; at++) {
    if (init[at] === 0x61 && init[at + 1] === 0x76 && init[at + 2] === 0x63 && init[at + 3] === 0x43) {
      // 'avcC' then configurationVersion (1), AVCProfileIndication, profile_compatibility, AVCLevelIndication.
      const hex = (n: number | undefined) => (n ?? 0).toString(16).padStart(2, '0').toUpperCase();
      if (init[at + 4] !== 1) return null;
      return `avc1.${hex(init[at + 5])}${hex(init[at + 6])}${hex(init[at + 7])}`;
    }
  }
  return null;
}

/** `mp4a.40.N` from an AAC initialization section (the audio object type in its esds descriptor). */
export function aacCodecString(init: Uint8Array): string {
  // DecoderSpecificInfo tag 0x05, a length (1–4 bytes with continuation bits), then 5 bits of object type.
  for (let at = 0; at + 4 <= init.length; at++) {
    if (init[at] === 0x65 && init[at + 1] === 0x73 && init[at + 2] === 0x64 && init[at + 3] === 0x73) {
      for (let k = at + 4; k + 2 < init.length && k < at + 80; k++) {
        if (init[k] !== 0x05) continue;
        let p = k + 1;
        while (p < init.length && ((init[p] ?? 0) & 0x80) !== 0) p++;
        const objectType = (init[p + 1] ?? 0) >> 3;
        if (objectType > 0 && objectType < 31) return `mp4a.40.${objectType}`;
      }
    }
  }
  return 'mp4a.40.2';
}

export async function readRange(file: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export interface MasterVariant {
  role: string;
  width: number;
  height: number;
  fps: number;
  codec: string;
  peakBitRate: number;
  averageBitRate: number;
}

/** The master playlist: one variant per rendition, sharing one audio rendition when there is sound. */
export function masterPlaylist(
  variants: MasterVariant[],
  audio: { role: string; codec: string; peakBitRate: number; averageBitRate: number } | null,
): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  if (audio) {
    lines.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Sound",DEFAULT=YES,AUTOSELECT=YES,URI="${audio.role}"`);
  }
  for (const v of variants) {
    const codecs = audio ? `${v.codec},${audio.codec}` : v.codec;
    const attributes = [
      `BANDWIDTH=${v.peakBitRate + (audio?.peakBitRate ?? 0)}`,
      `AVERAGE-BANDWIDTH=${v.averageBitRate + (audio?.averageBitRate ?? 0)}`,
      `RESOLUTION=${v.width}x${v.height}`,
      ...(v.fps > 0 ? [`FRAME-RATE=${v.fps.toFixed(3)}`] : []),
      `CODECS="${codecs}"`,
      ...(audio ? ['AUDIO="audio"'] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, v.role);
  }
  return `${lines.join('\n')}\n`;
}

/** Whether an MP4/MOV file has its index (moov) before its media data, i.e. plays while downloading. */
export async function moovBeforeMdat(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const header = Buffer.alloc(16);
    let at = 0;
    for (let boxes = 0; boxes < 64 && at + 8 <= size; boxes++) {
      const { bytesRead } = await handle.read(header, 0, 16, at);
      if (bytesRead < 8) return false;
      const type = header.toString('latin1', 4, 8);
      if (type === 'moov') return true;
      if (type === 'mdat') return false;
      let length = header.readUInt32BE(0);
      if (length === 1) {
        if (bytesRead < 16) return false;
        length = Number(header.readBigUInt64BE(8));
      } else if (length === 0) {
        return false;
      }
      if (length < 8) return false;
      at += length;
    }
    return false;
  } finally {
    await handle.close();
  }
}
