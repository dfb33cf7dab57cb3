// Where a newly uploaded file joins the course's files: in the order the author chose the files
// (the order they were dropped or picked), not the order their uploads happened to start on the
// server. Files uploaded earlier, or reordered by the author, keep their places.
import type { DraftFile } from '../../../shared/drafts.ts';

/**
 * The files with `file` added: just before the first file whose upload was chosen after this one
 * (`sequenceOf` gives an upload's place in the order chosen, or undefined for a file not uploaded
 * from this tab, e.g. in an earlier visit), else at the end. Unchanged if it is there already.
 */
export function placeUploadedFile(
  files: readonly DraftFile[],
  file: DraftFile,
  sequence: number | undefined,
  sequenceOf: (assetId: string) => number | undefined,
): DraftFile[] {
  // A resumed upload announces its file again: it is in the list already.
  if (files.some((f) => f.assetId === file.assetId)) return [...files];
  if (sequence === undefined) return [...files, file];
  const at = files.findIndex((f) => {
    const other = sequenceOf(f.assetId);
    return other !== undefined && other > sequence;
  });
  return at === -1 ? [...files, file] : [...files.slice(0, at), file, ...files.slice(at)];
}

/** An upload's place in the order files were chosen in this tab (its key is `upload-<n>`, n counting up). */
export function uploadSequence(key: string): number | undefined {
  const match = /^upload-(\d+)$/.exec(key);
  return match ? Number(match[1]) : undefined;
}
