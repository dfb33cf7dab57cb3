// Images on questions and answers: an image asset with its required alt text. Upload goes through
// the tab's upload manager (resumable, tied to the draft so cancelling the draft purges it); the
// image joins the test set once its upload exists *and* it has alt text, because the test set's
// shape requires both. Until then it is the field's own business.
import {
  Button,
  Fieldset,
  FileButton,
  Group,
  Image,
  Loader,
  Progress,
  Stack,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useEffect, useEffectEvent, useState } from 'react';
import { type AssetView, kindFromFileName } from '../../../shared/assets.ts';
import type { QuizImage } from '../../../shared/quiz.ts';
import { ApiError } from '../../api.ts';
import { assetsApi, derivativeUrl, furtherAlong, hasDerivative, isSettled } from '../../assets-api.ts';
import { subscribeLiveEvents } from '../../live.ts';
import { useUploadManager, useUploads } from '../uploads/UploadsProvider.tsx';
import type { UploadItem } from '../uploads/upload-manager.ts';
import { focusKey, marks, useEditor } from './context.tsx';
import { RequiredText, useBuffered } from './fields.tsx';

const ALT_MAX = 300;

/** The server's view of an asset, kept current with live events until it settles. */
export function useAssetView(assetId: string | null, fromUpload?: AssetView | null): AssetView | null | 'gone' {
  const [fetched, setFetched] = useState<{ id: string; asset: AssetView | 'gone' } | null>(null);
  const own = fetched && fetched.id === assetId ? fetched.asset : null;
  const current = fromUpload && own !== 'gone' ? furtherAlong(own, fromUpload) : own;
  const settled = current !== null && (current === 'gone' || isSettled(current));

  useEffect(() => {
    if (!assetId || fromUpload) return;
    let stale = false;
    assetsApi.get(assetId).then(
      ({ asset }) => {
        if (!stale) setFetched({ id: assetId, asset });
      },
      (error: unknown) => {
        if (!stale && error instanceof ApiError && error.status === 404) setFetched({ id: assetId, asset: 'gone' });
      },
    );
    return () => {
      stale = true;
    };
  }, [assetId, fromUpload]);

  useEffect(() => {
    if (!assetId || settled || fromUpload) return;
    return subscribeLiveEvents((event) => {
      if (event.type !== 'asset' || event.data.id !== assetId) return;
      setFetched((before) => ({
        id: assetId,
        asset: furtherAlong(before?.id === assetId && before.asset !== 'gone' ? before.asset : null, event.data),
      }));
    });
  }, [assetId, settled, fromUpload]);

  return current;
}

/** An image as the learner or the author sees it, or what stands in for it while it is processed. */
export function QuizImageView({
  image,
  derivative,
  asset,
  maxWidth,
}: {
  image: { assetId: string; alt: string };
  derivative: 'thumbnail' | 'web';
  asset: AssetView | null | 'gone';
  maxWidth: number;
}) {
  if (asset === 'gone') {
    return (
      <Text c="red.9" size="sm">
        The image is no longer available. Choose another one.
      </Text>
    );
  }
  if (asset?.state === 'failed' || asset?.state === 'missing') {
    return (
      <Text c="red.9" size="sm">
        The image could not be used: {asset.reason ?? 'it could not be processed.'}
      </Text>
    );
  }
  if (asset?.state !== 'ready' || !hasDerivative(asset, derivative)) {
    return (
      <Group gap="xs" role="status">
        <Loader size="xs" aria-hidden="true" />
        <Text size="sm">Preparing the image…</Text>
      </Group>
    );
  }
  return (
    <Image src={derivativeUrl(image.assetId, derivative)} alt={image.alt} maw={maxWidth} fit="contain" radius="sm" />
  );
}

/** The image inside the editor, with the live state of its asset. */
function EditorImage({ image, upload }: { image: { assetId: string; alt: string }; upload: UploadItem | undefined }) {
  const fromUpload = upload?.assetId === image.assetId ? upload.asset : null;
  const asset = useAssetView(image.assetId, fromUpload);
  return <QuizImageView image={image} derivative="thumbnail" asset={asset} maxWidth={200} />;
}

interface ImageFieldProps {
  /** The question's or answer's id: this field's uploads are kept apart from every other's. */
  ownerId: string;
  /** "Question image", "Image for answer 2". */
  legend: string;
  /** What the image belongs to, for the buttons' names: "the question", "answer 2". */
  subject: string;
  image: QuizImage | null;
  onChange: (image: QuizImage | null) => void;
  /** Where the rules report this image's alt text, e.g. `categories.0.questions.1.image.alt`. */
  altPath: string;
}

