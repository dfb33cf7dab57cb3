// A learner's progress through a course version, as the browser sees it (the rules: progress.ts).
import { z } from 'zod';
import type { CourseProgress } from './progress.ts';

export const courseProgressSchema = z.object({
  doneCount: z.number(),
  total: z.number(),
  requiredCount: z.number(),
  requiredDone: z.number(),
  percent: z.number(),
  filesComplete: z.boolean(),
  complete: z.boolean(),
  nextAssetId: z.string().nullable(),
}) satisfies z.ZodType<CourseProgress>;

export const itemProgressViewSchema = z.object({
  assetId: z.string(),
  rule: z.enum(['media', 'pages', 'opened', 'manual']),
  state: z.enum(['not_started', 'in_progress', 'done']),
  /** 0–1. */
  fraction: z.number(),
  /** Where to resume: seconds into the media, or the page. */
  position: z.number().nullable(),
  pagesSeen: z.number(),
  pageCount: z.number().nullable(),
  durationSeconds: z.number().nullable(),
  markedDone: z.boolean(),
});
export type ItemProgressView = z.infer<typeof itemProgressViewSchema>;

export const learningViewSchema = z.object({
  courseId: z.string(),
  version: z.number(),
  /** In the curriculum's order. */
  items: z.array(itemProgressViewSchema),
  progress: courseProgressSchema,
  /** The file to open on "Continue": where the learner left off, or the next one to do. */
  resumeAssetId: z.string().nullable(),
  /** When the course was completed (recorded once), or null. */
  completedAt: z.string().nullable(),
  /** The course has a test; passing it is part of completion. */
  hasTest: z.boolean(),
});
export type LearningView = z.infer<typeof learningViewSchema>;

/** What a progress report answers. */
export const progressReportAnswerSchema = z.object({
  item: itemProgressViewSchema,
  progress: courseProgressSchema,
  completedAt: z.string().nullable(),
  /** This report completed the course. */
  completedNow: z.boolean(),
});
export type ProgressReportAnswer = z.infer<typeof progressReportAnswerSchema>;

/** One learner of a course, as its author sees them. */
export const learnerProgressViewSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  version: z.number(),
  enrolledAt: z.string(),
  lastActivityAt: z.string().nullable(),
  doneCount: z.number(),
  total: z.number(),
  percent: z.number(),
  completedAt: z.string().nullable(),
  /** When they should have finished, or null. */
  dueAt: z.string().nullable(),
  /** Their grade for the test by its grading method and whether it passes; null without a test or a graded attempt. */
  test: z.object({ percent: z.number(), passed: z.boolean() }).nullable(),
  /**
   * When they left the course, or null while they study it. The progress, test and dates of someone
   * who left are those kept from when they left (enrolling again resumes them).
   */
  leftAt: z.string().nullable(),
});
export type LearnerProgressView = z.infer<typeof learnerProgressViewSchema>;

export const learningResponseSchema = z.object({ learning: learningViewSchema });
/** Which learners of a course to list: those studying it (the default), those who left, or both. */
export const learnerStatusSchema = z.enum(['current', 'left', 'all']);
export type LearnerStatus = z.infer<typeof learnerStatusSchema>;

export const learnersResponseSchema = z.object({
  /** Current learners first (latest enrolled first), then those who left (latest to leave first). */
  learners: z.array(learnerProgressViewSchema),
  /** How many study the course and how many left it, whatever the filter. */
  counts: z.object({ current: z.number(), left: z.number() }),
});
