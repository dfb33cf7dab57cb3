// The images a test set shows, as an export carries them: each asset once, under a file name of its own.
import type { TestSet } from '../../../shared/quiz.ts';
import { allQuestions } from '../../../shared/quiz.ts';

export interface ExportImage {
  assetId: string;
  /** The name in the export (unique, safe in a URL path). */
  name: string;
  mime: string;
  bytes: Uint8Array;
}

/** Every image asset id the test set shows, in order of appearance. */
export function testSetImageIds(testSet: TestSet): string[] {
  const ids: string[] = [];
  for (const q of allQuestions(testSet.categories)) {
    if (q.image) ids.push(q.image.assetId);
    for (const a of q.answers) if (a.image) ids.push(a.image.assetId);
  }
  return [...new Set(ids)];
}

const EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/svg+xml': 'svg',
};

/** A file name for an image: its original name cleaned, with the right extension, unique among `taken`. */
export function exportName(original: string, mime: string, taken: Set<string>): string {
  const ext = EXT[mime] ?? 'bin';
  const base =
    original
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'image';
  let name = `${base}.${ext}`;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}.${ext}`;
  taken.add(name);
  return name;
}
