// Shared shapes of the file type detector.
import type { AssetKind } from '../../../shared/assets.ts';

export type Detection =
  | { ok: true; kind: AssetKind; mime: string; ext: string; details: Record<string, unknown> }
  | { ok: false; reason: string };

/**
 * What a sniffer found, before it is weighed against the kind the author declared.
 * - `known`: a recognised type. `kinds` are the asset kinds it may be filed as (first = default,
 *   empty = allowed only as `other`). `mimeByKind` overrides the mime when a container is filed as
 *   a non-default kind (an audio-only MP4 is `audio/mp4`). `whyNot` replaces the generic refusal.
 * - `dangerous`: refused whatever was declared (programs, scripts, web pages).
 * - `broken`: a recognised type that is cut off, damaged or hostile (zip bombs); refused everywhere.
 */
export type Sniffed =
  | {
      type: 'known';
      ext: string;
      mime: string;
      label: string;
      kinds: AssetKind[];
      details?: Record<string, unknown>;
      mimeByKind?: Partial<Record<AssetKind, string>>;
      extByKind?: Partial<Record<AssetKind, string>>;
      whyNot?: string;
    }
  | { type: 'dangerous'; label: string; why?: string }
  | { type: 'broken'; reason: string };

export interface ZipLimits {
  /** Refuse when the entries' declared uncompressed sizes add up to more than this. */
  maxTotalUncompressedBytes: number;
  /** Refuse an entry compressed more than this many times… */
  maxEntryRatio: number;
  /** …when it is also bigger than this uncompressed (small, highly compressible parts are normal). */
  ratioMinBytes: number;
  /** Refuse archives with more entries than this. */
  maxEntries: number;
}

const MiB = 1024 * 1024;
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxTotalUncompressedBytes: 500 * MiB,
  maxEntryRatio: 200,
  ratioMinBytes: 10 * MiB,
  maxEntries: 10_000,
};

export const CUT_OFF = 'The file seems to be cut off (incomplete upload or damaged file).';

export function known(
  ext: string,
  mime: string,
  label: string,
  kinds: AssetKind[],
  extra: Partial<Extract<Sniffed, { type: 'known' }>> = {},
): Sniffed {
  return { type: 'known', ext, mime, label, kinds, ...extra };
}
