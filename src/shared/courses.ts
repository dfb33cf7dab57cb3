// Published courses as the browser sees them: immutable versions made by publishing a draft, the
// catalog learners browse, and enrolments (a learner keeps the version they enrolled in).
import { z } from 'zod';
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
  selfEnrolment: SelfEnrolment;
  /** For the signed-in learner: when they should have finished, or null. */
  dueAt: string | null;
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
  selfEnrolment: SelfEnrolment;
  /** The reader may enrol themselves (open course, or they were enrolled before and left). */
  mayEnrol: boolean;
  /** For an enrolled learner: when they should have finished, or null. */
  dueAt: string | null;
  /** For a learner who left: when; enrolling again resumes where they were. */
  leftAt: string | null;
}

/** What POST /api/drafts/:id/publish answers. */
export interface PublishResult {
  courseId: string;
  version: number;
}

/** Who may enrol: anyone signed in, or only whom the author (or an administrator) enrols. */
export const selfEnrolmentSchema = z.enum(['open', 'invitation']);
export type SelfEnrolment = z.infer<typeof selfEnrolmentSchema>;

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

export interface BulkEnrolResult {
  enrolled: {
    userId: string;
    name: string;
    email: string;
    /** New, back after leaving (resumes), or already enrolled (the due date is updated). */
    outcome: 'enrolled' | 'resumed' | 'already';
  }[];
  /** Addresses (or picked accounts) that could not be enrolled, each with why. */
  errors: { address: string; message: string }[];
}

/** An account the author may pick to enrol. */
export interface EnrolCandidate {
  userId: string;
  name: string;
  email: string;
}

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
export interface MyCourseView {
  course: CourseSummary;
  percent: number;
  doneCount: number;
  total: number;
  resumeAssetId: string | null;
  completedAt: string | null;
  lastActivityAt: string | null;
}

/** The catalog's search: words in the title, topics or short description; a topic; a language. */
export const catalogQuerySchema = z
  .object({
    q: z.string().trim().max(200).optional(),
    topic: z.string().trim().max(200).optional(),
    language: z.string().trim().max(35).optional(),
  })
  .strict();
export type CatalogQuery = z.infer<typeof catalogQuerySchema>;

export interface CatalogAnswer {
  courses: CourseSummary[];
  /** Every topic and language of the catalog, for the filters. */
  topics: string[];
  languages: string[];
}
