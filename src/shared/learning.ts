// A learner's progress through a course version, as the browser sees it (the rules: progress.ts).
import type { CompletionRule, CourseProgress, ItemState } from './progress.ts';

export interface ItemProgressView {
  assetId: string;
  rule: CompletionRule;
  state: ItemState;
  /** 0–1. */
  fraction: number;
  /** Where to resume: seconds into the media, or the page. */
  position: number | null;
  pagesSeen: number;
  pageCount: number | null;
  durationSeconds: number | null;
  markedDone: boolean;
}

export interface LearningView {
  courseId: string;
  version: number;
  /** In the curriculum's order. */
  items: ItemProgressView[];
  progress: CourseProgress;
  /** The file to open on "Continue": where the learner left off, or the next one to do. */
  resumeAssetId: string | null;
  /** When the course was completed (recorded once), or null. */
  completedAt: string | null;
  /** The course has a test; passing it is part of completion. */
  hasTest: boolean;
}

/** What a progress report answers. */
export interface ProgressReportAnswer {
  item: ItemProgressView;
  progress: CourseProgress;
  completedAt: string | null;
  /** This report completed the course. */
  completedNow: boolean;
}

/** One learner of a course, as its author sees them. */
export interface LearnerProgressView {
  userId: string;
  name: string;
  email: string;
  version: number;
  enrolledAt: string;
  lastActivityAt: string | null;
  doneCount: number;
  total: number;
  percent: number;
  completedAt: string | null;
  /** When they should have finished, or null. */
  dueAt: string | null;
  /** Their grade for the test by its grading method and whether it passes; null without a test or a graded attempt. */
  test: { percent: number; passed: boolean } | null;
}
