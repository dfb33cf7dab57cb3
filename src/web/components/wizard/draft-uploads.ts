// Uploads started in the wizard join the draft as soon as the server knows their file (its upload
// has begun), whichever step is on screen when that happens: the wizard listens for the whole
// draft, not the Files step alone, and on opening it picks up uploads this tab started earlier.
import { useEffect } from 'react';
import type { DraftFile } from '../../../shared/drafts.ts';
import type { UploadItem, UploadManager } from '../uploads/upload-manager.ts';
import type { DraftSaver } from './draft-saver.ts';
import { placeUploadedFile, uploadSequence } from './file-order.ts';
import { purgeRemovedAsset } from './purge.ts';

export const filesScope = (draftId: string) => `draft:${draftId}:files`;
export const coverScope = (draftId: string) => `draft:${draftId}:cover`;
export const signatureScope = (draftId: string) => `draft:${draftId}:signature`;

/**
 * Adds an uploaded file to the course's files (once), titled after its name, in the order the
 * author chose the files rather than the order their uploads started (see file-order.ts).
 */
export function addUploadedFile(saver: DraftSaver, manager: UploadManager, item: UploadItem, assetId: string): void {
  const { files } = saver.getSnapshot().content;
  const sequences = new Map<string, number>();
  for (const upload of manager.getSnapshot().items) {
    const sequence = uploadSequence(upload.key);
    if (upload.assetId && sequence !== undefined) sequences.set(upload.assetId, sequence);
  }
  const file: DraftFile = { assetId, title: item.name.slice(0, 200), description: '', required: true };
  const next = placeUploadedFile(files, file, uploadSequence(item.key), (id) => sequences.get(id));
  if (next.length !== files.length) saver.update('files', next);
}

/** Sets (or clears) the cover; the previous image is deleted once the draft is saved without it. */
export async function setCover(saver: DraftSaver, manager: UploadManager, assetId: string | null): Promise<void> {
  const { basics } = saver.getSnapshot().content;
  const previous = basics.coverAssetId;
  if (previous === assetId) return;
  saver.update('basics', { ...basics, coverAssetId: assetId });
  if (previous) await purgeRemovedAsset(saver, manager, previous);
}

/** The file is gone from the server (its upload was cancelled): the draft must not name it. */
export function forgetRemovedFile(saver: DraftSaver, assetId: string): void {
  const { files, basics } = saver.getSnapshot().content;
  if (files.some((f) => f.assetId === assetId)) {
    saver.update(
      'files',
      files.filter((f) => f.assetId !== assetId),
    );
  }
  if (basics.coverAssetId === assetId)
    saver.update('basics', { ...saver.getSnapshot().content.basics, coverAssetId: null });
  const { certificate } = saver.getSnapshot().content;
  if (certificate.template.signatureAssetId === assetId)
    saver.update('certificate', { ...certificate, template: { ...certificate.template, signatureAssetId: null } });
}

function belongs(item: UploadItem, draftId: string): boolean {
  return item.draftId === draftId;
}

/** Keeps the draft's files and cover in step with this tab's uploads for it. */
export function useDraftUploads(
  saver: DraftSaver,
  manager: UploadManager,
  draftId: string,
  onError: (message: string) => void,
): void {
  useEffect(() => {
    // Uploads that started while the wizard was closed (in this tab) join now.
    for (const item of manager.getSnapshot().items) {
      if (belongs(item, draftId) && item.scope === filesScope(draftId) && item.assetId) {
        addUploadedFile(saver, manager, item, item.assetId);
      }
    }
    return manager.onEvent((event) => {
      if (!belongs(event.item, draftId)) return;
      if (event.type === 'created') {
        if (event.item.scope === filesScope(draftId)) addUploadedFile(saver, manager, event.item, event.assetId);
        if (event.item.scope === coverScope(draftId)) {
          setCover(saver, manager, event.assetId).catch((error: unknown) =>
            onError(
              `The previous cover image could not be deleted: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
        }
      } else if (event.type === 'removed' && event.assetId) {
        forgetRemovedFile(saver, event.assetId);
      }
    });
  }, [saver, manager, draftId, onError]);
}
