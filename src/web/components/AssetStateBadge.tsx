// The state of a file on the server as a coloured badge with text ("Processing 42%").
import { Badge } from '@mantine/core';
import type { AssetView } from '../../shared/assets.ts';
import { assetStateLabel } from '../labels.ts';

const COLORS: Record<AssetView['state'], string> = {
  uploading: 'blue',
  processing: 'blue',
  ready: 'green',
  failed: 'red',
  missing: 'gray',
};

export function AssetStateBadge({ asset }: { asset: Pick<AssetView, 'state' | 'progress'> }) {
  return (
    <Badge variant="light" color={COLORS[asset.state]} tt="none" radius="sm">
      {assetStateLabel(asset)}
    </Badge>
  );
}
