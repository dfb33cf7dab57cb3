// A live preview of a certificate template: a moment after the author stops typing, the server
// renders a sample PDF (nothing stored) and pdf.js shows it. A newer change aborts the request on
// its way, and an answer that arrives for an older template is dropped, so the preview never goes
// back to what the author has already changed.
import { Alert, Paper, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { type CertificateTemplate, certificateTemplateSchema } from '../../../shared/certificates.ts';
import { errorMessage } from '../../forms.ts';
import { PdfViewer } from '../viewers/PdfViewer.tsx';

/** How long the author must pause before the preview is rendered again. */
export const PREVIEW_DEBOUNCE_MS = 600;

export function CertificatePreview({
  template,
  render,
  refreshKey = '',
}: {
  template: CertificateTemplate;
  /** Asks the server for a sample PDF in this template. */
  render: (template: CertificateTemplate, signal: AbortSignal) => Promise<Blob>;
  /** Anything else the sample depends on (the signature image becoming ready): a change renders again. */
  refreshKey?: string;
}) {
  const parsed = certificateTemplateSchema.safeParse(template);
  const wanted = parsed.success ? JSON.stringify(parsed.data) : null;
  const [pdf, setPdf] = useState<Uint8Array | null>(null);
  const [updating, setUpdating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `wanted` is the template; `render` may be a new function each time
  useEffect(() => {
    if (wanted === null) return;
    const controller = new AbortController();
    let current = true;
    setUpdating(true);
    const timer = setTimeout(async () => {
      try {
        const blob = await render(JSON.parse(wanted) as CertificateTemplate, controller.signal);
        const bytes = new Uint8Array(await blob.arrayBuffer());
        if (!current) return;
        setPdf(bytes);
        setError(null);
      } catch (err) {
        if (current) setError(errorMessage(err));
      } finally {
        if (current) setUpdating(false);
      }
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
      controller.abort();
    };
  }, [wanted, refreshKey]);

  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed" role="status">
        {wanted === null
          ? 'Fix the fields marked above to update the preview.'
          : updating
            ? 'Updating the preview…'
            : pdf
              ? 'The preview shows the settings as they are now.'
              : ''}
      </Text>
      {error && (
        <Alert color="red" variant="light" title="The preview could not be made">
          {error}
        </Alert>
      )}
      <Paper withBorder p="xs" data-testid="certificate-preview">
        {pdf ? (
          <PdfViewer data={pdf} name="the sample certificate" describeWithText />
        ) : (
          <Text size="sm" c="dimmed">
            {updating ? 'Making a sample certificate…' : 'The sample certificate appears here.'}
          </Text>
        )}
      </Paper>
    </Stack>
  );
}
