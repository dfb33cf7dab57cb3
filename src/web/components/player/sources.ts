// Which address a video plays from, and small rules of the player, as pure functions.
import type { AssetView } from '../../../shared/assets.ts';
import { derivativeUrl, hasDerivative, originalUrl } from '../../assets-api.ts';

export type VideoSource = { kind: 'hls' | 'file'; url: string };

/**
 * The HLS ladder once it is made; before that the fast-path MP4 (playable while the ladder is being
 * made); a ready video without either (no ffmpeg on the server) plays its original as it is.
 */
export function videoSource(asset: AssetView): VideoSource | null {
  if (hasDerivative(asset, 'hls')) return { kind: 'hls', url: derivativeUrl(asset.id, 'hls') };
  if (hasDerivative(asset, 'mp4')) return { kind: 'file', url: derivativeUrl(asset.id, 'mp4') };
  if (asset.state === 'ready') return { kind: 'file', url: originalUrl(asset.id) };
  return null;
}

export const PLAYBACK_SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as const;

/** 65.4 → "1:05", 3725 → "1:02:05". */
export function formatTime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Save the position at most this often while playing (and always on pause, end and leaving). */
export const SAVE_EVERY_SECONDS = 5;

export function shouldSave(lastSaved: number | null, now: number): boolean {
  return lastSaved === null || Math.abs(now - lastSaved) >= SAVE_EVERY_SECONDS;
}

export type PlaybackFailure = 'network' | 'decode' | 'unsupported' | 'other';

/**
 * What went wrong, from the media element's error code (1 aborted, 2 network, 3 decode, 4 source not
 * supported) or hls.js's fatal error type; the same words whichever player met it.
 */
export function playbackFailure(source: { mediaErrorCode?: number; hlsType?: string }): PlaybackFailure {
  if (source.hlsType !== undefined) {
    if (source.hlsType === 'networkError') return 'network';
    if (source.hlsType === 'mediaError') return 'decode';
    return 'other';
  }
  if (source.mediaErrorCode === 2) return 'network';
  if (source.mediaErrorCode === 3) return 'decode';
  if (source.mediaErrorCode === 4) return 'unsupported';
  return 'other';
}

export function playbackErrorMessage(failure: PlaybackFailure, what: 'video' | 'audio' = 'video'): string {
  switch (failure) {
    case 'network':
      return `The ${what} stopped loading. Check your connection and reload the page.`;
    case 'decode':
      return `The ${what} cannot be played: the file is damaged. Download the original, or ask the author to upload it again.`;
    case 'unsupported':
      return `This browser cannot play this ${what}. Download the original instead.`;
    default:
      return `The ${what} cannot be played. Reload the page, or download the original.`;
  }
}
