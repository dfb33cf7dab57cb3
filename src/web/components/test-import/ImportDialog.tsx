// "Import questions": choose or drop a Moodle XML, GIFT or Aiken file, see what it would add (the
// server parses it and stores nothing), choose where it goes, then confirm. Confirming saves any
// pending edit first, then sends the file again with the draft's revision: the server stores the
// images and saves the test set in one step, and the wizard continues from the saved draft.
import {
  Alert,
  Button,
  FileButton,
  Group,
  Loader,
  Modal,
  Paper,
  Radio,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { type DragEvent, useId, useState } from 'react';
import type { TestSet } from '../../../shared/quiz.ts';
import { categoryLocations } from '../../../shared/quiz-editing.ts';
import { IMPORT_FORMAT_NAMES, type ImportTarget, MAX_IMPORT_BYTES } from '../../../shared/quiz-import.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { ApiError } from '../../api.ts';
import { errorMessage } from '../../forms.ts';
import type { DraftSaver } from '../wizard/draft-saver.ts';
import { confirmImport, previewImport } from './api.ts';
import { ImportPreviewList } from './ImportPreviewList.tsx';

export interface ImportDialogProps {
  opened: boolean;
  onClose: () => void;
  draftId: string;
  saver: DraftSaver;
  testSet: TestSet;
}

/** The server's message, or ours (a local check) as it is. */
const messageOf = (error: unknown) =>
  error instanceof ApiError || !(error instanceof Error) ? errorMessage(error) : error.message;

const ACCEPT = '.xml,.txt,.gift,text/xml,application/xml,text/plain';

export function ImportDialog({ opened, onClose, draftId, saver, testSet }: ImportDialogProps) {
  const ids = useId();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [newName, setNewName] = useState('');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const locations = categoryLocations(testSet.categories);

  const preview = useMutation({
    mutationFn: async (chosen: File) => {
      // Refused here too, so a huge file is not sent only to be refused.
      if (chosen.size > MAX_IMPORT_BYTES) {
        throw new Error(
          `This file is ${formatBytes(chosen.size)}; an import file may be at most ${formatBytes(MAX_IMPORT_BYTES)}.`,
        );
      }
      return previewImport(draftId, chosen);
    },
  });
  const confirm = useMutation({
    mutationFn: async ({ chosen, target }: { chosen: File; target: ImportTarget }) => {
      if (!(await saver.flush())) {
        throw new Error('Your latest changes are not saved yet, so nothing was imported. Try again once they are.');
      }
      return confirmImport(draftId, chosen, saver.getSnapshot().revision, target);
    },
    onSuccess: (result) => {
      saver.replace(result.draft);
      notifications.show({
        color: 'green',
        message: `Imported ${result.added} ${result.added === 1 ? 'question' : 'questions'}. Check the problems listed in the test.`,
      });
      finish();
    },
  });

  function choose(chosen: File | null) {
    if (!chosen) return;
    setFile(chosen);
    setNewName(
      chosen.name
        .replace(/\.(xml|txt|gift)$/i, '')
        .replace(/\.(gift|moodle)$/i, '')
        .slice(0, 200) || 'Imported questions',
    );
    confirm.reset();
    preview.mutate(chosen);
  }

  function close() {
    if (!confirm.isPending) finish();
  }

  function finish() {
    setFile(null);
    preview.reset();
    confirm.reset();
    setMode('new');
    setCategoryId(null);
    onClose();
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0] ?? null);
  }

  const target: ImportTarget | null =
    mode === 'new' ? (newName.trim() ? { newCategory: newName.trim() } : null) : categoryId ? { categoryId } : null;
  const data = preview.data;
  const importable = data ? data.questionCount : 0;
  const confirmError = confirm.error ? messageOf(confirm.error) : null;

  return (
    <Modal.Root opened={opened} onClose={close} size="xl" transitionProps={{ duration: 0 }}>
      <Modal.Overlay />
      <Modal.Content>
        {/* role none: a <header> directly in the dialog would count as a second page banner. */}
        <Modal.Header role="none">
          <Modal.Title>Import questions</Modal.Title>
          <Modal.CloseButton aria-label="Close" />
        </Modal.Header>
        <Modal.Body>
          <Stack gap="md">
            <Paper
              withBorder
              p="md"
              radius="md"
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              style={{ borderStyle: 'dashed', background: dragging ? 'var(--mantine-color-blue-0)' : undefined }}
            >
              <Stack gap="xs" align="flex-start">
                <Text size="sm" id={`${ids}-hint`}>
                  A Moodle XML, GIFT or Aiken file, up to {formatBytes(MAX_IMPORT_BYTES)}. Drop it here or choose it.
                  Nothing is added before you confirm.
                </Text>
                <FileButton onChange={choose} accept={ACCEPT}>
                  {(props) => (
                    <Button {...props} variant="default" aria-describedby={`${ids}-hint`} data-autofocus>
                      {file ? 'Choose another file' : 'Choose a file'}
                    </Button>
                  )}
                </FileButton>
              </Stack>
            </Paper>

            {preview.isPending && (
              <Group gap="xs" role="status">
                <Loader size="sm" aria-hidden />
                <Text size="sm">Reading {file?.name}…</Text>
              </Group>
            )}
            {preview.isError && (
              <Alert color="red" title={`${file?.name ?? 'The file'} cannot be imported`} role="alert">
                {messageOf(preview.error)} Nothing was changed.
              </Alert>
            )}

            {data && (
              <Stack gap="md">
                <Text role="status" fw={600}>
                  {file?.name} ({IMPORT_FORMAT_NAMES[data.format]}): {importable}{' '}
                  {importable === 1 ? 'question' : 'questions'} to import
                  {data.images.length > 0
                    ? `, ${data.images.length} ${data.images.length === 1 ? 'image' : 'images'}`
                    : ''}
                  {data.skipped.length > 0 ? `; ${data.skipped.length} not imported` : ''}.
                </Text>
                <ImportPreviewList preview={data} />
                {importable > 0 && (
                  <Radio.Group
                    label="Add the questions to"
                    value={mode}
                    onChange={(v) => setMode(v === 'existing' ? 'existing' : 'new')}
                  >
                    <Stack gap="xs" mt="xs">
                      <Radio value="new" label="A new category" />
                      {mode === 'new' && (
                        <TextInput
                          label="Name of the new category"
                          value={newName}
                          onChange={(e) => setNewName(e.currentTarget.value)}
                          maxLength={200}
                          required
                        />
                      )}
                      <Radio value="existing" label="A category of this test" disabled={locations.length === 0} />
                      {mode === 'existing' && (
                        <Select
                          label="Category"
                          placeholder="Choose a category"
                          data={locations.map((l) => ({ value: l.category.id, label: l.trail.join(' › ') }))}
                          value={categoryId}
                          onChange={setCategoryId}
                          required
                        />
                      )}
                    </Stack>
                  </Radio.Group>
                )}
              </Stack>
            )}

            {confirmError && (
              <Alert color="red" title="Nothing was imported" role="alert">
                {confirmError}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close} disabled={confirm.isPending}>
                Cancel
              </Button>
              {data && importable > 0 && (
                <Button
                  onClick={() => file && target && confirm.mutate({ chosen: file, target })}
                  disabled={!target}
                  loading={confirm.isPending}
                >
                  Import {importable} {importable === 1 ? 'question' : 'questions'}
                </Button>
              )}
            </Group>
          </Stack>
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}
