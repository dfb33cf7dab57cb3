// Moving questions in and out of a test set: a Moodle XML, GIFT or Aiken file previewed (nothing
// stored) then confirmed (its images stored as the owner's assets, the test set saved through the
// drafts service with its revision check, in one step); a draft's or course version's test set
// exported as Moodle XML (images embedded) or GIFT.
import type { TestSet } from '../../shared/quiz.ts';
import {
  type ImportPreview,
  type ImportTarget,
  importedQuestions,
  type ParsedImport,
  placeImport,
} from '../../shared/quiz-import.ts';
import type { DraftView } from '../../shared/drafts.ts';
import type { AssetsRepository } from '../assets/repository.ts';
import type { AssetsService } from '../assets/service.ts';
import type { CoursesService } from '../courses/service.ts';
import type { DraftsRepository } from '../drafts/repository.ts';
import type { DraftsService } from '../drafts/service.ts';
import { conflict, DomainError, forbidden, invalid, notFound, tooLarge } from '../errors.ts';
import { mayImportInto } from '../policies.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { UserRow } from '../users/repository.ts';
import { toGift } from './export/gift.ts';
import { type ExportImage, exportName, testSetImageIds } from './export/images.ts';
import { toMoodleXml } from './export/moodle-xml.ts';
import { ImportError, parseImport } from './import/index.ts';

export type ExportFormat = 'moodle-xml' | 'gift';

export interface ExportFile {
  fileName: string;
  contentType: string;
  body: string;
}

