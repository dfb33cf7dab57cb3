// The server calls of question import and export (routes in src/server/quizzes/routes.ts).
import type { z } from 'zod';
import type {
  ImportPreview,
  ImportTarget,
  importConfirmResponseSchema,
  importPreviewResponseSchema,
} from '../../../shared/quiz-import.ts';
import { requestBytes } from '../../api.ts';

const draftPath = (draftId: string) => `/api/drafts/${encodeURIComponent(draftId)}/test`;

export async function previewImport(draftId: string, file: File): Promise<ImportPreview> {
  const url = `${draftPath(draftId)}/import/preview?name=${encodeURIComponent(file.name)}`;
  return (await requestBytes<z.infer<typeof importPreviewResponseSchema>>(url, file)).preview;
}

export type ImportResult = z.infer<typeof importConfirmResponseSchema>;

export function confirmImport(
  draftId: string,
  file: File,
  revision: number,
  target: ImportTarget,
): Promise<ImportResult> {
  const params = new URLSearchParams({ name: file.name, revision: String(revision) });
  if ('categoryId' in target) params.set('categoryId', target.categoryId);
  else params.set('newCategory', target.newCategory);
  return requestBytes<ImportResult>(`${draftPath(draftId)}/import?${params}`, file);
}

export type ExportFormat = 'moodle-xml' | 'gift';

export function exportUrl(draftId: string, format: ExportFormat): string {
  return `${draftPath(draftId)}/export?format=${format}`;
}

export function versionExportUrl(courseId: string, version: number, format: ExportFormat): string {
  return `/api/courses/${encodeURIComponent(courseId)}/versions/${version}/test/export?format=${format}`;
}
