// Files: upload many at once (the form never waits), then give each file a title, a description
// and whether learners must open it to complete the course, and put them in order (drag, keyboard,
// or the move buttons). A new upload joins the list as soon as the server knows it, so a reload
// keeps it; removing one deletes it at once unless something else uses it.

import { arrayMove } from '@dnd-kit/sortable';
import {
  Anchor,
  Box,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Progress,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type ReactNode, useId, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { AssetView } from '../../../shared/assets.ts';
import { type DraftFile, draftFileSchema } from '../../../shared/drafts.ts';
import { completionRule } from '../../../shared/progress.ts';
import type { ReviewProblem } from '../../../shared/review.ts';
import { AssetStateBadge } from '../../components/AssetStateBadge.tsx';
import { videoSource } from '../../components/player/sources.ts';
import { VideoSection } from '../../components/player/VideoSection.tsx';
import { Uploader, uploadStatusText } from '../../components/uploads/Uploader.tsx';
import { useUploadManager, useUploads } from '../../components/uploads/UploadsProvider.tsx';
import type { UploadItem } from '../../components/uploads/upload-manager.ts';
import { ConfirmDialog } from '../../components/wizard/ConfirmDialog.tsx';
import { filesScope } from '../../components/wizard/draft-uploads.ts';
import { useFocusRequestedPath } from '../../components/wizard/focus-path.ts';
import { purgeRemovedAsset } from '../../components/wizard/purge.ts';
import { SortableList } from '../../components/wizard/SortableList.tsx';
import classes from '../../components/wizard/wizard.module.css';
import { useWizard } from '../../components/wizard/wizard-context.tsx';

export function FilesStep() {
  const { saver, snapshot, problems, assets, noteAsset } = useWizard();
  const manager = useUploadManager();
  const scope = filesScope(snapshot.draftId);
  const { scoped } = useUploads(scope);
  const { files } = snapshot.content;
  const [toRemove, setToRemove] = useState<DraftFile | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const ids = useId();
  useFocusRequestedPath();

  const uploadsByAsset = useMemo(() => {
    const map = new Map<string, UploadItem>();
    for (const item of manager.getSnapshot().items) if (item.assetId) map.set(item.assetId, item);
    for (const item of scoped) if (item.assetId) map.set(item.assetId, item);
    return map;
  }, [scoped, manager]);

  const setFiles = (next: DraftFile[]) => saver.update('files', next);
  const latestFiles = () => saver.getSnapshot().content.files;
  const patchFile = (assetId: string, patch: Partial<DraftFile>) =>
    setFiles(latestFiles().map((f) => (f.assetId === assetId ? { ...f, ...patch } : f)));

  async function remove(file: DraftFile) {
    setFiles(latestFiles().filter((f) => f.assetId !== file.assetId));
    const result = await purgeRemovedAsset(saver, manager, file.assetId);
    if (result === 'unsaved') {
      notifications.show({
        color: 'orange',
        message: `${file.title} was removed from the course; the file is deleted once the draft is saved.`,
      });
    }
    requestAnimationFrame(() => listHeading.current?.focus());
  }

  const problemsOf = (index: number) => problems?.filter((p) => p.path === `files.${index}`) ?? [];
  const nameOf = (file: DraftFile) => assets.get(file.assetId)?.originalName ?? file.title;

  return (
    <Stack gap="xl" component="section" aria-labelledby={`${ids}-heading`}>
      <Title order={2} size="h3" id={`${ids}-heading`}>
        Files
      </Title>
      <Uploader
        scope={scope}
        draftId={snapshot.draftId}
        title="Add files"
        headingOrder={3}
        viewerLinks={false}
        onAssetChanged={noteAsset}
        // A file that joined the course is shown once, in the course's list, with its upload.
        shownElsewhere={(item) => item.assetId !== null && files.some((f) => f.assetId === item.assetId)}
      />

      <section aria-labelledby={`${ids}-list`}>
        <Title order={3} size="h4" id={`${ids}-list`} ref={listHeading} tabIndex={-1} data-path="files" mb={4}>
          Course files ({files.length})
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Learners see the files in this order. To reorder, drag a file by its handle, or focus the handle and press
          Space, then the arrow keys, then Space again.
        </Text>
        {files.length === 0 ? (
          <Text>No files yet. Uploaded files appear here as soon as their upload starts.</Text>
        ) : (
          <SortableList
            label="Course files"
            items={files}
            getId={(file) => file.assetId}
            getLabel={(file) => file.title || nameOf(file)}
            onMove={(from, to) => setFiles(arrayMove([...latestFiles()], from, to))}
            renderItem={(file, index, handle) => (
              <FileRow
                file={file}
                index={index}
                name={nameOf(file)}
                asset={assets.get(file.assetId) ?? uploadsByAsset.get(file.assetId)?.asset ?? undefined}
                upload={uploadsByAsset.get(file.assetId)}
                onPauseOrResume={(upload, active) => (active ? manager.pause(upload.key) : manager.resume(upload.key))}
                problems={problemsOf(index)}
                handle={handle}
                onChange={(patch) => patchFile(file.assetId, patch)}
                onRemove={() => setToRemove(file)}
              />
            )}
          />
        )}
      </section>

      <ConfirmDialog
        opened={toRemove !== null}
        title={toRemove ? `Remove ${toRemove.title || 'this file'}?` : 'Remove the file?'}
        confirmLabel="Remove file"
        cancelLabel="Keep the file"
        onConfirm={async () => {
          if (toRemove) await remove(toRemove);
        }}
        onClose={() => setToRemove(null)}
      >
        The file leaves the course and is deleted now, unless a published course or another draft uses it.
      </ConfirmDialog>
    </Stack>
  );
}

interface FileRowProps {
  file: DraftFile;
  index: number;
  name: string;
  asset: AssetView | undefined;
  upload: UploadItem | undefined;
  problems: ReviewProblem[];
  handle: ReactNode;
  onChange: (patch: Partial<DraftFile>) => void;
  onRemove: () => void;
  onPauseOrResume: (upload: UploadItem, active: boolean) => void;
}

function FileRow({
  file,
  index,
  name,
  asset,
  upload,
  problems,
  handle,
  onChange,
  onRemove,
  onPauseOrResume,
}: FileRowProps) {
  const [previewing, setPreviewing] = useState(false);
  const previewId = useId();
  const playable = asset?.kind === 'video' && videoSource(asset) !== null;
  const titleError = draftFileSchema.shape.title.safeParse(file.title).error?.issues[0]?.message;
  const descriptionError = draftFileSchema.shape.description.safeParse(file.description).error?.issues[0]?.message;
  return (
    <Fieldset legend={`${index + 1}. ${name}`} p="sm" pt="xs">
      {/* Wraps on a phone: the buttons go under the state rather than past the screen's edge. */}
      <Group justify="space-between" align="center" mb="xs" wrap="wrap" gap="xs">
        <Group gap="sm" wrap="nowrap">
          {handle}
          <FileState asset={asset} upload={upload} />
        </Group>
        <Group gap="xs" wrap="nowrap">
          {upload && pausable(upload) && (
            // One button that changes its label, so that keyboard focus stays on it.
            <Button
              size="xs"
              variant="default"
              aria-label={`${pauseLabel(upload)} the upload of ${name}`}
              disabled={upload.cancelling}
              onClick={() => onPauseOrResume(upload, uploadActive(upload))}
            >
              {pauseLabel(upload)}
            </Button>
          )}
          {playable ? (
            <Button
              size="xs"
              variant="default"
              aria-expanded={previewing}
              aria-controls={previewing ? previewId : undefined}
              aria-label={`${previewing ? 'Hide the preview of' : 'Preview'} ${name}`}
              onClick={() => setPreviewing((open) => !open)}
            >
              {previewing ? 'Hide preview' : 'Preview'}
            </Button>
          ) : (
            asset?.state === 'ready' && (
              <Anchor component={Link} to={`/files/${asset.id}`} size="sm" aria-label={`Open ${name}`}>
                Open
              </Anchor>
            )
          )}
          <Button size="xs" variant="light" color="red" aria-label={`Remove ${name}`} onClick={onRemove}>
            Remove
          </Button>
        </Group>
      </Group>
      {playable && previewing && asset && (
        <Box id={previewId} mb="sm">
          {/* A preview is not watching: the author's position is not remembered. */}
          <VideoSection asset={asset} editable={false} rememberPosition={false} />
        </Box>
      )}
      <Stack gap="xs">
        <TextInput
          label="Title"
          value={file.title}
          onChange={(event) => onChange({ title: event.currentTarget.value })}
          error={titleError}
          maxLength={210}
          data-path={`files.${index}`}
        />
        <Textarea
          label="Description"
          value={file.description}
          onChange={(event) => onChange({ description: event.currentTarget.value })}
          error={descriptionError}
          autosize
          minRows={2}
          maxRows={8}
        />
        <Checkbox
          label="Required for completion"
          checked={file.required}
          onChange={(event) => onChange({ required: event.currentTarget.checked })}
        />
        <Checkbox
          label="Learner marks it as done"
          description={`Instead of: ${automaticRule(asset)}`}
          checked={file.learnerMarksDone === true}
          onChange={(event) => onChange({ learnerMarksDone: event.currentTarget.checked })}
        />
        {problems.map((problem) => (
          <Text
            key={problem.code}
            size="sm"
            c={problem.severity === 'error' ? 'red.9' : undefined}
            className={problem.severity === 'warning' ? classes.warningText : undefined}
          >
            {problem.message}
          </Text>
        ))}
      </Stack>
    </Fieldset>
  );
}

const uploadActive = (upload: UploadItem) =>
  upload.status === 'queued' || upload.status === 'uploading' || upload.status === 'retrying';
const pausable = (upload: UploadItem) =>
  uploadActive(upload) || upload.status === 'paused' || (upload.status === 'failed' && upload.retryable);
const pauseLabel = (upload: UploadItem) =>
  uploadActive(upload) ? 'Pause' : upload.status === 'failed' ? 'Retry' : 'Resume';

/** Where the file is: uploading (with progress), processing, ready or failed. */
function FileState({ asset, upload }: { asset: AssetView | undefined; upload: UploadItem | undefined }) {
  if (upload && upload.status !== 'uploaded') {
    const percent = upload.size > 0 ? Math.min(100, Math.floor((upload.bytesSent / upload.size) * 100)) : 0;
    return (
      <Stack gap={2} miw={160}>
        <Text size="sm" c={upload.status === 'failed' ? 'red.9' : 'dimmed'}>
          {uploadStatusText(upload)}
        </Text>
        <Progress size="sm" value={percent} aria-label={`Upload of ${upload.name}`} />
      </Stack>
    );
  }
  if (!asset) {
    return (
      <Text size="sm" c="dimmed">
        Checking…
      </Text>
    );
  }
  return (
    <Stack gap={2} miw={160}>
      <Group gap="xs">
        <AssetStateBadge asset={asset} />
        {asset.state === 'failed' && (
          <Text size="sm" c="red.9">
            {asset.reason ?? 'The file could not be processed.'}
          </Text>
        )}
      </Group>
      {asset.state === 'processing' && asset.progress !== null && (
        <Progress size="sm" value={asset.progress} aria-label={`Processing of ${asset.originalName}`} />
      )}
    </Stack>
  );
}

/** How the file counts as done unless the learner marks it (the rules of shared/progress.ts, in words). */
function automaticRule(asset: AssetView | undefined): string {
  if (!asset) return 'done by the rule of its kind.';
  switch (completionRule(asset.kind, asset.viewer)) {
    case 'media':
      return 'done once 90% of it has been played.';
    case 'pages':
      return 'done once every page has been on screen.';
    default:
      return 'done once opened.';
  }
}
