// All SQL of published courses, their versions and enrolments.
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { LIKE_ESCAPE } from './search.ts';
import type { CertificateSettingsColumns } from '../certificates/settings-columns.ts';
import type { CourseVersionsTable, CoursesTable, DB } from '../db/types.ts';

export type CourseRow = Selectable<CoursesTable>;
export type CourseVersionRow = Selectable<CourseVersionsTable>;

/** A course with its latest version and the names the catalog shows. */
export interface CatalogRow {
  course_id: string;
  owner_id: string;
  latest_version: number;
  content: string;
  published_at: number;
  author_name: string;
  self_enrolment: 'open' | 'invitation';
}

/** The catalog's filters, already turned into LIKE patterns (search.ts). */
export interface CatalogFilter {
  ownerId?: string;
  limit: number;
  words?: string[];
  topic?: string;
  language?: string;
}

// PostgreSQL takes at most 65535 parameters per statement; rows of 3 columns stay well under it.
const INSERT_BATCH = 1000;

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function createCoursesRepository(db: Kysely<DB>) {
  return {
    isUniqueViolation,

    findCourse(id: string, trx: Kysely<DB> = db): Promise<CourseRow | undefined> {
      return trx.selectFrom('courses').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async insertCourse(row: Insertable<CoursesTable>, trx: Kysely<DB>): Promise<void> {
      await trx.insertInto('courses').values(row).execute();
    },

    /** The course's certificate settings, as the draft being published has them. */
    async setCertificateSettings(courseId: string, columns: CertificateSettingsColumns, trx: Kysely<DB>): Promise<void> {
      await trx.updateTable('courses').set(columns).where('id', '=', courseId).execute();
    },

    /** Claims the next version number of a course; the update serializes concurrent publishes. */
    async claimNextVersion(courseId: string, now: number, trx: Kysely<DB>): Promise<number | undefined> {
      const row = await trx
        .updateTable('courses')
        .set((eb) => ({ latest_version: eb('latest_version', '+', 1), updated_at: now }))
        .where('id', '=', courseId)
        .returning('latest_version')
        .executeTakeFirst();
      return row?.latest_version;
    },

    async insertVersion(row: Insertable<CourseVersionsTable>, assetIds: readonly string[], trx: Kysely<DB>): Promise<void> {
      await trx.insertInto('course_versions').values(row).execute();
      for (let i = 0; i < assetIds.length; i += INSERT_BATCH) {
        const batch = assetIds.slice(i, i + INSERT_BATCH);
        await trx
          .insertInto('course_version_assets')
          .values(batch.map((asset_id) => ({ course_id: row.course_id, version: row.version, asset_id })))
          .execute();
      }
    },

    /** The version a draft became, with who published it and who owns the course (to answer only them). */
    findVersionByDraft(draftId: string): Promise<(Pick<CourseVersionRow, 'course_id' | 'version' | 'published_by'> & { owner_id: string }) | undefined> {
      return db
        .selectFrom('course_versions')
        .innerJoin('courses', 'courses.id', 'course_versions.course_id')
        .select(['course_versions.course_id', 'course_versions.version', 'course_versions.published_by', 'courses.owner_id'])
        .where('course_versions.source_draft_id', '=', draftId)
        .executeTakeFirst();
    },

    findVersion(courseId: string, version: number): Promise<CourseVersionRow | undefined> {
      return db
        .selectFrom('course_versions')
        .selectAll()
        .where('course_id', '=', courseId)
        .where('version', '=', version)
        .executeTakeFirst();
    },

    /** Latest versions of all courses (or one author's), newest first, matching every word, the topic and the language. */
    catalog(filter: CatalogFilter): Promise<CatalogRow[]> {
      let query = db
        .selectFrom('courses')
        .innerJoin('course_versions', (join) =>
          join.onRef('course_versions.course_id', '=', 'courses.id').onRef('course_versions.version', '=', 'courses.latest_version'),
        )
        .innerJoin('users', 'users.id', 'courses.owner_id')
        .select([
          'courses.id as course_id',
          'courses.owner_id',
          'courses.latest_version',
          'course_versions.content',
          'course_versions.published_at',
          'users.display_name as author_name',
          'courses.self_enrolment',
        ])
        .orderBy('course_versions.published_at', 'desc')
        .limit(filter.limit);
      if (filter.ownerId) query = query.where('courses.owner_id', '=', filter.ownerId);
      for (const word of filter.words ?? []) {
        query = query.where(sql<boolean>`course_versions.search_text like ${word} escape ${LIKE_ESCAPE}`);
      }
      if (filter.topic) query = query.where(sql<boolean>`course_versions.topics_key like ${filter.topic} escape ${LIKE_ESCAPE}`);
      if (filter.language) query = query.where('course_versions.language', '=', filter.language);
      return query.execute();
    },

    /** Contents and languages of the latest versions, for the catalog's filters. */
    facets(limit: number): Promise<{ content: string; language: string | null }[]> {
      return db
        .selectFrom('courses')
        .innerJoin('course_versions', (join) =>
          join.onRef('course_versions.course_id', '=', 'courses.id').onRef('course_versions.version', '=', 'courses.latest_version'),
        )
        .select(['course_versions.content', 'course_versions.language'])
        .limit(limit)
        .execute();
    },

    /** When this learner left this course (their history is kept), or undefined. */
    leftAt(userId: string, courseId: string): Promise<number | undefined> {
      return db
        .selectFrom('past_enrolments')
        .select('left_at')
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .executeTakeFirst()
        .then((r) => r?.left_at);
    },

    authorName(userId: string): Promise<string | undefined> {
      return db
        .selectFrom('users')
        .select('display_name')
        .where('id', '=', userId)
        .executeTakeFirst()
        .then((r) => r?.display_name);
    },

    enrolmentsOf(userId: string, courseIds: readonly string[]): Promise<{ course_id: string; version: number; due_at: number | null }[]> {
      if (courseIds.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('enrolments')
        .select(['course_id', 'version', 'due_at'])
        .where('user_id', '=', userId)
        .where('course_id', 'in', courseIds)
        .execute();
    },

    /** Whether an enrolment of this user covers a version that uses this asset. */
    async enrolledVersionUses(userId: string, assetId: string): Promise<boolean> {
      const row = await db
        .selectFrom('enrolments')
        .innerJoin('course_version_assets', (join) =>
          join
            .onRef('course_version_assets.course_id', '=', 'enrolments.course_id')
            .onRef('course_version_assets.version', '=', 'enrolments.version'),
        )
        .select('enrolments.user_id')
        .where('enrolments.user_id', '=', userId)
        .where('course_version_assets.asset_id', '=', assetId)
        .limit(1)
        .executeTakeFirst();
      return !!row;
    },

    /** Whether a course this user owns uses this asset in any version (an admin's edit reuses the author's files). */
    async ownedCourseUses(userId: string, assetId: string): Promise<boolean> {
      const row = await db
        .selectFrom('course_version_assets')
        .innerJoin('courses', 'courses.id', 'course_version_assets.course_id')
        .select('courses.id')
        .where('courses.owner_id', '=', userId)
        .where('course_version_assets.asset_id', '=', assetId)
        .limit(1)
        .executeTakeFirst();
      return !!row;
    },

    /**
     * Whether this asset is the cover of a course's latest version: anyone signed in may see it in the
     * catalog and on the course page before enrolling.
     */
    async isPublishedCover(assetId: string): Promise<boolean> {
      const rows = await db
        .selectFrom('course_version_assets')
        .innerJoin('courses', (join) =>
          join.onRef('courses.id', '=', 'course_version_assets.course_id').onRef('courses.latest_version', '=', 'course_version_assets.version'),
        )
        .innerJoin('course_versions', (join) =>
          join
            .onRef('course_versions.course_id', '=', 'course_version_assets.course_id')
            .onRef('course_versions.version', '=', 'course_version_assets.version'),
        )
        .select('course_versions.content')
        .where('course_version_assets.asset_id', '=', assetId)
        .limit(20)
        .execute();
      return rows.some((r) => (JSON.parse(r.content) as { basics?: { coverAssetId?: string | null } }).basics?.coverAssetId === assetId);
    },

    /** Which of these assets some version of this course uses. */
    /** Which of these assets a version of the course lists, or its certificate settings name (the signature). */
    async assetsOfCourse(courseId: string, assetIds: readonly string[]): Promise<Set<string>> {
      if (assetIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('course_version_assets')
        .select('asset_id')
        .distinct()
        .where('course_id', '=', courseId)
        .where('asset_id', 'in', assetIds)
        .execute();
      const signature = await db
        .selectFrom('courses')
        .select('certificate_signature_asset_id as asset_id')
        .where('id', '=', courseId)
        .where('certificate_signature_asset_id', 'in', assetIds)
        .executeTakeFirst();
      return new Set([...rows.map((r) => r.asset_id), ...(signature?.asset_id ? [signature.asset_id] : [])]);
    },

    /** The newest open draft of each course this user is editing. */
    async openDraftsBy(ownerId: string): Promise<Map<string, string>> {
      const rows = await db
        .selectFrom('drafts')
        .select(['id', 'course_id'])
        .where('owner_id', '=', ownerId)
        .where('course_id', 'is not', null)
        .orderBy('updated_at', 'asc')
        .execute();
      // Ascending, so the newest draft of a course is set last.
      return new Map(rows.map((r) => [r.course_id as string, r.id]));
    },

    openDraftOf(courseId: string, ownerId: string): Promise<{ id: string } | undefined> {
      return db
        .selectFrom('drafts')
        .select('id')
        .where('course_id', '=', courseId)
        .where('owner_id', '=', ownerId)
        .orderBy('updated_at', 'desc')
        .executeTakeFirst();
    },
  };
}

export type CoursesRepository = ReturnType<typeof createCoursesRepository>;
