// Published courses as the browser sees them: immutable versions made by publishing a draft, the
// catalog learners browse, and enrolments (a learner keeps the version they enrolled in).
import { z } from 'zod';
import { assetViewSchema } from './assets.ts';
import { basicsSchema, draftFileSchema } from './drafts.ts';
import { type TestSet, testSetSchema } from './quiz.ts';

/** Who may enrol: anyone signed in, or only whom the author (or an administrator) enrols. */
export const selfEnrolmentSchema = z.enum(['open', 'invitation']);
export type SelfEnrolment = z.infer<typeof selfEnrolmentSchema>;

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
  selfEnrolment: selfEnrolmentSchema,
  /** For the signed-in learner: when they should have finished, or null. */
  dueAt: z.string().nullable(),
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
  selfEnrolment: selfEnrolmentSchema,
  /** The reader may enrol themselves (open course, or they were enrolled before and left). */
  mayEnrol: z.boolean(),
  /** For an enrolled learner: when they should have finished, or null. */
  dueAt: z.string().nullable(),
  /** For a learner who left: when; enrolling again resumes where they were. */
  leftAt: z.string().nullable(),
});
export type CourseVersionView = Omit<z.infer<typeof courseVersionViewSchema>, 'test'> & { test: TestSet | null };

export const courseResponseSchema = z.object({ course: courseVersionViewSchema });

/** The revision the author reviewed: publishing refuses (409) when the draft has changed since. */
export const publishInputSchema = z
  .object({ revision: z.number().int().min(0).optional() })
  .strict()
  .optional();

/** What POST /api/drafts/:id/publish answers. */
export const publishResultSchema = z.object({ courseId: z.string(), version: z.number() });
export type PublishResult = z.infer<typeof publishResultSchema>;

export const courseSettingsSchema = z.object({ selfEnrolment: selfEnrolmentSchema }).strict();
export type CourseSettings = z.infer<typeof courseSettingsSchema>;

/** Most learners enrolled by one request. */
export const MAX_BULK_ENROL = 500;

/** Enrolling learners in bulk: picked accounts and pasted addresses, with an optional due date. */
export const bulkEnrolSchema = z
  .object({
    userIds: z.array(z.uuid()).max(MAX_BULK_ENROL).default([]),
    emails: z.array(z.string().trim().min(1).max(320)).max(MAX_BULK_ENROL).default([]),
    dueAt: z.iso.datetime({ offset: true }).nullable().default(null),
  })
  .strict()
  .refine((b) => b.userIds.length + b.emails.length > 0, 'Pick at least one person or paste an email address.')
  .refine((b) => b.userIds.length + b.emails.length <= MAX_BULK_ENROL, `At most ${MAX_BULK_ENROL} people at once.`);
export type BulkEnrolInput = z.input<typeof bulkEnrolSchema>;

export const bulkEnrolResultSchema = z.object({
  enrolled: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      email: z.string(),
      /** New, back after leaving (resumes), or already enrolled (the due date is updated). */
      outcome: z.enum(['enrolled', 'resumed', 'already']),
    }),
  ),
  /** Addresses (or picked accounts) that could not be enrolled, each with why. */
  errors: z.array(z.object({ address: z.string(), message: z.string() })),
});
export type BulkEnrolResult = z.infer<typeof bulkEnrolResultSchema>;

/** An account the author may pick to enrol. */
export const enrolCandidateSchema = z.object({ userId: z.string(), name: z.string(), email: z.string() });
export type EnrolCandidate = z.infer<typeof enrolCandidateSchema>;
/** GET /api/courses/:id/enrol-candidates: the accounts matching the search. */
export const enrolCandidatesResponseSchema = z.object({ candidates: z.array(enrolCandidateSchema) });

/** Addresses pasted in any usual way: one a line, or separated by commas, semicolons or spaces; "Name <a@b>" too. */
export function parseAddressList(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/[\n,;]+/)) {
    const bracketed = /<([^<>]+)>/.exec(raw)?.[1];
    const parts = bracketed !== undefined ? [bracketed] : raw.split(/\s+/);
    for (const part of parts) {
      const address = part.trim();
      if (!address) continue;
      const key = address.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(address);
    }
  }
  return out;
}

/** A learner's course on their dashboard: the course, how far along they are, and where to continue. */
export const myCourseViewSchema = z.object({
  course: courseSummarySchema,
  percent: z.number(),
  doneCount: z.number(),
  total: z.number(),
  resumeAssetId: z.string().nullable(),
  completedAt: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
});
export type MyCourseView = z.infer<typeof myCourseViewSchema>;

/** The catalog's search: words in the title, topics or short description; a topic; a language. */
export const catalogQuerySchema = z
  .object({
    q: z.string().trim().max(200).optional(),
    topic: z.string().trim().max(200).optional(),
    language: z.string().trim().max(35).optional(),
  })
  .strict();
export type CatalogQuery = z.infer<typeof catalogQuerySchema>;

export const catalogAnswerSchema = z.object({
  courses: z.array(courseSummarySchema),
  /** Every topic and language of the catalog, for the filters. */
  topics: z.array(z.string()),
  languages: z.array(z.string()),
});
export type CatalogAnswer = z.infer<typeof catalogAnswerSchema>;

/** GET /api/me/courses: the learner's dashboard. */
export const myCoursesResponseSchema = z.object({ courses: z.array(myCourseViewSchema) });

/** What POST /api/courses/:id/enrolment answers: the version enrolled in, and whether it is new. */
export const enrolmentResultSchema = z.object({
  enrolledVersion: z.number(),
  outcome: z.enum(['enrolled', 'resumed', 'already']),
});
