// Plays a Flash (SWF) file with Ruffle. The player runs in a frame of its own
// (/viewers/flash.html, see src/web/viewers/flash.ts): only that document gets the CSP that Ruffle
// needs (WebAssembly compilation), and the app keeps its strict one.
import { Alert, Center, Loader, Stack, Text } from '@mantine/core';
import { type CSSProperties, useEffect, useRef, useState } from 'react';
import type { FlashFrameMessage } from '../../viewers/flash.ts';

interface FlashViewerProps {
  assetId: string;
  name: string;
  /** The movie's stage size in pixels, if known, for the player's proportions. */
  width?: number;
  height?: number;
}

function isFrameMessage(data: unknown): data is FlashFrameMessage {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'lectern:flash';
}

export function FlashViewer({ assetId, name, width, height }: FlashViewerProps) {
  const frameRef = useRef<HTMLIFrameElement>(null);
  const [status, setStatus] = useState<'loading' | 'playing' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setStatus('loading');
    setError(null);
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin || event.source !== frameRef.current?.contentWindow) return;
      if (!isFrameMessage(event.data)) return;
      if (event.data.status === 'playing') {
        setStatus('playing');
      } else {
        setStatus('error');
        setError(event.data.message);
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);

  const src = `/viewers/flash.html?${new URLSearchParams({ asset: assetId, name })}`;
  const aspect: CSSProperties | undefined =
    width && height && width > 0 && height > 0
      ? ({ '--flash-aspect': `${width} / ${height}` } as CSSProperties)
      : undefined;

  return (
    <Stack gap="sm">
      {status === 'loading' && (
        <Center role="status" py="xs" style={{ justifyContent: 'flex-start' }}>
          <Loader size="sm" aria-hidden="true" />
          <Text ml="sm">Starting the Flash player…</Text>
        </Center>
      )}
      {status === 'error' && (
        <Alert color="red" variant="light" title="The Flash movie could not be played">
          {error} Download the file to open it in another program.
        </Alert>
      )}
      <iframe ref={frameRef} className="flash-stage" style={aspect} title={`Flash player for ${name}`} src={src} />
      <Text size="sm" c="dimmed">
        Played with Ruffle, a Flash emulator. The movie cannot open links or reach the network; some movies may not
        work.
      </Text>
    </Stack>
  );
}
