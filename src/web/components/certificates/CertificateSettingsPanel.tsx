// A course's certificate settings, for its author and administrators: how long certificates stay
// valid, and their look (colours, wording, signatory and signature image, the cover as a logo),
// with a live preview. Applies to certificates issued from now on; issued ones keep their dates and look.
import { Alert, Button, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type CertificateSettings, certificateSettingsSchema } from '../../../shared/certificates.ts';
import type { AssetView } from '../../../shared/assets.ts';
import { assetsApi } from '../../assets-api.ts';
import { certificatesApi } from '../../certificates-api.ts';
import { errorMessage } from '../../forms.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { CertificatePreview } from './CertificatePreview.tsx';
import { CertificateSettingsForm } from './CertificateSettingsForm.tsx';

export function CertificateSettingsPanel({ courseId }: { courseId: string }) {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.certificateSettings(courseId),
    queryFn: () => certificatesApi.settings(courseId),
  });
  const [form, setForm] = useState<CertificateSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (query.data && !form) setForm(query.data.settings);
  }, [query.data, form]);

  // The signature image as the uploader last reported it, else as the server has it.
  const [signatureAsset, setSignatureAsset] = useState<AssetView | undefined>(undefined);
  const signatureId = form?.template.signatureAssetId ?? null;
  const signatureQuery = useQuery({
    queryKey: queryKeys.asset(signatureId ?? ''),
    // The same entry the uploads keep up to date (an AssetView).
    queryFn: async () => (await assetsApi.get(signatureId as string)).asset,
    enabled: signatureId !== null && signatureAsset?.id !== signatureId,
    retry: false,
  });
  const signature = signatureAsset?.id === signatureId ? signatureAsset : signatureQuery.data;

  async function save() {
    if (!form) return;
    const parsed = certificateSettingsSchema.safeParse(form);
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { settings } = await certificatesApi.saveSettings(courseId, parsed.data);
      client.setQueryData(queryKeys.certificateSettings(courseId), { settings });
      notifications.show({
        color: 'green',
        message: 'Certificate settings saved. They apply to certificates issued from now on.',
      });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="certificate-settings-heading">
      <Title order={2} size="h3" id="certificate-settings-heading">
        Certificate
      </Title>
      {query.error && <Text role="alert">The settings could not be loaded: {errorMessage(query.error)}</Text>}
      {form && (
        <SimpleGrid cols={{ base: 1, lg: 2 }} mt="xs" spacing="xl">
          <Stack gap="sm">
            <Text size="sm">
              Learners who complete the course get a PDF certificate. These settings apply to certificates issued from
              now on.
            </Text>
            <CertificateSettingsForm
              value={form}
              onChange={setForm}
              signature={{ scope: `course:${courseId}:signature`, asset: signature, onAssetChanged: setSignatureAsset }}
            />
            {error && (
              <Alert color="red" variant="light" role="alert">
                {error}
              </Alert>
            )}
            <Group>
              <Button onClick={() => void save()} loading={busy}>
                Save certificate settings
              </Button>
            </Group>
          </Stack>
          <section aria-label="Preview of the certificate">
            <CertificatePreview
              template={form.template}
              render={(template, signal) => certificatesApi.preview(courseId, template, signal)}
              refreshKey={signature?.state ?? ''}
            />
          </section>
        </SimpleGrid>
      )}
    </section>
  );
}
