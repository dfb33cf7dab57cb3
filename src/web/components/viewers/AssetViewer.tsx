// A ready file in the viewer that suits it: PDF (and Office shown as PDF), Word preview, image,
// audio, video, Flash, or a note to download it. Used by the file page and the course player, which
// follows what the learner does through the optional callbacks.
import { Alert, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { AssetView } from '../../../shared/assets.ts';
import { derivativeUrl, hasDerivative, originalUrl } from '../../assets-api.ts';
import { playbackErrorMessage, playbackFailure } from '../player/sources.ts';
import { VideoSection } from '../player/VideoSection.tsx';
import { FlashViewer } from './FlashViewer.tsx';
import { PdfViewer } from './PdfViewer.tsx';

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export interface AssetViewerProps {
  asset: AssetView;
  /** How the file is named to assistive technology (its title in a course, else its file name). */
  name: string;
  /** Its author may edit a video's captions under it. */
  editable?: boolean;
  /** Documents: the page to open at, and each page drawn on screen. */
  initialPage?: number;
  onPageShown?: (page: number, pageCount: number) => void;
  /** Video and audio: the media element, to follow what is played. */
  onMedia?: (media: HTMLMediaElement | null) => void;
  /** Images, previews and Flash: shown. */
  onShown?: () => void;
}

export function AssetViewer({ asset, name, editable = false, initialPage, onPageShown, onMedia, onShown }: AssetViewerProps) {
  const shownRef = useRef(onShown);
  shownRef.current = onShown;
  const shownOnMount = asset.viewer === 'html' || asset.viewer === 'image' || asset.viewer === 'flash';
  useEffect(() => {
    if (shownOnMount) shownRef.current?.();
  }, [shownOnMount]);

  switch (asset.viewer) {
    case 'pdf':
      return (
        <PdfViewer
          url={asset.kind === 'pdf' ? originalUrl(asset.id) : derivativeUrl(asset.id, 'pdf')}
          name={name}
          initialPage={initialPage}
          onPageShown={onPageShown}
        />
      );
    case 'html':
      return <iframe className="preview-frame" sandbox="" title={`Preview of ${name}`} src={derivativeUrl(asset.id, 'html')} />;
    case 'image': {
      const description = asset.metadata.description;
      return (
        <img
          className="image-preview"
          src={derivativeUrl(asset.id, 'web')}
          alt={typeof description === 'string' && description.trim() ? description : name}
          width={numberOf(asset.metadata.width)}
          height={numberOf(asset.metadata.height)}
        />
      );
    }
    case 'audio':
      return <AudioPlayer asset={asset} name={name} onMedia={onMedia} />;
    case 'video':
      return <VideoSection asset={asset} editable={editable} onMedia={onMedia} />;
    case 'flash':
      return (
        <FlashViewer
          assetId={asset.id}
          name={name}
          width={numberOf(asset.metadata.width)}
          height={numberOf(asset.metadata.height)}
        />
      );
    default:
      return <Text>This file can't be shown in the browser. Download it to open it.</Text>;
  }
}

function AudioPlayer({
  asset,
  name,
  onMedia,
}: {
  asset: AssetView;
  name: string;
  onMedia?: (media: HTMLMediaElement | null) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <Stack gap="xs">
      {/* biome-ignore lint/a11y/useMediaCaption: captions are added with the media pipeline; audio has none yet */}
      <audio
        ref={onMedia}
        className="media-preview"
        controls
        preload="metadata"
        aria-label={name}
        src={hasDerivative(asset, 'audio') ? derivativeUrl(asset.id, 'audio') : originalUrl(asset.id)}
        onError={(e) => {
          const failed = e.currentTarget.error;
          if (failed) setError(playbackErrorMessage(playbackFailure({ mediaErrorCode: failed.code }), 'audio'));
        }}
      />
      {error && (
        <Alert color="red" variant="light" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
