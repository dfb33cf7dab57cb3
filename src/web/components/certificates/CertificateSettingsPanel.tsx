// A course's certificate settings, for its author and administrators: how long certificates stay
// valid, and their look (colours, wording, signatory, the cover as a logo). Applies to
// certificates issued from now on; issued ones keep their dates and look.
import {
  Anchor,
  Alert,
  Button,
  ColorInput,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type CertificateSettings, certificateSettingsSchema } from '../../../shared/certificates.ts';
import { certificatesApi } from '../../certificates-api.ts';
import { errorMessage } from '../../forms.ts';
import { queryKeys } from '../../server-state/keys.ts';

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

  const [previewing, setPreviewing] = useState(false);
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);
  useEffect(() => () => void (previewUrl && URL.revokeObjectURL(previewUrl)), [previewUrl]);

  /** Renders a sample in the settings as they are on screen, and offers it to open. */
  async function preview() {
    if (!form) return;
    const parsed = certificateSettingsSchema.safeParse(form);
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    setPreviewing(true);
    setError(null);
    try {
      const blob = await certificatesApi.preview(courseId, parsed.data.template);
      setPreviewUrl(URL.createObjectURL(blob));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setPreviewing(false);
    }
  }

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

  const template = form?.template;
  const set = (patch: Partial<CertificateSettings['template']>) =>
    form && setForm({ ...form, template: { ...form.template, ...patch } });

  return (
    <section aria-labelledby="certificate-settings-heading">
      <Title order={2} size="h3" id="certificate-settings-heading">
        Certificate
      </Title>
      {query.error && <Text role="alert">The settings could not be loaded: {errorMessage(query.error)}</Text>}
      {form && template && (
        <Stack gap="sm" maw={720} mt="xs">
          <Text size="sm">
            Learners who complete the course get a PDF certificate. These settings apply to certificates issued from now
            on.
          </Text>
          <NumberInput
            label="Valid for (months)"
            description="Leave empty for certificates that never expire. After expiry, completing a new version issues a new certificate."
            min={1}
            max={600}
            value={form.validityMonths ?? ''}
            onChange={(value) => setForm({ ...form, validityMonths: typeof value === 'number' ? value : null })}
            maw={260}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Heading"
              value={template.heading}
              onChange={(e) => set({ heading: e.currentTarget.value })}
            />
            <TextInput
              label="Signatory"
              description="Printed under the signature line; empty for none"
              value={template.signatory}
              onChange={(e) => set({ signatory: e.currentTarget.value })}
            />
            <TextInput
              label="Before the name"
              value={template.preamble}
              onChange={(e) => set({ preamble: e.currentTarget.value })}
            />
            <TextInput
              label="Before the course title"
              value={template.completionWording}
              onChange={(e) => set({ completionWording: e.currentTarget.value })}
            />
            <ColorInput
              label="Main colour"
              // Chromium offers an eyedropper button; it needs a name (axe: button-name).
              eyeDropperButtonProps={{ 'aria-label': 'Pick the main colour from the screen' }}
              value={template.primaryColour}
              onChange={(value) => set({ primaryColour: value })}
              format="hex"
            />
            <ColorInput
              label="Accent colour"
              // Chromium offers an eyedropper button; it needs a name (axe: button-name).
              eyeDropperButtonProps={{ 'aria-label': 'Pick the accent colour from the screen' }}
              value={template.accentColour}
              onChange={(value) => set({ accentColour: value })}
              format="hex"
            />
            <Select
              label="Logo"
              data={[
                { value: 'none', label: 'No logo' },
                { value: 'cover', label: "The course's cover image" },
              ]}
              value={template.logo}
              onChange={(value) => value && set({ logo: value as 'none' | 'cover' })}
              allowDeselect={false}
            />
          </SimpleGrid>
          {error && (
            <Alert color="red" variant="light" role="alert">
              {error}
            </Alert>
          )}
          <Group>
            <Button onClick={() => void save()} loading={busy}>
              Save certificate settings
            </Button>
            <Button variant="default" onClick={() => void preview()} loading={previewing}>
              Preview a sample
            </Button>
            {previewUrl && (
              <Anchor href={previewUrl} target="_blank" rel="noopener" download="certificate-preview.pdf">
                Open the sample PDF
              </Anchor>
            )}
          </Group>
        </Stack>
      )}
    </section>
  );
}
