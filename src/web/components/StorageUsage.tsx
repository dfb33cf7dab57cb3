// What an author's files and uploads take against their quotas (the account page's Storage section),
// and the short form the administrators' users table shows per user.
import { Alert, Button, Center, Loader, Table, Text } from '@mantine/core';
import type { StorageUsage } from '../../shared/quotas.ts';
import { assetsApi } from '../assets-api.ts';
import { formatBytes } from '../format.ts';
import { errorMessage } from '../forms.ts';
import { queryKeys } from '../server-state/keys.ts';
import { useLiveQuery } from '../server-state/live-query.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "3 files, 12 MB" (and "· 1 uploading" while uploads are in progress); "No files" for none. */
export function usageSummary(usage: StorageUsage): string {
  const stored =
    usage.files === 0 ? 'No files' : `${plural(usage.files, 'file', 'files')}, ${formatBytes(usage.storedBytes)}`;
  return usage.openUploads > 0 ? `${stored} · ${usage.openUploads} uploading` : stored;
}

export function StorageUsageSection({ labelledBy }: { labelledBy: string }) {
  const query = useLiveQuery({
    queryKey: queryKeys.myStorage,
    queryFn: assetsApi.usage,
    // Any change to one of the author's files may change what they take.
    onEvent: (event, { reload }) => {
      if (event.type === 'asset') reload();
    },
    reloadMinIntervalMs: 2_000,
  });
  if (query.error) {
    return (
      <Alert color="red" variant="light" title="Could not load your storage use">
        <Text mb="sm">{errorMessage(query.error)}</Text>
        <Button size="xs" onClick={() => void query.refetch()}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (!query.data) {
    return (
      <Center py="md" role="status">
        <Loader size="sm" aria-hidden="true" />
        <Text ml="sm">Loading your storage use…</Text>
      </Center>
    );
  }
  const { usage, limits } = query.data;
  const taken = usage.storedBytes + usage.reservedBytes;
  return (
    <>
      <Table aria-labelledby={labelledBy} variant="vertical" layout="fixed" withTableBorder>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th scope="row" w="55%">
              Files stored
            </Table.Th>
            <Table.Td>
              {plural(usage.files, 'file', 'files')}, {formatBytes(usage.storedBytes)}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">Storage used (with uploads in progress)</Table.Th>
            <Table.Td>
              {formatBytes(taken)} of {formatBytes(limits.storedBytes)}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">Uploads in progress</Table.Th>
            <Table.Td>
              {usage.openUploads} of {limits.openUploads} at once
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">Space reserved by uploads in progress</Table.Th>
            <Table.Td>
              {formatBytes(usage.reservedBytes)} of {formatBytes(limits.reservedBytes)}
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Text size="sm" c="dimmed" mt="xs">
        Previews and video renditions are not counted. Deleting files you no longer need frees their space.
      </Text>
    </>
  );
}

/** Loading: null; not available (the request failed): undefined. */
export function UsageCell({ usage }: { usage: StorageUsage | null | undefined }) {
  if (usage === null) return <Text c="dimmed">…</Text>;
  if (usage === undefined) return <Text c="dimmed">Unknown</Text>;
  return <Text size="sm">{usageSummary(usage)}</Text>;
}
