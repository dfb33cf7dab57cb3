// Keeps the tab's uploads at app level, so that they go on while the user moves between pages.
// When no uploader is on screen, finished and failed uploads are reported as notifications.
import { notifications } from '@mantine/notifications';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AssetView } from '../../../shared/assets.ts';
import { assetsApi } from '../../assets-api.ts';
import { getLiveStatus, subscribeLiveEvents, subscribeLiveStatus } from '../../live.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { useSession } from '../../session.tsx';
import type { LiveAssets } from './asset-watcher.ts';
import { tusTransport } from './tus-transport.ts';
import { type UploadItem, UploadManager, type UploadsSnapshot } from './upload-manager.ts';

/** The tab's event stream, as far as assets go. */
const liveAssets: LiveAssets = {
  subscribe: (listener) =>
    subscribeLiveEvents((event) => {
      if (event.type === 'asset') listener(event.data);
    }),
  subscribeStatus: subscribeLiveStatus,
  paused: () => getLiveStatus() === 'paused',
};

const UploadsContext = createContext<UploadManager | null>(null);

export function UploadsProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  // The files' states go through the query cache: one request per file at a time, the cache's
  // retry rules, and the latest state under queryKeys.asset(id) for any page that shows it.
  const [manager] = useState(
    () =>
      new UploadManager({
        transport: tusTransport,
        live: liveAssets,
        fetchAsset: (id) =>
          client.fetchQuery({ queryKey: queryKeys.asset(id), queryFn: async () => (await assetsApi.get(id)).asset }),
      }),
  );
  useEffect(
    () =>
      manager.onEvent((event) => {
        if (event.type === 'asset') client.setQueryData<AssetView>(queryKeys.asset(event.asset.id), event.asset);
      }),
    [manager, client],
  );
  const { state } = useSession();
  const user = state.status === 'ready' ? state.user : undefined;
  const userId = user === undefined ? undefined : (user?.id ?? null);
  const canUpload = user?.role === 'admin' || user?.role === 'author';

  // Uploads waiting for the network try again as soon as the browser is online.
  useEffect(() => {
    const online = () => manager.reconnectNow();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [manager]);

  // Another user (or nobody) signed in: this tab's uploads stop (they stay resumable).
  useEffect(() => {
    if (userId !== undefined) manager.setUser(userId, canUpload);
  }, [manager, userId, canUpload]);

  useEffect(
    () =>
      manager.onEvent((event) => {
        if (manager.viewers > 0) return;
        if (event.type === 'uploaded') {
          notifications.show({ color: 'green', message: `${event.item.name} uploaded.` });
        } else if (event.type === 'failed') {
          notifications.show({ color: 'red', title: `${event.item.name} failed`, message: event.reason });
        }
      }),
    [manager],
  );

  return <UploadsContext value={manager}>{children}</UploadsContext>;
}

export function useUploadManager(): UploadManager {
  const manager = useContext(UploadsContext);
  if (!manager) throw new Error('useUploadManager must be used inside <UploadsProvider>');
  return manager;
}

/** The uploads of one uploader (its `scope`), the unfinished ones from earlier visits, and the announcement. */
export function useUploads(scope: string): UploadsSnapshot & { scoped: readonly UploadItem[] } {
  const manager = useUploadManager();
  const snapshot = useSyncExternalStore(manager.subscribe, manager.getSnapshot);
  const scoped = useMemo(() => snapshot.items.filter((item) => item.scope === scope), [snapshot.items, scope]);
  return { ...snapshot, scoped };
}
