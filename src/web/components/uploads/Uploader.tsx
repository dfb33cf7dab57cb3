// Uploads files: a drop zone with a "Choose files" button, one row per file (progress, pause,
// resume, cancel, then the server's state of the file), and a status region for screen readers.
// The uploads themselves live in UploadsProvider, so leaving the page does not stop them.
import { Anchor, Button, Group, Paper, Progress, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { type DragEvent, useEffect, useEffectEvent, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { AssetView } from '../../../shared/assets.ts';
import { formatBytes, formatDateTime } from '../../format.ts';
import { assetStateLabel } from '../../labels.ts';
import type { UnfinishedUpload, UploadItem } from './upload-manager.ts';
import { MAX_PARALLEL } from './upload-manager.ts';
import { useUploadManager, useUploads } from './UploadsProvider.tsx';

export interface UploaderProps {
  /** Rows are kept per scope: each uploader shows only the files added through it (and its scope). */
  scope?: string;
  /** Uploads for a course draft: the server links each file to it, and cancelling the draft removes them. */
  draftId?: string;
  /** One file at a time (e.g. a cover image). */
  single?: boolean;
  /** The heading above the drop zone. */
  title?: string;
  /** The heading level of the uploader's title (2 on a page of its own, 3 inside a section). */
  headingOrder?: 2 | 3 | 4;
  /** Limits the file chooser, e.g. ".pdf,.docx" or "video/*" (the server checks every file anyway). */
  accept?: string;
  /** Show a "View" link to the file's page once uploaded. */
  viewerLinks?: boolean;
  /** The server created the asset for a file (its upload has begun). */
  onAssetCreated?: (assetId: string, item: UploadItem) => void;
  /** Every byte of the file arrived (processing follows). */
  onAssetUploaded?: (assetId: string, item: UploadItem) => void;
  /** The user cancelled an upload; its asset was deleted. */
  onAssetRemoved?: (assetId: string) => void;
  /** The server's state of an uploaded file changed (processing, ready, failed). */
  onAssetChanged?: (asset: AssetView) => void;
  /**
   * Uploads the page shows elsewhere, with their progress (the wizard's list of course files): left
   * out of this list, so that each file appears once.
   */
  shownElsewhere?: (item: UploadItem) => boolean;
}

function hasFiles(event: globalThis.DragEvent | DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

export function Uploader({
  scope = 'files',
  draftId,
  single = false,
  title = 'Upload files',
  headingOrder = 2,
  accept,
  viewerLinks = true,
  onAssetCreated,
  onAssetUploaded,
  onAssetRemoved,
  onAssetChanged,
  shownElsewhere,
}: UploaderProps) {
  const manager = useUploadManager();
  const uploads = useUploads(scope);
  const { unfinished, announcement } = uploads;
  const scoped = shownElsewhere ? uploads.scoped.filter((item) => !shownElsewhere(item)) : uploads.scoped;
  const inputRef = useRef<HTMLInputElement>(null);
  const listHeadingRef = useRef<HTMLHeadingElement>(null);
  const chooseRef = useRef<HTMLButtonElement>(null);
  const [dragging, setDragging] = useState(false);
  const [discardError, setDiscardError] = useState<string | null>(null);
  const ids = useId();
  const titleId = `${ids}-title`;
  const hintId = `${ids}-hint`;
  const listTitleId = `${ids}-list-title`;
  const unfinishedTitleId = `${ids}-unfinished-title`;

  // While an uploader is on screen, it reports the results itself (no notifications).
  useEffect(() => {
    manager.viewers += 1;
    return () => {
      manager.viewers -= 1;
    };
  }, [manager]);

  const handleEvent = useEffectEvent((event: Parameters<Parameters<typeof manager.onEvent>[0]>[0]) => {
    if (event.item.scope !== scope) return;
    switch (event.type) {
      case 'created':
        onAssetCreated?.(event.assetId, event.item);
        break;
      case 'uploaded':
        onAssetUploaded?.(event.assetId, event.item);
        break;
      case 'removed':
        if (event.assetId) onAssetRemoved?.(event.assetId);
        break;
      case 'asset':
        onAssetChanged?.(event.asset);
        break;
    }
  });
  useEffect(() => manager.onEvent((event) => handleEvent(event)), [manager]);

  // A file dropped next to the zone would make the browser leave the page to show it.
  useEffect(() => {
    const block = (event: globalThis.DragEvent) => {
      if (hasFiles(event)) event.preventDefault();
    };
    window.addEventListener('dragover', block);
    window.addEventListener('drop', block);
    return () => {
      window.removeEventListener('dragover', block);
      window.removeEventListener('drop', block);
    };
  }, []);

  function addFiles(files: FileList | null | undefined) {
    if (!files || files.length === 0) return;
    const chosen = Array.from(files);
    manager.add(single ? chosen.slice(0, 1) : chosen, scope, { draftId });
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer.files);
  }

  async function discard(upload: UnfinishedUpload) {
    setDiscardError(null);
    try {
      await manager.discardUnfinished(upload.storageKey);
      chooseRef.current?.focus();
    } catch (error) {
      setDiscardError(`Could not discard ${upload.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function cancel(item: UploadItem) {
    await manager.cancel(item.key);
    // The row is gone: keep keyboard focus nearby.
    if (!manager.getSnapshot().items.some((i) => i.key === item.key)) {
      (listHeadingRef.current ?? chooseRef.current)?.focus();
    }
  }

  function dismiss(item: UploadItem) {
    manager.dismiss(item.key);
    (listHeadingRef.current ?? chooseRef.current)?.focus();
  }

  const uploaded = scoped.filter((item) => item.status === 'uploaded').length;
  const failed = scoped.filter((item) => item.status === 'failed').length;
  const finishedRows = scoped.filter(
    (item) =>
      item.status === 'uploaded' &&
      (!item.asset || item.asset.state === 'ready' || item.asset.state === 'failed' || item.asset.state === 'missing'),
  ).length;

  return (
    <Stack gap="md">
      <Paper
        withBorder
        p="lg"
        className="drop-zone"
        data-active={dragging || undefined}
        role="group"
        aria-labelledby={titleId}
        aria-describedby={hintId}
        onDragEnter={(event) => {
          if (hasFiles(event)) setDragging(true);
        }}
        onDragOver={(event) => {
          if (!hasFiles(event)) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <Stack align="center" gap="xs">
          <Title order={headingOrder} size="h4" id={titleId}>
            {title}
          </Title>
          <Text ta="center" id={hintId}>
            {single ? (
              dragging ? (
                'Drop the file to upload it.'
              ) : (
                'Drag a file here, or choose it.'
              )
            ) : (
              <>
                {dragging ? 'Drop the files to upload them.' : 'Drag files here, or choose them.'} You can add many at
                once; {MAX_PARALLEL} upload at the same time and the others wait their turn.
              </>
            )}
          </Text>
          <Button ref={chooseRef} onClick={() => inputRef.current?.click()}>
            {single ? 'Choose a file' : 'Choose files'}
          </Button>
          <input
            ref={inputRef}
            type="file"
            multiple={!single}
            hidden
            accept={accept}
            aria-label={single ? `${title}: file to upload` : 'Files to upload'}
            onChange={(event) => {
              addFiles(event.currentTarget.files);
              // The same file can be chosen again (e.g. to resume).
              event.currentTarget.value = '';
            }}
          />
        </Stack>
      </Paper>

      {unfinished.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby={unfinishedTitleId}>
          <Title order={(headingOrder + 1) as 3 | 4 | 5} size="h5" id={unfinishedTitleId}>
            Unfinished uploads
          </Title>
          <Text size="sm" mb="sm">
            These uploads stopped before they were complete. Choose the file again to resume.
          </Text>
          {discardError && (
            <Text c="red.9" size="sm" mb="sm">
              {discardError}
            </Text>
          )}
          <ul className="upload-list">
            {unfinished.map((upload) => (
              <li key={upload.storageKey} className="upload-row">
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <div className="upload-text">
                    <Text fw={500} className="upload-name">
                      {upload.name}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {unfinishedSummary(upload)}
                    </Text>
                  </div>
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={`Discard ${upload.name}`}
                    aria-busy={upload.discarding || undefined}
                    onClick={() => void discard(upload)}
                  >
                    Discard
                  </Button>
                </Group>
              </li>
            ))}
          </ul>
        </Paper>
      )}

      {scoped.length > 0 && (
        <section aria-labelledby={listTitleId}>
          <Group justify="space-between" mb="xs">
            <Title
              order={(headingOrder + 1) as 3 | 4 | 5}
              size="h5"
              id={listTitleId}
              ref={listHeadingRef}
              tabIndex={-1}
            >
              Uploads: {uploaded} of {scoped.length} uploaded{failed > 0 ? `, ${failed} failed` : ''}
            </Title>
            {finishedRows > 0 && (
              <Button size="xs" variant="subtle" onClick={() => manager.clearFinished(scope)}>
                Clear finished
              </Button>
            )}
          </Group>
          <ul className="upload-list">
            {scoped.map((item) => (
              <UploadRow
                key={item.key}
                item={item}
                viewerLink={viewerLinks}
                onPause={() => manager.pause(item.key)}
                onResume={() => manager.resume(item.key)}
                onCancel={() => void cancel(item)}
                onDismiss={() => dismiss(item)}
              />
            ))}
          </ul>
        </section>
      )}

      {/* Always present, so that each new text is announced; grouped, not every percent. */}
      <VisuallyHidden role="status">{announcement}</VisuallyHidden>
    </Stack>
  );
}

function unfinishedSummary(upload: UnfinishedUpload): string {
  const parts: string[] = [];
  if (upload.size !== null) {
    parts.push(
      upload.offset !== null && upload.size > 0
        ? `${formatBytes(upload.offset)} of ${formatBytes(upload.size)} uploaded`
        : formatBytes(upload.size),
    );
  }
  parts.push(`started ${formatDateTime(upload.createdAt)}`);
  return parts.join(' · ');
}

/** What a row says about its file, e.g. "Uploading 42%", "Processing 10%", "Ready". */
export function uploadStatusText(item: UploadItem): string {
  const percent = item.size > 0 ? Math.floor((item.bytesSent / item.size) * 100) : 0;
  switch (item.status) {
    case 'queued':
      return 'Queued';
    case 'uploading':
      return item.bytesSent === 0 && item.resumed ? 'Resuming…' : `Uploading ${percent}%`;
    case 'retrying':
      return item.error ?? 'Retrying…';
    case 'paused':
      return `Paused at ${percent}%`;
    case 'failed':
      return `Failed: ${item.error ?? 'the upload stopped.'}`;
    case 'uploaded':
      if (!item.asset || item.asset.state === 'uploading') return 'Uploaded — checking the file…';
      if (item.asset.state === 'failed') return `Failed: ${item.asset.reason ?? 'the file could not be processed.'}`;
      return assetStateLabel(item.asset);
  }
}

interface UploadRowProps {
  item: UploadItem;
  viewerLink: boolean;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
  onDismiss: () => void;
}

function UploadRow({ item, viewerLink, onPause, onResume, onCancel, onDismiss }: UploadRowProps) {
  const percent =
    item.status === 'uploaded'
      ? 100
      : item.size > 0
        ? Math.min(100, Math.floor((item.bytesSent / item.size) * 100))
        : 0;
  const failed = item.status === 'failed' || (item.status === 'uploaded' && item.asset?.state === 'failed');
  const note = item.status === 'uploaded' && item.asset?.state === 'ready' ? item.asset.reason : null;
  const active = item.status === 'queued' || item.status === 'uploading' || item.status === 'retrying';

  return (
    <li className="upload-row">
      <Group justify="space-between" wrap="nowrap" gap="sm" align="flex-start">
        <div className="upload-text">
          <Text fw={500} className="upload-name">
            {item.name}
          </Text>
          <Text size="sm" c={failed ? 'red.9' : 'dimmed'}>
            {formatBytes(item.size)} · {uploadStatusText(item)}
          </Text>
          {note && (
            <Text size="sm" c="dimmed">
              {note}
            </Text>
          )}
        </div>
        <Group gap="xs" wrap="nowrap">
          {item.status === 'uploaded' || (item.status === 'failed' && !item.retryable) ? (
            <>
              {viewerLink && item.status === 'uploaded' && item.assetId && (
                <Anchor component={Link} to={`/files/${item.assetId}`} size="sm" aria-label={`View ${item.name}`}>
                  View
                </Anchor>
              )}
              <Button size="xs" variant="default" aria-label={`Remove ${item.name} from the list`} onClick={onDismiss}>
                Remove from list
              </Button>
            </>
          ) : (
            <>
              {/* One button that changes its label, so that keyboard focus stays on it. */}
              <Button
                size="xs"
                variant="default"
                aria-label={`${active ? 'Pause' : item.status === 'failed' ? 'Retry' : 'Resume'} ${item.name}`}
                disabled={item.cancelling}
                onClick={active ? onPause : onResume}
              >
                {active ? 'Pause' : item.status === 'failed' ? 'Retry' : 'Resume'}
              </Button>
              <Button
                size="xs"
                variant="default"
                aria-label={`Cancel ${item.name}`}
                aria-busy={item.cancelling || undefined}
                onClick={onCancel}
              >
                Cancel
              </Button>
            </>
          )}
        </Group>
      </Group>
      <Progress
        mt={6}
        size="sm"
        value={percent}
        color={
          failed ? 'red.8' : item.status === 'paused' ? 'gray.6' : item.asset?.state === 'ready' ? 'green.8' : 'blue.8'
        }
        aria-label={`Upload progress for ${item.name}`}
      />
    </li>
  );
}
