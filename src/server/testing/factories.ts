// Small factories that write state straight into the database, for tests where how the state came
// to be (the wizard, publishing) is not what is under test. Each makes a valid row set with defaults
// and takes only what the test cares about.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type DraftContent, EMPTY_DRAFT_CONTENT } from '../../shared/drafts.ts';
import type { TestSet } from '../../shared/quiz.ts';
import type { DB } from '../db/types.ts';

export interface PublishedCourseSeed {
  /** A new id unless given. */
  id?: string;
  ownerId: string;
  title?: string;
  /** The course's test set; none (the empty default) unless given. */
  test?: TestSet;
  /** Anything else of the published content (files, basics …). */
  content?: Partial<DraftContent>;
  /** Asset ids the version uses (course_version_assets). */
  assetIds?: readonly string[];
  /** Time of creation and publishing; now by default. */
  at?: number;
}

/** A course with one published version (1), as publishing a draft leaves it. */
export async function insertPublishedCourse(
  db: Kysely<DB>,
  seed: PublishedCourseSeed,
): Promise<{ id: string; version: number }> {
  const id = seed.id ?? randomUUID();
  const at = seed.at ?? Date.now();
  const title = seed.title ?? 'A course';
  const content: DraftContent = {
    ...EMPTY_DRAFT_CONTENT,
    ...seed.content,
    basics: { ...EMPTY_DRAFT_CONTENT.basics, ...seed.content?.basics, title },
    test: seed.test ?? seed.content?.test ?? EMPTY_DRAFT_CONTENT.test,
  };
  await db
    .insertInto('courses')
    .values({ id, owner_id: seed.ownerId, latest_version: 1, created_at: at, updated_at: at })
    .execute();
  await db
    .insertInto('course_versions')
    .values({
      course_id: id,
      version: 1,
      title,
      content: JSON.stringify(content),
      source_draft_id: randomUUID(),
      published_by: seed.ownerId,
      published_at: at,
    })
    .execute();
  for (const assetId of seed.assetIds ?? []) {
    await db.insertInto('course_version_assets').values({ course_id: id, version: 1, asset_id: assetId }).execute();
  }
  return { id, version: 1 };
}
