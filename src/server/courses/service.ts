// Published courses: publishing a draft into an immutable version in one transaction, editing a course
// through a new draft, the catalog, enrolment pinned to a version, and what each reader may see.
import type { Kysely } from 'kysely';
import type { AssetView } from '../../shared/assets.ts';
import type { CatalogAnswer, CatalogQuery, CourseSummary, CourseVersionView, PublishResult } from '../../shared/courses.ts';
import { assetIdsOf, type DraftContent, type DraftView, EMPTY_DRAFT_CONTENT } from '../../shared/drafts.ts';
import { allQuestions } from '../../shared/quiz.ts';
import { presentAsset } from '../assets/presenter.ts';
import type { AssetsRepository } from '../assets/repository.ts';
import { columnsOfSettings, settingsFromColumns } from '../certificates/settings-columns.ts';
import type { DB } from '../db/types.ts';
import type { DraftRow, DraftsRepository } from '../drafts/repository.ts';
import { type FileState, reviewDraft } from '../drafts/review.ts';
import { presentDraft } from '../drafts/service.ts';
import { conflict, notFound, unprocessable } from '../errors.ts';
import { courseStanding, mayEnrolSelf, mayManage } from '../policies.ts';
import type { UserRow } from '../users/repository.ts';
import type { CatalogRow, CourseRow, CourseVersionRow, CoursesRepository } from './repository.ts';
import { searchColumns, topicPattern, wordPatterns } from './search.ts';

const CATALOG_LIMIT = 500;

