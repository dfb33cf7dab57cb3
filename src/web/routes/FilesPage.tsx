// "My files": the uploader, then every file of the user with its state (TanStack Query, kept
// current by live events, polling while those are paused), with download and delete.
import { Alert, Anchor, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { AssetView } from '../../shared/assets.ts';
import { assetsApi, canDownload, furtherAlong, originalUrl } from '../assets-api.ts';
import { AssetStateBadge } from '../components/AssetStateBadge.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { Uploader } from '../components/uploads/Uploader.tsx';
import { useUploadManager } from '../components/uploads/UploadsProvider.tsx';
import { errorMessage } from '../forms.ts';
import { formatBytes } from '../format.ts';
import { ASSET_KIND_LABELS } from '../labels.ts';
import { queryKeys } from '../server-state/keys.ts';
import { useLiveQuery } from '../server-state/live-query.ts';
import { TableScroller } from '../components/TableScroller.tsx';
import { Loading } from '../components/Loading.tsx';

/** How often the list reloads while live updates are paused. */
const POLL_MS = 5_000;
const REFRESH_MIN_INTERVAL_MS = 1_000;

function newestFirst(a: AssetView, b: AssetView): number {
  return b.createdAt.localeCompare(a.createdAt);
}

/** Adds or replaces one asset in the list. */
function upsert(list: AssetView[], asset: AssetView): AssetView[] {
  const index = list.findIndex((a) => a.id === asset.id);
  if (index === -1) return [asset, ...list].sort(newestFirst);
  const next = [...list];
  next[index] = asset;
  return next;
}

export function FilesPage() {
  const manager = useUploadManager();
  const [toDelete, setToDelete] = useState<AssetView | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const tableHeading = useRef<HTMLHeadingElement>(null);
  /** Deleted here: late live events must not bring them back. */
  const deleted = useRef(new Set<string>());

  const client = useQueryClient();
  const files = useLiveQuery<AssetView[]>({
    queryKey: queryKeys.myFiles,
    queryFn: async () => {
      const answer = await assetsApi.list();
      // A live event may already have brought a newer state than this answer.
      const known = new Map(client.getQueryData<AssetView[]>(queryKeys.myFiles)?.map((a) => [a.id, a]));
      return answer.assets
        .filter((a) => !deleted.current.has(a.id))
        .map((a) => furtherAlong(known.get(a.id), a))
        .sort(newestFirst);
    },
    pollMs: POLL_MS,
    reloadMinIntervalMs: REFRESH_MIN_INTERVAL_MS,
    onEvent: (event, { patch }) => {
      if (event.type === 'asset' && !deleted.current.has(event.data.id)) patch((list) => upsert(list, event.data));
    },
  });
  const assets = files.data ?? null;
  const loadError = files.error ? errorMessage(files.error) : null;
  const refresh = files.reload;
  const paused = files.liveStatus === 'paused';

  const applyAsset = useCallback(
    (asset: AssetView) => {
      if (deleted.current.has(asset.id)) return;
      client.setQueryData<AssetView[]>(queryKeys.myFiles, (list) => (list ? upsert(list, asset) : list));
    },
    [client],
  );

  const removeAsset = useCallback(
    (id: string) => {
      deleted.current.add(id);
      client.setQueryData<AssetView[]>(queryKeys.myFiles, (list) => (list ? list.filter((a) => a.id !== id) : list));
    },
    [client],
  );

  function closeDeleteDialog() {
    if (deleting) return;
    setToDelete(null);
    setDeleteError(null);
  }

  async function confirmDelete() {
    if (!toDelete || deleting) return;
    setDeleting(true);
    setDeleteError(null);
    try {
      await assetsApi.remove(toDelete.id);
      manager.forgetAsset(toDelete.id);
      removeAsset(toDelete.id);
      notifications.show({ color: 'green', message: `${toDelete.originalName} was deleted.` });
      setToDelete(null);
      // Its row is gone: keep keyboard focus in the section.
      requestAnimationFrame(() => tableHeading.current?.focus());
    } catch (error) {
      setDeleteError(errorMessage(error));
    } finally {
      setDeleting(false);
    }
  }

  return (
    <Stack gap="xl">
      <PageTitle>My files</PageTitle>
      <Uploader
        onAssetCreated={() => refresh()}
        onAssetUploaded={() => refresh()}
        onAssetChanged={applyAsset}
        onAssetRemoved={removeAsset}
      />

      <section aria-labelledby="files-heading">
        <Title order={2} size="h3" id="files-heading" mb="md" ref={tableHeading} tabIndex={-1}>
          Your files
        </Title>
        {paused && (
          <Text size="sm" c="dimmed" mb="sm">
            Live updates paused. The list refreshes every 5 seconds.
          </Text>
        )}
        {loadError && !assets && (
          <Alert color="red" variant="light" title="Could not load your files">
            <Text mb="sm">{loadError}</Text>
            <Button size="xs" onClick={refresh}>
              Try again
            </Button>
          </Alert>
        )}
        {loadError && assets && (
          <Text size="sm" c="dimmed" mb="sm">
            Could not refresh ({loadError}). The list below may be out of date.
          </Text>
        )}
        {!assets && !loadError && <Loading>Loading files…</Loading>}
        {assets &&
          (assets.length === 0 ? (
            <Text>You have not uploaded any files yet.</Text>
          ) : (
            <FilesTable assets={assets} onDelete={(asset) => setToDelete(asset)} />
          ))}
      </section>

      <Modal.Root opened={toDelete !== null} onClose={closeDeleteDialog} transitionProps={{ duration: 0 }}>
        <Modal.Overlay />
        <Modal.Content>
          {/* role none: a <header> directly in the dialog would count as a second page banner. */}
          <Modal.Header role="none">
            <Modal.Title>{toDelete ? `Delete ${toDelete.originalName}?` : 'Delete file?'}</Modal.Title>
            <Modal.CloseButton aria-label="Close" />
          </Modal.Header>
          <Modal.Body>
            <Stack>
              <Text>The file and its previews are removed for good. Courses that use it will no longer show it.</Text>
              {deleteError && (
                <Text c="red.9" role="alert">
                  {deleteError}
                </Text>
              )}
              <Group justify="flex-end">
                <Button variant="default" onClick={closeDeleteDialog} disabled={deleting} data-autofocus>
                  Keep the file
                </Button>
                <Button color="red.8" aria-busy={deleting || undefined} onClick={() => void confirmDelete()}>
                  Delete
                </Button>
              </Group>
            </Stack>
          </Modal.Body>
        </Modal.Content>
      </Modal.Root>
    </Stack>
  );
}

/** Why a file failed, or what to know about a ready one. */
function assetNote(asset: AssetView): string | null {
  if (asset.state === 'failed') return asset.reason ?? 'The file could not be processed.';
  if (asset.state === 'missing') return asset.reason ?? 'The stored file is missing.';
  return asset.reason;
}

function FilesTable({ assets, onDelete }: { assets: AssetView[]; onDelete: (asset: AssetView) => void }) {
  return (
    <TableScroller minWidth={760} label="Your files (scrolls sideways)">
      <Table striped highlightOnHover verticalSpacing="sm" aria-labelledby="files-heading">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Kind</Table.Th>
            <Table.Th scope="col" ta="right">
              Size
            </Table.Th>
            <Table.Th scope="col">State</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {assets.map((asset) => {
            const note = assetNote(asset);
            return (
              <Table.Tr key={asset.id}>
                <Table.Th scope="row" fw={500} className="file-name">
                  <Anchor component={Link} to={`/files/${asset.id}`}>
                    {asset.originalName}
                  </Anchor>
                </Table.Th>
                <Table.Td>{ASSET_KIND_LABELS[asset.kind]}</Table.Td>
                <Table.Td ta="right" className="nowrap">
                  {formatBytes(asset.size)}
                </Table.Td>
                <Table.Td>
                  <AssetStateBadge asset={asset} />
                  {note && (
                    <Text size="sm" mt={4} c={asset.state === 'failed' ? 'red.9' : 'dimmed'}>
                      {note}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    {canDownload(asset) && (
                      <Button
                        component="a"
                        href={originalUrl(asset.id)}
                        download
                        size="xs"
                        variant="default"
                        aria-label={`Download ${asset.originalName}`}
                      >
                        Download
                      </Button>
                    )}
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      aria-label={`Delete ${asset.originalName}`}
                      onClick={() => onDelete(asset)}
                    >
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </TableScroller>
  );
}
