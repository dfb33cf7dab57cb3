// Basics: title, version label, short description (markdown, with a preview), the topics taught
// (add, remove, reorder), language and an optional cover image. Every change is saved as it is
// made; the shared schema marks a field that the server would refuse.

import { arrayMove } from '@dnd-kit/sortable';
import {
  Button,
  CloseButton,
  Group,
  Image,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useId, useMemo, useRef, useState } from 'react';
import { type Basics, basicsSchema } from '../../../shared/drafts.ts';
import { derivativeUrl, hasDerivative } from '../../assets-api.ts';
import { AssetStateBadge } from '../../components/AssetStateBadge.tsx';
import { Uploader } from '../../components/uploads/Uploader.tsx';
import { useUploadManager } from '../../components/uploads/UploadsProvider.tsx';
import { coverScope, setCover } from '../../components/wizard/draft-uploads.ts';
import { useFocusRequestedPath } from '../../components/wizard/focus-path.ts';
import { SortableList } from '../../components/wizard/SortableList.tsx';
import classes from '../../components/wizard/wizard.module.css';
import { useWizard } from '../../components/wizard/wizard-context.tsx';
import { problemsRevealed } from '../../components/wizard/wizard-steps.ts';
import { errorMessage } from '../../forms.ts';
import { Markdown } from '../../markdown.tsx';

/** Common course languages; a draft with another tag keeps it (it is listed too). */
const LANGUAGE_TAGS = [
  'ar',
  'bn',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'en-GB',
  'es',
  'fa',
  'fi',
  'fr',
  'he',
  'hi',
  'hu',
  'id',
  'it',
  'ja',
  'ko',
  'ms',
  'nb',
  'nl',
  'pl',
  'pt',
  'pt-BR',
  'ro',
  'ru',
  'sk',
  'sv',
  'sw',
  'ta',
  'th',
  'tr',
  'uk',
  'ur',
  'vi',
  'zh-Hans',
  'zh-Hant',
];

function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

let nextTopicKey = 1;

/**
 * Topics are plain strings, so React needs keys that follow each topic as it is edited, moved or
 * removed (a key made from the text would remount the input on every key press). Kept beside the
 * list and rebuilt when the list is replaced from elsewhere (e.g. after loading the latest version).
 */
function useTopicKeys(topics: readonly string[]) {
  const keys = useRef<string[]>([]);
  if (keys.current.length !== topics.length) keys.current = topics.map(() => `topic-${nextTopicKey++}`);
  return {
    keys: keys.current,
    added: () => {
      keys.current = [...keys.current, `topic-${nextTopicKey++}`];
    },
    removed: (index: number) => {
      keys.current = keys.current.filter((_, i) => i !== index);
    },
    moved: (from: number, to: number) => {
      keys.current = arrayMove(keys.current, from, to);
    },
  };
}

/** The schema's message for each field (topics by index), shown beside the field. */
function fieldErrors(basics: Basics): Map<string, string> {
  const errors = new Map<string, string>();
  const result = basicsSchema.safeParse(basics);
  if (result.success) return errors;
  for (const issue of result.error.issues) {
    const key = issue.path.join('.');
    if (!errors.has(key)) errors.set(key, issue.message);
  }
  return errors;
}

