// The file asset endpoints (list, view, delete, storage usage) and the addresses of an asset's bytes.
import type { z } from 'zod';
import type { AssetView, assetResponseSchema, assetsResponseSchema } from '../shared/assets.ts';
import { myStorageUsageResponseSchema, usersStorageUsageResponseSchema } from '../shared/quotas.ts';
import { request } from './api.ts';

const base = (id: string) => `/api/assets/${encodeURIComponent(id)}`;

export const assetsApi = {
  list: () => request<z.infer<typeof assetsResponseSchema>>('GET', '/api/assets'),
  get: (id: string) => request<z.infer<typeof assetResponseSchema>>('GET', base(id)),
  remove: (id: string) => request<void>('DELETE', base(id)),
  /** What the signed-in author's files and uploads take, and their quotas. */
  usage: async () => myStorageUsageResponseSchema.parse(await request<unknown>('GET', '/api/assets/usage')),
  /** Every user's files and uploads (administrators). */
  usersUsage: async () =>
    usersStorageUsageResponseSchema.parse(await request<unknown>('GET', '/api/admin/storage-usage')),
};

/** The uploaded file itself (always sent as a download, under its original name). */
export function originalUrl(id: string): string {
  return `${base(id)}/original`;
}

/** A file made from the original, e.g. `pdf`, `html`, `web`, `audio`, `vtt`. */
export function derivativeUrl(id: string, role: string): string {
  return `${base(id)}/derivatives/${encodeURIComponent(role)}`;
}

export function hasDerivative(asset: AssetView, role: string): boolean {
  return asset.derivatives.some((d) => d.role === role);
}

/** The original can be downloaded once the server has checked it (its type is then known). */
export function canDownload(asset: AssetView): boolean {
  return asset.mime !== null && (asset.state === 'ready' || asset.state === 'processing');
}

/** States that no longer change by themselves. */
export function isSettled(asset: AssetView): boolean {
  return asset.state === 'ready' || asset.state === 'failed' || asset.state === 'missing';
}

const STATE_RANK: Record<AssetView['state'], number> = { uploading: 0, processing: 1, ready: 2, failed: 2, missing: 2 };

/**
 * Of two descriptions of the same asset, the one further along. A fetched answer may have left
 * the server before a live event that arrived first; it must not take the newer state back.
 */
export function furtherAlong(current: AssetView | null | undefined, incoming: AssetView): AssetView {
  if (!current) return incoming;
  const before = STATE_RANK[current.state];
  const after = STATE_RANK[incoming.state];
  if (after !== before) return after > before ? incoming : current;
  if (incoming.state === 'processing' && (incoming.progress ?? 0) < (current.progress ?? 0)) return current;
  return incoming;
}
