// Course drafts: created empty, saved section by section with optimistic concurrency, cancelled
// with everything only they uploaded.
import type { Kysely } from 'kysely';
import type { CertificateTemplate } from '../../shared/certificates.ts';
import {
  assetIdsOf,
  type DraftContent,
  type DraftUpdate,
  type DraftView,
  EMPTY_DRAFT_CONTENT,
  withVisited,
} from '../../shared/drafts.ts';
import type { AssetsRepository } from '../assets/repository.ts';
import type { AssetsService } from '../assets/service.ts';
import type { CertificatesService } from '../certificates/service.ts';
import type { DB } from '../db/types.ts';
import { conflict, DomainError, invalid, notFound } from '../errors.ts';
import { mayManage } from '../policies.ts';
import type { UserRow } from '../users/repository.ts';
import type { DraftRow, DraftsRepository } from './repository.ts';
import { type FileState, type ReviewProblem, reviewDraft } from './review.ts';

function parseVisited(json: string): unknown[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed : [];
}

export function presentDraft(row: DraftRow): DraftView {
  return {
    id: row.id,
    courseId: row.course_id,
    baseVersion: row.base_version,
    revision: row.revision,
    step: row.step,
    visitedSteps: withVisited(parseVisited(row.visited_steps), row.step),
    content: { ...EMPTY_DRAFT_CONTENT, ...(JSON.parse(row.content) as Partial<DraftContent>) },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function createDraftsService(deps: {
  db: Kysely<DB>;
  drafts: DraftsRepository;
  assetRows: Pick<AssetsRepository, 'findMany'>;
  /** Which of these assets a version of this course uses: an edit may keep files it did not upload. */
  courseAssets: (courseId: string, assetIds: readonly string[]) => Promise<Set<string>>;
  assets: Pick<AssetsService, 'remove'>;
  /** Renders a sample certificate (certificates' `draftPreview`). */
  certificatePreview: CertificatesService['draftPreview'];
  now?: () => number;
}) {
  const { db, drafts } = deps;
  const now = deps.now ?? Date.now;

  async function ownDraft(user: UserRow, id: string): Promise<DraftRow> {
    const draft = await drafts.find(id);
    if (!draft || !mayManage(user, { ownerId: draft.owner_id })) {
      throw notFound('No such draft.');
    }
    return draft;
  }

  return {
    async create(owner: UserRow): Promise<DraftView> {
      const at = now();
      const row: DraftRow = {
        id: crypto.randomUUID(),
        owner_id: owner.id,
        revision: 1,
        step: 'basics',
        visited_steps: JSON.stringify(['basics']),
        content: JSON.stringify(EMPTY_DRAFT_CONTENT),
        course_id: null,
        base_version: null,
        created_at: at,
        updated_at: at,
      };
      await drafts.insert(row);
      return presentDraft(row);
    },

    async list(owner: UserRow): Promise<DraftView[]> {
      return (await drafts.listByOwner(owner.id)).map(presentDraft);
    },

    async get(user: UserRow, id: string): Promise<DraftView> {
      return presentDraft(await ownDraft(user, id));
    },

    /** Saves the given sections if the browser saw the latest revision; a stale tab gets 409. */
    async save(user: UserRow, id: string, update: DraftUpdate): Promise<DraftView> {
      const draft = await ownDraft(user, id);
      const current = presentDraft(draft).content;
      const content: DraftContent = {
        basics: update.basics ?? current.basics,
        files: update.files ?? current.files,
        test: update.test ?? current.test,
        certificate: update.certificate ?? current.certificate,
      };
      const assetIds = assetIdsOf(content);
      const rows = await deps.assetRows.findMany(assetIds);
      const signatureId = content.certificate.template.signatureAssetId;
      if (signatureId && rows.find((a) => a.id === signatureId)?.kind !== 'image') {
        throw invalid('The certificate signature must be an image (PNG, JPEG, WebP…).', 'not_an_image');
      }
      const owned = new Set(rows.filter((a) => a.owner_id === draft.owner_id).map((a) => a.id));
      const others = assetIds.filter((id) => !owned.has(id));
      const inCourse = draft.course_id && others.length > 0 ? await deps.courseAssets(draft.course_id, others) : new Set<string>();
      if (others.some((id) => !inCourse.has(id))) {
        throw invalid('A file in this draft does not exist or is not yours.', 'unknown_file');
      }
      const saved = await db.transaction().execute(async (trx) => {
        const step = update.step ?? draft.step;
        const visited = JSON.stringify(withVisited(parseVisited(draft.visited_steps), step));
        const patch = { content: JSON.stringify(content), step, visited_steps: visited };
        const ok = await drafts.saveIfCurrent(id, update.revision, patch, now(), trx);
        if (ok) await drafts.setUsedAssets(id, assetIds, trx);
        return ok;
      });
      if (!saved) {
        const latest = await ownDraft(user, id);
        throw conflict('This draft was changed in another tab or on another device. Reload it to continue from the latest version.', 'conflict', {
          current: presentDraft(latest),
        });
      }
      return presentDraft(await ownDraft(user, id));
    },

    /** The Review step: errors that block publishing and warnings, each with the step to fix it in. */
    async review(user: UserRow, id: string): Promise<ReviewProblem[]> {
      const { content } = presentDraft(await ownDraft(user, id));
      const rows = await deps.assetRows.findMany(assetIdsOf(content));
      const states = new Map<string, FileState>(rows.map((a) => [a.id, { name: a.original_name, state: a.state, reason: a.reason }]));
      return reviewDraft(content, states);
    },

    /**
     * A sample certificate of this draft in the template being edited (not saved): the author's name,
     * the draft's title and the version it would publish. Nothing is stored.
     */
    async certificatePreview(user: UserRow, id: string, template: CertificateTemplate): Promise<Uint8Array> {
      const draft = await ownDraft(user, id);
      const { content } = presentDraft(draft);
      return deps.certificatePreview(
        user,
        { ownerId: draft.owner_id, usedAssetIds: assetIdsOf(content) },
        {
          holderName: user.display_name,
          courseTitle: content.basics.title || 'Untitled course',
          version: (draft.base_version ?? 0) + 1,
          versionLabel: content.basics.versionLabel,
          validityMonths: content.certificate.validityMonths,
          coverAssetId: content.basics.coverAssetId,
        },
        template,
      );
    },

    /** Discards the draft and, at once, every file only it uploaded (running work cancelled). */
    async cancel(user: UserRow, id: string): Promise<void> {
      await ownDraft(user, id);
      const purge = await drafts.uploadsOnlyItUses(id);
      await drafts.delete(id);
      for (const assetId of purge) {
        // Gone already, or still used elsewhere (then it stays): either way nothing to purge.
        await deps.assets.remove(user, assetId).catch((err) => {
          if (!(err instanceof DomainError && (err.kind === 'not_found' || err.kind === 'conflict'))) throw err;
        });
      }
    },
  };
}

export type DraftsService = ReturnType<typeof createDraftsService>;