export function ImageField({ ownerId, legend, subject, image, onChange, altPath }: ImageFieldProps) {
  const editor = useEditor();
  const { draftId, requestFocus } = editor;
  const problems = editor.problems();
  const manager = useUploadManager();
  const scope = `test-editor-image:${ownerId}`;
  const upload = useUploads(scope).scoped.at(-1);
  const [chooseError, setChooseError] = useState<string | null>(null);
  const [alt, setAlt] = useBuffered(image?.alt ?? '');
  // A new upload that is not in the test set yet (no alt text so far, or the server has not named it).
  const pendingAssetId =
    upload && upload.status !== 'failed' && upload.assetId !== image?.assetId ? upload.assetId : null;
  const pendingUpload = upload && upload.status !== 'failed' && upload.assetId !== image?.assetId;

  // The upload got its id after the alt text was written: now the image can join the test set.
  const attach = useEffectEvent((assetId: string) => onChange({ assetId, alt }));
  useEffect(() => {
    if (pendingAssetId && alt !== '') attach(pendingAssetId);
  }, [pendingAssetId, alt]);

  function choose(file: File | null) {
    setChooseError(null);
    if (!file) return;
    if (kindFromFileName(file.name) !== 'image') {
      setChooseError(`${file.name} is not an image. Choose a PNG, JPEG, WebP, GIF, AVIF or SVG file.`);
      return;
    }
    dropUploads();
    // A new picture needs its own description.
    setAlt('');
    manager.add([file], scope, { draftId });
    requestFocus(`image:${ownerId}:alt`);
  }

  function commitAlt(text: string) {
    setAlt(text);
    const assetId = pendingAssetId ?? image?.assetId;
    if (assetId) onChange({ assetId, alt: text });
  }

  /** Stops or forgets this field's upload; one that finished without joining the test set is handed on. */
  function dropUploads() {
    for (const item of manager.getSnapshot().items.filter((i) => i.scope === scope)) {
      if (item.status === 'uploaded' || item.status === 'failed') manager.dismiss(item.key);
      // Cancelling deletes the unfinished upload's file on the server.
      else void manager.cancel(item.key);
      if (item.status === 'uploaded' && item.assetId && item.assetId !== image?.assetId) {
        editor.imagesAbandoned([item.assetId]);
      }
    }
  }

  function remove() {
    dropUploads();
    setAlt('');
    onChange(null);
    requestFocus(`image:${ownerId}:choose`);
  }

  const shown = pendingUpload ? (pendingAssetId ? { assetId: pendingAssetId, alt } : null) : image;
  const uploading = pendingUpload && upload.status !== 'uploaded';
  const hasImage = Boolean(image || pendingUpload);
  const altError = problems.errorAt(altPath);

  return (
    <Fieldset legend={legend} variant="unstyled">
      <Stack gap="xs">
        {shown && <EditorImage image={shown} upload={upload} />}
        {uploading && upload && (
          <Stack gap={4}>
            <Text size="sm">
              Uploading {upload.name}
              {upload.error ? ` — ${upload.error}` : '…'}
            </Text>
            <Progress
              value={upload.size ? (upload.bytesSent / upload.size) * 100 : 0}
              aria-label={`Upload of ${upload.name}`}
            />
          </Stack>
        )}
        {upload?.status === 'failed' && (
          <Text c="red.9" size="sm" role="alert">
            {upload.name} could not be uploaded: {upload.error}
          </Text>
        )}
        {chooseError && (
          <Text c="red.9" size="sm" role="alert">
            {chooseError}
          </Text>
        )}
        {hasImage && (
          <RequiredText
            label="Alt text"
            description="Describe the image for learners who cannot see it."
            value={alt}
            onCommit={commitAlt}
            maxLength={ALT_MAX}
            requiredMessage="Describe the image for learners who cannot see it."
            error={altError}
            focus={marks(altPath, 'image', ownerId, 'alt')}
          />
        )}
        <Group gap="xs">
          <FileButton onChange={choose} accept="image/*">
            {(props) => (
              <Button variant="default" size="xs" {...props} {...focusKey('image', ownerId, 'choose')}>
                {hasImage ? 'Replace the image' : 'Add an image'}
                <VisuallyHidden>{hasImage ? ` of ${subject}` : ` to ${subject}`}</VisuallyHidden>
              </Button>
            )}
          </FileButton>
          {hasImage && (
            <Button variant="subtle" color="red" size="xs" onClick={remove}>
              Remove the image<VisuallyHidden> of {subject}</VisuallyHidden>
            </Button>
          )}
        </Group>
      </Stack>
    </Fieldset>
  );
}
