// Certificates from the browser: the learner's own (list, PDF link), public verification by code
// and by uploaded PDF (works signed out), administrators' search, revoke and re-issue, and a
// course's certificate settings.
import type { z } from 'zod';
import type {
  adminCertificateResponseSchema,
  adminCertificatesResponseSchema,
  CertificateSettings,
  certificateSettingsResponseSchema,
  certificatesResponseSchema,
  certificateTemplateSchema,
  revokeSchema,
  UploadVerification,
  VerificationView,
  verificationResponseSchema,
} from '../shared/certificates.ts';
import { ApiError, getCsrfToken, request } from './api.ts';

export type VerifyUploadAnswer = UploadVerification;
type AdminCertificateAnswer = z.infer<typeof adminCertificateResponseSchema>;
type SettingsAnswer = z.infer<typeof certificateSettingsResponseSchema>;

export const certificatesApi = {
  mine: () => request<z.infer<typeof certificatesResponseSchema>>('GET', '/api/certificates'),
  /** Null for a code that was not issued here (404). */
  verify: async (code: string): Promise<VerificationView | null> => {
    try {
      const path = `/api/verify/${encodeURIComponent(code)}`;
      return (await request<z.infer<typeof verificationResponseSchema>>('GET', path)).certificate;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },
  /** The PDF goes as the raw body; only its hash is compared, nothing is kept. */
  verifyUpload: async (file: File): Promise<VerifyUploadAnswer> => {
    const response = await fetch('/api/verify/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/pdf', accept: 'application/json', 'x-csrf-token': await getCsrfToken() },
      credentials: 'same-origin',
      body: file,
    });
    const data = await response.json().catch(() => null);
    if (!response.ok)
      throw new ApiError(
        response.status,
        data ?? { error: 'http_error', message: `The server answered ${response.status}.` },
      );
    return data as VerifyUploadAnswer;
  },
  search: (q: string) =>
    request<z.infer<typeof adminCertificatesResponseSchema>>(
      'GET',
      `/api/admin/certificates?q=${encodeURIComponent(q)}`,
    ),
  revoke: (id: string, reason: string) =>
    request<AdminCertificateAnswer>('POST', `/api/admin/certificates/${encodeURIComponent(id)}/revoke`, {
      reason,
    } satisfies z.input<typeof revokeSchema>),
  reissue: (id: string) =>
    request<AdminCertificateAnswer>('POST', `/api/admin/certificates/${encodeURIComponent(id)}/reissue`, {}),
  settings: (courseId: string) =>
    request<SettingsAnswer>('GET', `/api/courses/${encodeURIComponent(courseId)}/certificate-settings`),
  /** A sample PDF in this template (the settings need not be saved). */
  preview: (courseId: string, template: z.input<typeof certificateTemplateSchema>, signal?: AbortSignal) =>
    samplePdf(`/api/courses/${encodeURIComponent(courseId)}/certificate-preview`, template, signal),
  /** A sample PDF of a draft in this template (the wizard's live preview; nothing is saved). */
  draftPreview: (draftId: string, template: z.input<typeof certificateTemplateSchema>, signal?: AbortSignal) =>
    samplePdf(`/api/drafts/${encodeURIComponent(draftId)}/certificate-preview`, template, signal),
  saveSettings: (courseId: string, settings: CertificateSettings) =>
    request<SettingsAnswer>('PUT', `/api/courses/${encodeURIComponent(courseId)}/certificate-settings`, settings),
};

/** A sample certificate PDF's bytes; the request is aborted when a newer preview replaces it. */
async function samplePdf(
  url: string,
  template: z.input<typeof certificateTemplateSchema>,
  signal?: AbortSignal,
): Promise<Blob> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': await getCsrfToken() },
    credentials: 'same-origin',
    body: JSON.stringify(template),
    signal,
  });
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    throw new ApiError(response.status, data ?? { error: 'http_error', message: `The server answered ${response.status}.` });
  }
  return response.blob();
}

export const certificatePdfUrl = (id: string) => `/api/certificates/${encodeURIComponent(id)}/pdf`;
