// The fields of a course's certificate settings (validity, colours, wording, logo, signature
// image), one form for the course page and the wizard: each owner keeps the value and saves it its
// own way (a Save button, the draft's autosave).
import { Button, ColorInput, Group, Image, NumberInput, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useRef } from 'react';
import type { AssetView } from '../../../shared/assets.ts';
import type { CertificateSettings, CertificateTemplate } from '../../../shared/certificates.ts';
import { derivativeUrl, hasDerivative } from '../../assets-api.ts';
import { AssetStateBadge } from '../AssetStateBadge.tsx';
import { Uploader } from '../uploads/Uploader.tsx';

export interface SignatureUpload {
  /** Keeps this uploader's rows apart from others on the page. */
  scope: string;
  /** In the wizard: the upload belongs to the draft (cancelling the draft removes it). */
  draftId?: string;
  /** The chosen image as the server last described it (state, thumbnail), when known. */
  asset?: AssetView;
  onAssetChanged?: (asset: AssetView) => void;
}

export function CertificateSettingsForm({
  value,
  onChange,
  signature,
  headingOrder = 3,
}: {
  value: CertificateSettings;
  onChange: (next: CertificateSettings) => void;
  signature: SignatureUpload;
  /** The level of the signature's heading inside the form. */
  headingOrder?: 3 | 4;
}) {
  const template = value.template;
  // The uploader calls back when its upload starts, perhaps after other edits: build on the latest value.
  const latest = useRef(value);
  latest.current = value;
  const set = (patch: Partial<CertificateTemplate>) =>
    onChange({ ...latest.current, template: { ...latest.current.template, ...patch } });
  const image = signature.asset;

  return (
    <Stack gap="sm">
      <NumberInput
        label="Valid for (months)"
        description="Leave empty for certificates that never expire. After expiry, completing a new version issues a new certificate."
        min={1}
        max={600}
        value={value.validityMonths ?? ''}
        onChange={(months) => onChange({ ...value, validityMonths: typeof months === 'number' ? months : null })}
        maw={260}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Heading"
          value={template.heading}
          onChange={(e) => set({ heading: e.currentTarget.value })}
          error={template.heading.trim() === '' ? 'The certificate needs a heading' : undefined}
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
          onChange={(colour) => set({ primaryColour: colour })}
          format="hex"
        />
        <ColorInput
          label="Accent colour"
          eyeDropperButtonProps={{ 'aria-label': 'Pick the accent colour from the screen' }}
          value={template.accentColour}
          onChange={(colour) => set({ accentColour: colour })}
          format="hex"
        />
        <Select
          label="Logo"
          data={[
            { value: 'none', label: 'No logo' },
            { value: 'cover', label: "The course's cover image" },
          ]}
          value={template.logo}
          onChange={(logo) => logo && set({ logo: logo as 'none' | 'cover' })}
          allowDeselect={false}
        />
      </SimpleGrid>

      {/* A review problem about the signature ("Fix it below") lands here. */}
      <Title order={headingOrder} size="h5" mt="xs" tabIndex={-1} data-path="certificate.template.signatureAssetId">
        Signature image
      </Title>
      {template.signatureAssetId ? (
        <Group align="flex-start" gap="md">
          {image?.state === 'ready' && hasDerivative(image, 'thumbnail') ? (
            <Image
              src={derivativeUrl(image.id, 'thumbnail')}
              alt="The signature printed on the certificate"
              maw={200}
              mah={60}
              fit="contain"
            />
          ) : (
            <Stack gap={4}>
              <Text size="sm">{image?.originalName ?? 'Signature image'}</Text>
              {image && <AssetStateBadge asset={image} />}
            </Stack>
          )}
          <Button variant="default" onClick={() => set({ signatureAssetId: null })}>
            Remove the signature image
          </Button>
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          Optional. Printed above the signature line; a dark signature on a transparent or white background works best.
        </Text>
      )}
      <Uploader
        scope={signature.scope}
        draftId={signature.draftId}
        single
        accept="image/png,image/jpeg,image/webp"
        title={template.signatureAssetId ? 'Replace the signature image' : 'Upload a signature image'}
        headingOrder={4}
        viewerLinks={false}
        onAssetCreated={(assetId) => set({ signatureAssetId: assetId })}
        onAssetChanged={signature.onAssetChanged}
      />
    </Stack>
  );
}
