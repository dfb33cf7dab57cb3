// Attaching WebVTT/SRT caption files (the author's own uploads) to a video: add one with a label and a
// language, reorder, remove. Every change saves the whole list at once.
import { Alert, Badge, Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import type { AssetView } from '../../../shared/assets.ts';
import type { CaptionTrackInput, CaptionTrackView } from '../../../shared/video.ts';
import { assetsApi } from '../../assets-api.ts';
import { errorMessage } from '../../forms.ts';
import { videoApi } from './video-api.ts';

export interface VideoCaptionsEditorProps {
  video: AssetView;
  tracks: CaptionTrackView[];
  /** Called with the saved list after every change. */
  onChange: (tracks: CaptionTrackView[]) => void;
}

const asInput = (t: CaptionTrackView): CaptionTrackInput => ({
  captionsAssetId: t.captionsAssetId,
  label: t.label,
  language: t.language,
});

/** "lecture.fr.vtt" → "fr"; "lecture.vtt" → "". */
export function languageFromName(name: string): string {
  return /\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\.(?:vtt|srt)$/i.exec(name)?.[1] ?? '';
}

export function VideoCaptionsEditor({ video, tracks, onChange }: VideoCaptionsEditorProps) {
  const [files, setFiles] = useState<AssetView[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [label, setLabel] = useState('');
  const [language, setLanguage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    assetsApi
      .list()
      .then(({ assets }) => {
        if (active) setFiles(assets.filter((a) => a.kind === 'captions' && a.state !== 'failed'));
      })
      .catch((err) => active && setError(errorMessage(err)));
    return () => {
      active = false;
    };
  }, []);

  const attached = new Set(tracks.map((t) => t.captionsAssetId));
  const available = (files ?? []).filter((f) => !attached.has(f.id));

  async function save(next: CaptionTrackInput[]) {
    setBusy(true);
    setError(null);
    try {
      onChange((await videoApi.setCaptions(video.id, next)).tracks);
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    const file = available.find((f) => f.id === chosen);
    if (!file) return setError('Choose a captions file first.');
    const entry = {
      captionsAssetId: file.id,
      label: label.trim() || file.originalName,
      language: language.trim() || null,
    };
    if (await save([...tracks.map(asInput), entry])) {
      setChosen('');
      setLabel('');
      setLanguage('');
    }
  }

  const move = (index: number, by: number) => {
    const next = tracks.map(asInput);
    const [item] = next.splice(index, 1);
    if (item) next.splice(index + by, 0, item);
    void save(next);
  };

  return (
    <Stack gap="sm" component="section" aria-labelledby="captions-editor-title">
      <Title order={2} size="h4" id="captions-editor-title">
        Captions of this video
      </Title>
      {error && (
        <Alert color="red" variant="light" role="alert">
          {error}
        </Alert>
      )}
      {tracks.length === 0 ? (
        <Text size="sm">No captions yet. Upload a WebVTT or SRT file in My files, then attach it here.</Text>
      ) : (
        <Table aria-label="Caption tracks">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Label</Table.Th>
              <Table.Th>Language</Table.Th>
              <Table.Th>File</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tracks.map((t, i) => (
              <Table.Tr key={t.captionsAssetId}>
                <Table.Td>{t.label}</Table.Td>
                <Table.Td>{t.language ?? '—'}</Table.Td>
                <Table.Td>
                  {t.fileName} {!t.ready && <Badge color="yellow">not ready</Badge>}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button
                      size="compact-sm"
                      variant="default"
                      disabled={busy || i === 0}
                      onClick={() => move(i, -1)}
                      aria-label={`Move ${t.label} up`}
                    >
                      Up
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="default"
                      disabled={busy || i === tracks.length - 1}
                      onClick={() => move(i, 1)}
                      aria-label={`Move ${t.label} down`}
                    >
                      Down
                    </Button>
                    <Button
                      size="compact-sm"
                      color="red"
                      variant="light"
                      disabled={busy}
                      onClick={() => void save(tracks.filter((x) => x !== t).map(asInput))}
                      aria-label={`Remove ${t.label}`}
                    >
                      Remove
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form onSubmit={(e) => void add(e)} aria-label="Attach captions">
        <Group align="flex-end" gap="sm">
          <NativeSelect
            label="Captions file"
            value={chosen}
            onChange={(e) => {
              const id = e.currentTarget.value;
              setChosen(id);
              const name = available.find((f) => f.id === id)?.originalName ?? '';
              if (!language) setLanguage(languageFromName(name));
            }}
            data={[
              {
                value: '',
                label: files === null ? 'Loading…' : available.length ? 'Choose a file' : 'No captions files',
              },
              ...available.map((f) => ({ value: f.id, label: f.originalName })),
            ]}
            w={260}
          />
          <TextInput
            label="Label"
            placeholder="English"
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
            w={180}
          />
          <TextInput
            label="Language"
            description="e.g. en, fr-CA"
            value={language}
            onChange={(e) => setLanguage(e.currentTarget.value)}
            w={120}
          />
          <Button type="submit" loading={busy} disabled={!chosen}>
            Attach
          </Button>
        </Group>
      </form>
    </Stack>
  );
}
