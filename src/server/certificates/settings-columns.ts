// A course's certificate settings as its columns hold them, both ways: the template as JSON without
// its signature, which has a column of its own (db/references.ts keeps the image alive through it).
// Pure: shared by the certificate settings and by publishing a draft.
import {
  type CertificateSettings,
  type CertificateTemplate,
  certificateTemplateSchema,
  DEFAULT_CERTIFICATE_TEMPLATE,
} from '../../shared/certificates.ts';

export interface CertificateSettingsColumns {
  certificate_validity_months: number | null;
  certificate_template: string | null;
  certificate_signature_asset_id: string | null;
}

/** A stored template (null: the default look); anything unreadable falls back to the default. */
export function parseTemplate(json: string | null, signatureAssetId?: string | null): CertificateTemplate {
  const stored = json ? (JSON.parse(json) as Partial<CertificateTemplate>) : {};
  const merged = { ...DEFAULT_CERTIFICATE_TEMPLATE, ...stored };
  if (signatureAssetId !== undefined) merged.signatureAssetId = signatureAssetId;
  const parsed = certificateTemplateSchema.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_CERTIFICATE_TEMPLATE;
}

export function settingsFromColumns(row: CertificateSettingsColumns): CertificateSettings {
  return {
    validityMonths: row.certificate_validity_months,
    template: parseTemplate(row.certificate_template, row.certificate_signature_asset_id),
  };
}

export function columnsOfSettings(settings: CertificateSettings): CertificateSettingsColumns {
  const { signatureAssetId, ...look } = settings.template;
  return {
    certificate_validity_months: settings.validityMonths,
    certificate_template: JSON.stringify(look),
    certificate_signature_asset_id: signatureAssetId,
  };
}
