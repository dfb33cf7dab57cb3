// File assets as the browser sees them, and the rules both sides share.
import { z } from 'zod';

export const ASSET_KINDS = ['video', 'audio', 'image', 'pdf', 'office', 'flash', 'captions', 'other'] as const;
export const assetKindSchema = z.enum(ASSET_KINDS);
export type AssetKind = z.infer<typeof assetKindSchema>;

export const ASSET_STATES = ['uploading', 'processing', 'ready', 'failed', 'missing'] as const;
export type AssetState = (typeof ASSET_STATES)[number];

const MiB = 1024 * 1024;
/** Default size limits per kind; the server's configuration may change them. */
export const DEFAULT_SIZE_LIMITS: Record<AssetKind, number> = {
  video: 4 * 1024 * MiB,
  audio: 200 * MiB,
  image: 200 * MiB,
  pdf: 200 * MiB,
  office: 200 * MiB,
  flash: 200 * MiB,
  captions: 200 * MiB,
  other: 200 * MiB,
};

/** The kind a file probably is, from its name: only a hint for the upload; the server checks the bytes. */
export function kindFromFileName(name: string): AssetKind {
  const ext = name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  if (['mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'ogv', 'mpg', 'mpeg', 'ts', 'flv', 'wmv', '3gp'].includes(ext)) return 'video';
  if (['mp3', 'm4a', 'aac', 'wav', 'ogg', 'oga', 'opus', 'flac', 'wma', 'aiff'].includes(ext)) return 'audio';
  if (['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'svg', 'bmp', 'tif', 'tiff', 'heic'].includes(ext)) return 'image';
  if (ext === 'pdf') return 'pdf';
  if (['doc', 'docx', 'ppt', 'pptx', 'xls', 'xlsx', 'odt', 'odp', 'ods'].includes(ext)) return 'office';
  if (ext === 'swf') return 'flash';
  if (['srt', 'vtt'].includes(ext)) return 'captions';
  return 'other';
}

/** How the browser shows a ready asset. */
export const ASSET_VIEWERS = ['pdf', 'html', 'image', 'audio', 'video', 'flash', 'download'] as const;
export type AssetViewer = (typeof ASSET_VIEWERS)[number];

export const assetDerivativeViewSchema = z.object({
  /** e.g. `web`, `thumbnail`, `pdf`, `html`, `audio`, `vtt`. */
  role: z.string(),
  mime: z.string(),
  size: z.number(),
});
export type AssetDerivativeView = z.infer<typeof assetDerivativeViewSchema>;

/** An asset as the server sends it (in answers and in live `asset` events). */
export const assetViewSchema = z.object({
  id: z.string(),
  kind: assetKindSchema,
  originalName: z.string(),
  state: z.enum(ASSET_STATES),
  /** Why it failed, in plain words; or a note such as "Preview unavailable — download". */
  reason: z.string().nullable(),
  /** Processing progress 0–100 while processing. */
  progress: z.number().nullable(),
  size: z.number(),
  /** The detected type, once known. */
  mime: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  derivatives: z.array(assetDerivativeViewSchema),
  viewer: z.enum(ASSET_VIEWERS),
  createdAt: z.string(),
});
export type AssetView = z.infer<typeof assetViewSchema>;

export const assetsResponseSchema = z.object({ assets: z.array(assetViewSchema) });
export const assetResponseSchema = z.object({ asset: assetViewSchema });