/** A reader's enrolment in a course: its version and due date. */
interface Enrolled {
  version: number;
  dueAt: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function parseContent(json: string): DraftContent {
  return { ...EMPTY_DRAFT_CONTENT, ...(JSON.parse(json) as Partial<DraftContent>) };
}

const mayEdit = (user: UserRow, ownerId: string) => mayManage(user, { ownerId });

export function createCoursesService(deps: {
  db: Kysely<DB>;
  courses: CoursesRepository;
  drafts: DraftsRepository;
  assetRows: Pick<AssetsRepository, 'findMany' | 'derivativesOf'>;
  now?: () => number;
}) {
  const { db, courses, drafts } = deps;
  const now = deps.now ?? Date.now;

  async function fileStates(content: DraftContent): Promise<Map<string, FileState>> {
    const rows = await deps.assetRows.findMany(assetIdsOf(content));
    return new Map(rows.map((a) => [a.id, { name: a.original_name, state: a.state, reason: a.reason }]));
  }

  function summarize(row: CatalogRow, enrolled: Map<string, Enrolled>, draftIds: Map<string, string>): CourseSummary {
    const { basics } = parseContent(row.content);
    return {
      id: row.course_id,
      latestVersion: row.latest_version,
      title: basics.title,
      versionLabel: basics.versionLabel,
      shortDescription: basics.shortDescription,
      topics: basics.topics,
      language: basics.language,
      coverAssetId: basics.coverAssetId,
      authorName: row.author_name,
      publishedAt: new Date(row.published_at).toISOString(),
      enrolledVersion: enrolled.get(row.course_id)?.version ?? null,
      draftId: draftIds.get(row.course_id) ?? null,
      selfEnrolment: row.self_enrolment,
      dueAt: iso(enrolled.get(row.course_id)?.dueAt ?? null),
    };
  }

  async function enrolmentMap(user: UserRow, courseIds: string[]): Promise<Map<string, Enrolled>> {
    return new Map((await courses.enrolmentsOf(user.id, courseIds)).map((e) => [e.course_id, { version: e.version, dueAt: e.due_at }]));
  }

  async function presentVersion(
    user: UserRow,
    row: CourseVersionRow,
    course: CourseRow,
    enrolment: Enrolled | undefined,
  ): Promise<CourseVersionView> {
    const ownerId = course.owner_id;
    const enrolledVersion = enrolment?.version ?? null;
    const leftAt = enrolment ? undefined : await courses.leftAt(user.id, course.id);
    const content = parseContent(row.content);
    const ids = assetIdsOf(content);
    const [assetRows, derivatives] = [await deps.assetRows.findMany(ids), await deps.assetRows.derivativesOf(ids)];
    const assets = new Map<string, AssetView>(assetRows.map((a) => [a.id, presentAsset(a, derivatives)]));
    const settings = content.test.settings;
    return {
      courseId: row.course_id,
      version: row.version,
      basics: content.basics,
      files: content.files.map((f) => ({ ...f, asset: assets.get(f.assetId) ?? null })),
      // Learners must not read the answers before they take the test.
      test: mayEdit(user, ownerId) ? content.test : null,
      testSummary: {
        enabled: settings.enabled,
        questionCount: allQuestions(content.test.categories).length,
        passMarkPercent: settings.passMarkPercent,
      },
      publishedAt: new Date(row.published_at).toISOString(),
      authorName: (await courses.authorName(row.published_by)) ?? '',
      latestVersion: course.latest_version,
      enrolledVersion,
      selfEnrolment: course.self_enrolment,
      mayEnrol: enrolment === undefined && mayEnrolSelf(user, { ownerId, selfEnrolment: course.self_enrolment }, leftAt !== undefined),
      dueAt: iso(enrolment?.dueAt ?? null),
      leftAt: iso(leftAt ?? null),
    };
  }

  /**
   * The answer to publishing a draft that is already a version: its course, but only to whoever published
   * it or may edit the course. Anyone else is told what they would be told of someone else's open draft.
   */
  async function alreadyPublished(user: UserRow, draftId: string): Promise<PublishResult> {
    const published = await courses.findVersionByDraft(draftId);
    if (!published || (published.published_by !== user.id && !mayEdit(user, published.owner_id))) {
      throw notFound('No such draft.');
    }
    return { courseId: published.course_id, version: published.version };
  }

  return {
    /**
     * Publishes a draft: one transaction writes the version (and its asset list) and deletes the draft.
     * Files still processing stay so and appear to learners when ready. Publishing the same draft twice at
     * once yields one version: the second answer names the first's. With `reviewedRevision`, a draft that
     * changed after the author's review is refused.
     */
    async publish(user: UserRow, draftId: string, reviewedRevision?: number): Promise<PublishResult> {
      const draft = await drafts.find(draftId);
      if (!draft) return alreadyPublished(user, draftId);
      if (!mayEdit(user, draft.owner_id)) throw notFound('No such draft.');
      if (reviewedRevision !== undefined && reviewedRevision !== draft.revision) {
        throw conflict('This draft changed after you reviewed it (perhaps in another tab). Review it again, then publish.');
      }
      const content = presentDraft(draft).content;
      const errors = reviewDraft(content, await fileStates(content)).filter((p) => p.severity === 'error');
      if (errors.length > 0) {
        throw unprocessable(
          `This draft cannot be published yet: ${errors.length === 1 ? 'one problem needs' : `${errors.length} problems need`} fixing. See the Review step.`,
          'not_publishable',
        );
      }
      try {
        const result = await db.transaction().execute(async (trx) => {
          const current = await drafts.find(draftId, trx);
          // Gone: another publish took it. Changed: what was reviewed is not what would be published.
          if (!current) return null;
          if (current.revision !== draft.revision) {
            throw conflict('This draft changed while it was being published. Review it again, then publish.');
          }
          return writeVersion(current, content, user, trx);
        });
        if (result) return result;
      } catch (err) {
        if (!courses.isUniqueViolation(err)) throw err;
      }
      return alreadyPublished(user, draftId);
    },

    /** Starts a draft of the course's next version, prefilled from its latest (files reused, not copied). */
    async startEdit(user: UserRow, courseId: string): Promise<{ draft: DraftView; created: boolean }> {
      const course = await courses.findCourse(courseId);
      if (!course || !mayEdit(user, course.owner_id)) throw notFound('No such course.');
      const open = await courses.openDraftOf(courseId, user.id);
      if (open) {
        const row = await drafts.find(open.id);
        if (row) return { draft: presentDraft(row), created: false };
      }
      const latest = await courses.findVersion(courseId, course.latest_version);
      if (!latest) throw notFound('No such course.');
      // The course's certificate settings as they are now (perhaps changed on the course page since).
      const content = { ...parseContent(latest.content), certificate: settingsFromColumns(course) };
      const at = now();
      const row: DraftRow = {
        id: crypto.randomUUID(),
        owner_id: user.id,
        revision: 1,
        step: 'basics',
        visited_steps: JSON.stringify(['basics']),
        content: JSON.stringify(content),
        course_id: courseId,
        base_version: latest.version,
        created_at: at,
        updated_at: at,
      };
      await db.transaction().execute(async (trx) => {
        await drafts.insert(row, trx);
        await drafts.setUsedAssets(row.id, assetIdsOf(content), trx);
      });
      return { draft: presentDraft(row), created: true };
    },

    /**
     * Published courses, newest first, with the reader's enrolment: those whose title, topics or short
     * description hold every word of `q`, with the topic and in the language asked; and the catalog's
     * topics and languages for the filters.
     */
    async catalog(user: UserRow, query: CatalogQuery = {}): Promise<CatalogAnswer> {
      const rows = await courses.catalog({
        limit: CATALOG_LIMIT,
        words: query.q ? wordPatterns(query.q) : undefined,
        topic: query.topic ? topicPattern(query.topic) : undefined,
        language: query.language || undefined,
      });
      const enrolled = await enrolmentMap(
        user,
        rows.map((r) => r.course_id),
      );
      // A learner on an older version sees that version's title and description.
      for (const row of rows) {
        const version = enrolled.get(row.course_id)?.version;
        if (version === undefined || version === row.latest_version) continue;
        const theirs = await courses.findVersion(row.course_id, version);
        if (theirs) Object.assign(row, { content: theirs.content, published_at: theirs.published_at });
      }
      // Every course's topics, not only those found, so a filter can be widened again; one spelling per topic.
      const facets = await courses.facets(CATALOG_LIMIT);
      const topics = new Map<string, string>();
      for (const f of facets) {
        for (const t of parseContent(f.content).basics.topics) if (t.trim()) topics.set(t.trim().toLowerCase(), t.trim());
      }
      return {
        courses: rows.map((r) => summarize(r, enrolled, new Map())),
        topics: [...topics.values()].sort((a, b) => a.localeCompare(b)),
        languages: [...new Set(facets.map((f) => f.language).filter((l): l is string => !!l))].sort(),
      };
    },

    /** The author's own courses (an admin's too), with any open draft editing each. */
    async mine(user: UserRow): Promise<CourseSummary[]> {
      const rows = await courses.catalog({ ownerId: user.id, limit: CATALOG_LIMIT });
      const draftIds = await courses.openDraftsBy(user.id);
      return rows.map((r) => summarize(r, new Map(), draftIds));
    },

    /**
     * A course as this reader sees it: an enrolled learner their version; the author and admins the
     * latest (or `version`); anyone else the latest version's outline, to decide whether to enrol.
     */
    async view(user: UserRow, courseId: string, version?: number): Promise<CourseVersionView> {
      const course = await courses.findCourse(courseId);
      if (!course) throw notFound('No such course.');
      const enrolment = (await enrolmentMap(user, [courseId])).get(courseId);
      const enrolledVersion = enrolment?.version ?? null;
      const editor = courseStanding(user, { ownerId: course.owner_id }, enrolledVersion) === 'author';
      // Others may see their own version and the latest one; older versions are the author's.
      if (version !== undefined && !editor && version !== enrolledVersion && version !== course.latest_version) {
        throw notFound('No such course version.');
      }
      const wanted = version ?? (editor ? course.latest_version : (enrolledVersion ?? course.latest_version));
      const row = await courses.findVersion(courseId, wanted);
      if (!row) throw notFound('No such course version.');
      return presentVersion(user, row, course, enrolment);
    },

    /** Whether this user may read an asset through a course: enrolled in a version using it, or owning the course. */
    async mayReadAsset(user: Pick<UserRow, 'id'>, assetId: string): Promise<boolean> {
      return (await courses.enrolledVersionUses(user.id, assetId)) || (await courses.ownedCourseUses(user.id, assetId));
    },
  };

  async function writeVersion(draft: DraftRow, content: DraftContent, user: UserRow, trx: Kysely<DB>): Promise<PublishResult> {
    const at = now();
    let courseId = draft.course_id;
    let version: number | undefined;
    if (courseId) {
      version = await courses.claimNextVersion(courseId, at, trx);
      if (version === undefined) throw notFound('The course this draft edits no longer exists.');
      await courses.setCertificateSettings(courseId, columnsOfSettings(content.certificate), trx);
    } else {
      courseId = crypto.randomUUID();
      version = 1;
      await courses.insertCourse(
        {
          id: courseId,
          owner_id: draft.owner_id,
          latest_version: 1,
          created_at: at,
          updated_at: at,
          ...columnsOfSettings(content.certificate),
        },
        trx,
      );
    }
    await courses.insertVersion(
      {
        course_id: courseId,
        version,
        title: content.basics.title,
        content: JSON.stringify(content),
        ...searchColumns(content.basics),
        source_draft_id: draft.id,
        published_by: user.id,
        published_at: at,
      },
      assetIdsOf(content),
      trx,
    );
    await drafts.delete(draft.id, trx);
    return { courseId, version };
  }
}

export type CoursesService = ReturnType<typeof createCoursesService>;
