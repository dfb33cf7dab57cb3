// Keeps the tab's uploads at app level, so that they go on while the user moves between pages.
// When no uploader is on screen, finished and failed uploads are reported as notifications.
import { notifications } from '@mantine/notifications';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useSession } from '../../session.tsx';
import { type UploadItem, UploadManager, type UploadsSnapshot } from './upload-manager.ts';

const UploadsContext = createContext<UploadManager | null>(null);

export function UploadsProvider({ children }: { children: ReactNode }) {
  const [manager] = useState(() => new UploadManager());
  const { state } = useSession();
  const user = state.status === 'ready' ? state.user : undefined;
  const userId = user === undefined ? undefined : (user?.id ?? null);
  const canUpload = user?.role === 'admin' || user?.role === 'author';

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