export function BasicsStep() {
  const { saver, snapshot, problems, visited, assets, noteAsset } = useWizard();
  const manager = useUploadManager();
  const { basics } = snapshot.content;
  const errors = useMemo(() => fieldErrors(basics), [basics]);
  const [newTopic, setNewTopic] = useState('');
  const [newTopicError, setNewTopicError] = useState<string | null>(null);
  const newTopicRef = useRef<HTMLInputElement>(null);
  const ids = useId();
  const topicKeys = useTopicKeys(basics.topics);
  useFocusRequestedPath();

  const set = (patch: Partial<Basics>) => saver.update('basics', { ...saver.getSnapshot().content.basics, ...patch });
  // A missing title is shown once the author left the field or went on to a later step, not on a new draft.
  const [titleTouched, setTitleTouched] = useState(false);
  const titleProblem =
    titleTouched || problemsRevealed('basics', visited)
      ? problems?.find((p) => p.path === 'basics.title' && p.severity === 'error')
      : undefined;
  const languages = LANGUAGE_TAGS.includes(basics.language) ? LANGUAGE_TAGS : [basics.language, ...LANGUAGE_TAGS];

  function addTopic() {
    const topic = newTopic.trim();
    if (!topic) {
      setNewTopicError('Type the topic first.');
      newTopicRef.current?.focus();
      return;
    }
    topicKeys.added();
    set({ topics: [...basics.topics, topic] });
    setNewTopic('');
    setNewTopicError(null);
    newTopicRef.current?.focus();
  }

  function removeTopic(index: number) {
    topicKeys.removed(index);
    set({ topics: basics.topics.filter((_, i) => i !== index) });
    // The row is gone: keep keyboard focus nearby.
    requestAnimationFrame(() => newTopicRef.current?.focus());
  }

  async function removeCover() {
    try {
      await setCover(saver, manager, null);
    } catch (error) {
      notifications.show({ color: 'red', message: `The cover image could not be deleted: ${errorMessage(error)}` });
    }
  }

  const cover = basics.coverAssetId ? assets.get(basics.coverAssetId) : undefined;

  return (
    <Stack gap="xl" component="section" aria-labelledby={`${ids}-heading`}>
      <Title order={2} size="h3" id={`${ids}-heading`}>
        Basics
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <TextInput
          label="Title"
          description="Required to publish."
          value={basics.title}
          onChange={(event) => set({ title: event.currentTarget.value })}
          onBlur={() => setTitleTouched(true)}
          error={errors.get('title') ?? titleProblem?.message}
          maxLength={210}
          data-path="basics.title"
        />
        <TextInput
          label="Version label"
          description="Optional, e.g. “2026 edition”. Learners see it beside the title."
          value={basics.versionLabel}
          onChange={(event) => set({ versionLabel: event.currentTarget.value })}
          error={errors.get('versionLabel')}
          data-path="basics.versionLabel"
        />
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Textarea
          label="Short description"
          description="Markdown: **bold**, *italic*, lists, [links](https://example.org). HTML is not allowed."
          value={basics.shortDescription}
          onChange={(event) => set({ shortDescription: event.currentTarget.value })}
          error={errors.get('shortDescription')}
          autosize
          minRows={6}
          maxRows={16}
          data-path="basics.shortDescription"
        />
        <section aria-labelledby={`${ids}-preview`}>
          <Text fw={500} size="sm" id={`${ids}-preview`} mb={4}>
            Preview
          </Text>
          <div className={classes.preview}>
            {basics.shortDescription.trim() ? (
              <Markdown headingLevel={4}>{basics.shortDescription}</Markdown>
            ) : (
              <Text c="dimmed" size="sm">
                The description appears here as learners will see it.
              </Text>
            )}
          </div>
        </section>
      </SimpleGrid>

      <section aria-labelledby={`${ids}-topics`}>
        <Title order={3} size="h4" id={`${ids}-topics`} mb={4}>
          Topics taught
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          What learners will know after the course, in the order it is taught.
        </Text>
        {basics.topics.length === 0 ? (
          <Text size="sm" mb="sm">
            No topics yet.
          </Text>
        ) : (
          <SortableList
            label="Topics taught"
            items={basics.topics.map((text, index) => ({ text, key: topicKeys.keys[index] ?? String(index) }))}
            getId={(topic) => topic.key}
            getLabel={(topic) => `topic “${topic.text}”`}
            onMove={(from, to) => {
              topicKeys.moved(from, to);
              set({ topics: arrayMove([...basics.topics], from, to) });
            }}
            renderItem={(topic, index, handle) => (
              <Group gap="xs" wrap="nowrap" align="flex-start">
                {handle}
                <TextInput
                  aria-label={`Topic ${index + 1}`}
                  value={topic.text}
                  onChange={(event) => {
                    const topics = [...basics.topics];
                    topics[index] = event.currentTarget.value;
                    set({ topics });
                  }}
                  error={errors.get(`topics.${index}`)}
                  style={{ flex: 1 }}
                  data-path={`basics.topics.${index}`}
                />
                <CloseButton aria-label={`Remove topic “${topic.text}”`} onClick={() => removeTopic(index)} mt={4} />
              </Group>
            )}
          />
        )}
        {errors.get('topics') && (
          <Text c="red.9" size="sm" mt="xs">
            {errors.get('topics')}
          </Text>
        )}
        <Group mt="sm" align="flex-end" gap="xs">
          <TextInput
            ref={newTopicRef}
            label="New topic"
            value={newTopic}
            error={newTopicError}
            onChange={(event) => {
              setNewTopic(event.currentTarget.value);
              setNewTopicError(null);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                addTopic();
              }
            }}
            maxLength={200}
            style={{ flex: 1, maxWidth: 480 }}
          />
          <Button variant="default" onClick={addTopic}>
            Add topic
          </Button>
        </Group>
      </section>

      <NativeSelect
        label="Language"
        description="The language the course is taught in."
        value={basics.language}
        onChange={(event) => set({ language: event.currentTarget.value })}
        data={languages.map((tag) => ({ value: tag, label: languageName(tag) }))}
        error={errors.get('language')}
        maw={360}
        data-path="basics.language"
      />

      <section aria-labelledby={`${ids}-cover`}>
        <Title order={3} size="h4" id={`${ids}-cover`} mb="sm">
          Cover image
        </Title>
        {basics.coverAssetId ? (
          <Group align="flex-start" gap="md" mb="md">
            {cover?.state === 'ready' && hasDerivative(cover, 'thumbnail') ? (
              <Image
                src={derivativeUrl(cover.id, 'thumbnail')}
                alt="The course's cover image"
                className={classes.cover}
              />
            ) : (
              <Stack gap={4}>
                <Text size="sm">{cover?.originalName ?? 'Cover image'}</Text>
                {cover && <AssetStateBadge asset={cover} />}
                {cover?.state === 'failed' && (
                  <Text size="sm" c="red.9">
                    {cover.reason ?? 'The image could not be processed.'} Choose another image.
                  </Text>
                )}
              </Stack>
            )}
            <Button variant="default" onClick={() => void removeCover()} data-path="basics.coverAssetId">
              Remove cover image
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed" mb="sm">
            Optional. Shown in the catalog and on the course's page.
          </Text>
        )}
        <Uploader
          scope={coverScope(snapshot.draftId)}
          draftId={snapshot.draftId}
          single
          accept="image/png,image/jpeg,image/webp,image/gif,image/avif"
          title={basics.coverAssetId ? 'Replace the cover image' : 'Upload a cover image'}
          headingOrder={4}
          viewerLinks={false}
          onAssetChanged={noteAsset}
        />
        <Text size="xs" c="dimmed" mt="xs">
          PNG, JPEG, WebP, GIF or AVIF.
        </Text>
      </section>
    </Stack>
  );
}