export function createQuizTransferService(deps: {
  drafts: DraftsService;
  draftRows: Pick<DraftsRepository, 'find'>;
  assets: Pick<AssetsService, 'checkEmbedded' | 'storeEmbedded' | 'remove'>;
  assetRows: Pick<AssetsRepository, 'findMany'>;
  courses: Pick<CoursesService, 'view'>;
  blobStore: Pick<BlobStore, 'read'>;
}) {
  /** The draft, if this user may import into it (its owner: the images become their files). */
  async function importableDraft(user: UserRow, draftId: string): Promise<DraftView> {
    const row = await deps.draftRows.find(draftId);
    if (!row) throw notFound('No such draft.');
    const draft = await deps.drafts.get(user, draftId);
    if (!mayImportInto(user, { ownerId: row.owner_id })) {
      throw forbidden('Only the draft’s author can import questions into it (the images become their files).');
    }
    return draft;
  }

  /** Parses and checks every image's bytes; a file that cannot be read, or an image that is not one, is refused whole. */
  async function read(bytes: Uint8Array, fileName: string): Promise<ParsedImport> {
    let parsed: ParsedImport;
    try {
      parsed = parseImport(bytes, fileName);
    } catch (err) {
      if (err instanceof ImportError) {
        throw err.code === 'import_too_large' ? tooLarge(err.message, err.code) : invalid(err.message, err.code);
      }
      throw err;
    }
    for (const image of parsed.images) {
      const checked = await deps.assets.checkEmbedded({ name: image.name, bytes: image.bytes, kind: 'image' });
      if (!checked.ok) {
        throw invalid(
          `The embedded image ${image.name} was refused: ${checked.reason} Nothing was imported.`,
          'import_bad_image',
        );
      }
      image.mime = checked.mime;
    }
    return parsed;
  }

  async function exportImages(testSet: TestSet): Promise<Map<string, ExportImage>> {
    const ids = testSetImageIds(testSet);
    const rows = await deps.assetRows.findMany(ids);
    const taken = new Set<string>();
    const out = new Map<string, ExportImage>();
    for (const row of rows) {
      if (!row.blob_key || !row.mime) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await deps.blobStore.read(row.blob_key)) chunks.push(chunk as Buffer);
      out.set(row.id, {
        assetId: row.id,
        name: exportName(row.original_name, row.mime, taken),
        mime: row.mime,
        bytes: Buffer.concat(chunks),
      });
    }
    return out;
  }

  async function exportFile(testSet: TestSet, title: string, format: ExportFormat): Promise<ExportFile> {
    const base =
      (title.trim() || 'test')
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 80) || 'test';
    if (format === 'gift') {
      return {
        fileName: `${base}.gift.txt`,
        contentType: 'text/plain; charset=utf-8',
        body: toGift(testSet, title.trim() || 'Test'),
      };
    }
    return {
      fileName: `${base}.moodle.xml`,
      contentType: 'application/xml; charset=utf-8',
      body: toMoodleXml(testSet, await exportImages(testSet)),
    };
  }

  return {
    /** What the file would add: nothing is stored. */
    async preview(user: UserRow, draftId: string, bytes: Uint8Array, fileName: string): Promise<ImportPreview> {
      await importableDraft(user, draftId);
      const parsed = await read(bytes, fileName);
      return {
        format: parsed.format,
        fileName,
        questions: parsed.questions,
        categories: parsed.categories,
        images: parsed.images.map((i) => ({
          name: i.name,
          mime: i.mime,
          size: i.bytes.byteLength,
          dataUrl: `data:${i.mime};base64,${Buffer.from(i.bytes).toString('base64')}`,
        })),
        skipped: parsed.skipped,
        notes: parsed.notes,
        questionCount: importedQuestions(parsed).length,
      };
    },

    /**
     * Adds the file's questions to the draft's test set as the author saw them at `revision`: a
     * newer draft is refused before anything is stored; images stored then the test set saved; if
     * the save fails, the images stored for it are removed again.
     */
    async confirm(
      user: UserRow,
      draftId: string,
      input: { bytes: Uint8Array; fileName: string; revision: number; target: ImportTarget },
    ): Promise<{ draft: DraftView; added: number; categoryId: string }> {
      const draft = await importableDraft(user, draftId);
      if (draft.revision !== input.revision) {
        throw conflict('This draft was changed since the preview. Reload it and import again.', 'conflict', {
          current: draft,
        });
      }
      const parsed = await read(input.bytes, input.fileName);
      const added = importedQuestions(parsed).length;
      if (added === 0) throw invalid('This file has no question Lectern can import.', 'import_nothing');
      // The target must exist before any image is stored.
      const placeholder = new Map(parsed.images.map((i) => [i.name, crypto.randomUUID()]));
      try {
        placeImport(draft.content.test, parsed, input.target, placeholder);
      } catch {
        throw notFound('No such category in this test.', 'no_such_category');
      }
      const stored: string[] = [];
      try {
        const assets = new Map<string, string>();
        for (const image of parsed.images) {
          const row = await deps.assets.storeEmbedded(user, { name: image.name, bytes: image.bytes, kind: 'image', draftId });
          stored.push(row.id);
          assets.set(image.name, row.id);
        }
        const placed = placeImport(draft.content.test, parsed, input.target, assets);
        const saved = await deps.drafts.save(user, draftId, { revision: input.revision, test: placed.testSet });
        return { draft: saved, added, categoryId: placed.categoryId };
      } catch (err) {
        for (const id of stored) {
          await deps.assets.remove(user, id).catch((e) => {
            if (!(e instanceof DomainError)) throw e;
          });
        }
        throw err;
      }
    },

    async exportDraft(user: UserRow, draftId: string, format: ExportFormat): Promise<ExportFile> {
      const draft = await deps.drafts.get(user, draftId);
      return exportFile(draft.content.test, draft.content.basics.title, format);
    },

    async exportVersion(user: UserRow, courseId: string, version: number, format: ExportFormat): Promise<ExportFile> {
      const view = await deps.courses.view(user, courseId, version);
      // The test set is in the view only for who may manage the course (policies.courseStanding).
      if (!view.test) throw notFound('No such course version.');
      return exportFile(view.test, view.basics.title, format);
    },
  };
}

export type QuizTransferService = ReturnType<typeof createQuizTransferService>;
