// Published courses as the browser sees them: immutable versions made by publishing a draft, the
// catalog learners browse, and enrolments (a learner keeps the version they enrolled in).
import type { AssetView } from './assets.ts';
import type { Basics, DraftFile } from './drafts.ts';
import type { TestSet } from './quiz.ts';

/** One course in the catalog or on an author's dashboard: its latest version's basics. */
export interface CourseSummary {
  id: string;
  /** The latest published version number (1, 2, …). */
  latestVersion: number;
  title: string;
  versionLabel: string;
  shortDescription: string;
  topics: string[];
  language: string;
  coverAssetId: string | null;
  authorName: string;
  publishedAt: string;
  /** For the signed-in learner: the version they are enrolled in, or null. */
  enrolledVersion: number | null;
  /** For its author: the open draft editing this course, or null. */
  draftId: string | null;
}

/** One immutable version, as its author or an enrolled learner sees it. */
export interface CourseVersionView {
  courseId: string;
  version: number;
  basics: Basics;
  files: (DraftFile & { asset: AssetView | null })[];
  /** Authors and admins get the whole test set; learners get only its settings and size. */
  test: TestSet | null;
  testSummary: { enabled: boolean; questionCount: number; passMarkPercent: number };
  publishedAt: string;
  authorName: string;
  latestVersion: number;
  enrolledVersion: number | null;
}

/** What POST /api/drafts/:id/publish answers. */
export interface PublishResult {
  courseId: string;
  version: number;
}
