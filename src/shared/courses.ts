// Published courses as the browser sees them: immutable versions made by publishing a draft, the
// catalog learners browse, and enrolments (a learner keeps the version they enrolled in).
import { z } from 'zod';
import { assetViewSchema } from './assets.ts';
import { basicsSchema, draftFileSchema } from './drafts.ts';
import { type TestSet, testSetSchema } from './quiz.ts';

/** One course in the catalog or on an author's dashboard: its latest version's basics. */
export const courseSummarySchema = z.object({
  id: z.string(),
  /** The latest published version number (1, 2, …). */
  latestVersion: z.number(),
  title: z.string(),
  versionLabel: z.string(),
  shortDescription: z.string(),
  topics: z.array(z.string()),
  language: z.string(),
  coverAssetId: z.string().nullable(),
  authorName: z.string(),
  publishedAt: z.string(),
  /** For the signed-in learner: the version they are enrolled in, or null. */
  enrolledVersion: z.number().nullable(),
  /** For its author: the open draft editing this course, or null. */
  draftId: z.string().nullable(),
});
export type CourseSummary = z.infer<typeof courseSummarySchema>;

export const coursesResponseSchema = z.object({ courses: z.array(courseSummarySchema) });

/** One immutable version, as its author or an enrolled learner sees it. */
export const courseVersionViewSchema = z.object({
  courseId: z.string(),
  version: z.number(),
  basics: basicsSchema,
  files: z.array(draftFileSchema.extend({ asset: assetViewSchema.nullable() })),
  /** Authors and admins get the whole test set; learners get only its settings and size. */
  test: testSetSchema.nullable(),
  testSummary: z.object({ enabled: z.boolean(), questionCount: z.number(), passMarkPercent: z.number() }),
  publishedAt: z.string(),
  authorName: z.string(),
  latestVersion: z.number(),
  enrolledVersion: z.number().nullable(),
});
export type CourseVersionView = Omit<z.infer<typeof courseVersionViewSchema>, 'test'> & { test: TestSet | null };

export const courseResponseSchema = z.object({ course: courseVersionViewSchema });

/** What POST /api/drafts/:id/publish answers. */
export const publishResultSchema = z.object({ courseId: z.string(), version: z.number() });
export type PublishResult = z.infer<typeof publishResultSchema>;

/** What POST /api/courses/:id/enrolment answers. */
export const enrolmentResultSchema = z.object({ enrolledVersion: z.number() });
