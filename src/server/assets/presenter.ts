import type { AssetView, AssetViewer } from '../../shared/assets.ts';
import type { AssetRow, DerivativeRow } from './repository.ts';

function viewerFor(asset: AssetRow, roles: Set<string>): AssetViewer {
  // A video on the fast path plays (as MP4) while its ladder is still being made.
  if (asset.state === 'processing' && asset.kind === 'video' && roles.has('mp4')) return 'video';
  if (asset.state !== 'ready') return 'download';
  switch (asset.kind) {
    case 'pdf':
      return 'pdf';
    case 'office':
      return roles.has('pdf') ? 'pdf' : roles.has('html') ? 'html' : 'download';
    case 'image':
      return roles.has('web') ? 'image' : 'download';
    case 'audio':
      return 'audio';
    case 'video':
      return 'video';
    case 'flash':
      return 'flash';
    default:
      return 'download';
  }
}

export function presentAsset(asset: AssetRow, derivatives: DerivativeRow[]): AssetView {
  const own = derivatives.filter((d) => d.asset_id === asset.id);
  return {
    id: asset.id,
    kind: asset.kind,
    originalName: asset.original_name,
    state: asset.state,
    reason: asset.reason,
    progress: asset.progress,
    size: asset.size,
    mime: asset.mime,
    metadata: JSON.parse(asset.metadata) as Record<string, unknown>,
    derivatives: own.map((d) => ({ role: d.role, mime: d.mime, size: d.size })),
    viewer: viewerFor(asset, new Set(own.map((d) => d.role))),
    createdAt: new Date(asset.created_at).toISOString(),
  };
}
