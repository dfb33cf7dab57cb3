// One file: its name, a download link, and the file itself in the viewer that suits it (PDF,
// document preview, image, audio, video, Flash). While the server is still working on it, the
// page shows its live state instead.
import { Alert, Anchor, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { AssetView } from '../../shared/assets.ts';
import { ApiError } from '../api.ts';
import { assetsApi, canDownload, furtherAlong, isSettled, originalUrl } from '../assets-api.ts';
import { AssetStateBadge } from '../components/AssetStateBadge.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { AssetViewer } from '../components/viewers/AssetViewer.tsx';
import { errorMessage } from '../forms.ts';
import { formatBytes } from '../format.ts';
import { ASSET_KIND_LABELS } from '../labels.ts';
import { useInterval, useLiveEvents } from '../live.ts';
import { useSession } from '../session.tsx';
import { Loading } from '../components/Loading.tsx';

const POLL_MS = 5_000;

/** Back to where the file was opened from: a course's page (learners) or My files (its author). */
function BackLink() {
  const { courseId } = useParams();
  return (
    <Anchor component={Link} to={courseId ? `/courses/${courseId}` : '/files'} size="sm">
      {courseId ? 'Back to the course' : 'Back to my files'}
    </Anchor>
  );
}

export function FileViewerPage() {
  const { id = '' } = useParams();
  const [asset, setAsset] = useState<AssetView | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);

  const load = useCallback(async () => {
    try {
      const answer = await assetsApi.get(id);
      // A live event may already have brought a newer state than this answer.
      setAsset((current) => (current?.id === answer.asset.id ? furtherAlong(current, answer.asset) : answer.asset));
      setError(null);
    } catch (err) {
      setError({ status: err instanceof ApiError ? err.status : 0, message: errorMessage(err) });
    }
  }, [id]);

  useEffect(() => {
    setAsset(null);
    setError(null);
    void load();
  }, [load]);

  const liveStatus = useLiveEvents((event) => {
    if (event.type === 'asset' && event.data.id === id) setAsset(event.data);
  });
  const settled = asset ? isSettled(asset) : true;
  useInterval(() => void load(), POLL_MS, liveStatus === 'paused' && !settled);

  if (error && !asset) {
    const notFound = error.status === 404 || error.status === 400;
    return (
      <Stack>
        <PageTitle>{notFound ? 'File not found' : 'Could not load the file'}</PageTitle>
        <Text>{notFound ? 'There is no such file, or it was deleted.' : error.message}</Text>
        <Group>
          {!notFound && <Button onClick={() => void load()}>Try again</Button>}
          <BackLink />
        </Group>
      </Stack>
    );
  }
  if (!asset) {
    return <Loading>Loading the file…</Loading>;
  }

  return (
    <Stack gap="md">
      <BackLink />
      <PageTitle>{asset.originalName}</PageTitle>
      <Group gap="sm">
        <AssetStateBadge asset={asset} />
        <Text size="sm" c="dimmed">
          {ASSET_KIND_LABELS[asset.kind]} · {formatBytes(asset.size)}
        </Text>
      </Group>
      {canDownload(asset) && (
        <Group>
          <Button component="a" href={originalUrl(asset.id)} download variant="default">
            Download original
          </Button>
        </Group>
      )}
      {/* A video on the fast path plays while its streaming versions are being made. */}
      {asset.state === 'ready' || asset.viewer === 'video' ? (
        <ReadyFile asset={asset} />
      ) : (
        <PendingFile asset={asset} />
      )}
    </Stack>
  );
}

/** The file is not ready (yet): what the server is doing, or why it failed. */
function PendingFile({ asset }: { asset: AssetView }) {
  switch (asset.state) {
    case 'failed':
      return (
        <Alert color="red" variant="light" title="This file could not be processed">
          {asset.reason ?? 'The server gave no reason.'}
        </Alert>
      );
    case 'missing':
      return (
        <Alert color="red" variant="light" title="This file is missing">
          {asset.reason ?? 'The stored file could not be found.'}
        </Alert>
      );
    default:
      return (
        <Stack gap="xs" maw={480}>
          <Text role="status">
            {asset.state === 'uploading'
              ? 'The file is still being uploaded or checked. It will show here when it is ready.'
              : `The file is being processed${asset.progress !== null ? ` (${Math.round(asset.progress)}%)` : ''}. It will show here when it is ready.`}
          </Text>
          {asset.state === 'processing' && asset.progress !== null && (
            <Progress value={Math.round(asset.progress)} aria-label={`Processing progress for ${asset.originalName}`} />
          )}
        </Stack>
      );
  }
}

function ReadyFile({ asset }: { asset: AssetView }) {
  const name = asset.originalName;
  return (
    <Stack gap="md">
      {asset.reason && (
        <Text c="dimmed" size="sm">
          {asset.reason}
        </Text>
      )}
      <Viewer asset={asset} name={name} />
    </Stack>
  );
}

function Viewer({ asset, name }: { asset: AssetView; name: string }) {
  // Opened from My files by an author: their own file, so its captions can be edited here.
  const { courseId } = useParams();
  const { state } = useSession();
  const role = state.status === 'ready' ? state.user?.role : undefined;
  const editable = !courseId && (role === 'author' || role === 'admin');
  return <AssetViewer asset={asset} name={name} editable={editable} />;
}
