// What counts as done when a learner studies a course: pure rules, the same in the browser (to say
// what is left) and on the server (which alone decides and stores it). No I/O here.
//
// - video and audio: the union of the ranges actually played covers at least 90 % of the duration
//   (the player reports the browser's `played` ranges; a seek adds nothing; the server merges them);
// - PDF, and Office documents shown as PDF: every page has been on screen;
// - anything else (image, Flash, Word preview, download-only): opened (or downloaded) once;
// - a file the author set to "learner marks it as done": marked done.
// A course is complete when every required file is done and, if it has a test, the test is passed.
import { z } from 'zod';
import type { AssetKind, AssetViewer } from './assets.ts';

/** Share of a video's or audio's duration that must have been played. */
export const MEDIA_DONE_SHARE = 0.9;
/** Gaps shorter than this between played ranges are closed (the player samples `played` coarsely). */
export const RANGE_JOIN_SECONDS = 0.25;
/** Most played ranges stored per item; beyond it the shortest are dropped (never counted as played). */
export const MAX_STORED_RANGES = 500;
/** Most pages tracked per document. */
export const MAX_PAGES = 10_000;
/** Most ranges and pages accepted in one report. */
export const MAX_RANGES_PER_REPORT = 100;
export const MAX_PAGES_PER_REPORT = 1_000;

export type CompletionRule = 'media' | 'pages' | 'opened' | 'manual';
export type ItemState = 'not_started' | 'in_progress' | 'done';
export type PlayedRange = readonly [start: number, end: number];

/** What the server knows of a file that decides its rule and its measure. */
export interface ItemMeasure {
  rule: CompletionRule;
  /** Media: seconds (null when unknown). */
  durationSeconds: number | null;
  /** Documents: pages (null when unknown). */
  pageCount: number | null;
}

/** What a learner did with one file, as stored. */
export interface ItemFacts {
  /** Sorted, disjoint played ranges in seconds. */
  played: PlayedRange[];
  /** Sorted, distinct page numbers (1-based) that were on screen. */
  pagesSeen: number[];
  opened: boolean;
  markedDone: boolean;
  /** Where to resume: seconds into the media, or the page number. */
  position: number | null;
}

export const NO_FACTS: ItemFacts = { played: [], pagesSeen: [], opened: false, markedDone: false, position: null };

/** One report from the player: merged into the stored facts, so sending it twice changes nothing. */
export const progressReportSchema = z
  .object({
    assetId: z.uuid(),
    played: z
      .array(z.tuple([z.number().finite().min(0).max(86_400), z.number().finite().min(0).max(86_400)]))
      .max(MAX_RANGES_PER_REPORT)
      .optional(),
    pagesSeen: z.array(z.number().int().min(1).max(MAX_PAGES)).max(MAX_PAGES_PER_REPORT).optional(),
    opened: z.literal(true).optional(),
    markedDone: z.boolean().optional(),
    position: z.number().finite().min(0).max(86_400).optional(),
  })
  .strict();
export type ProgressReport = z.infer<typeof progressReportSchema>;

/** The rule a file follows, from its kind and how the browser shows it. */
export function completionRule(kind: AssetKind, viewer: AssetViewer, learnerMarks = false): CompletionRule {
  if (learnerMarks) return 'manual';
  if ((kind === 'video' || kind === 'audio') && (viewer === 'video' || viewer === 'audio')) return 'media';
  if (viewer === 'pdf') return 'pages';
  return 'opened';
}

/** Sorted, disjoint union of ranges: reversed or empty ranges dropped, touching ones joined. */
export function mergeRanges(ranges: readonly PlayedRange[], join = RANGE_JOIN_SECONDS): PlayedRange[] {
  const valid = ranges
    .filter(([s, e]) => Number.isFinite(s) && Number.isFinite(e) && e > s && e > 0)
    .map(([s, e]) => [Math.max(0, s), e] as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [s, e] of valid) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + join) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Seconds of [0, duration] the ranges cover (all of them when the duration is unknown). */
export function coveredSeconds(ranges: readonly PlayedRange[], durationSeconds: number | null): number {
  let total = 0;
  for (const [s, e] of mergeRanges(ranges, 0)) {
    const end = durationSeconds === null ? e : Math.min(e, durationSeconds);
    if (end > s) total += end - s;
  }
  return total;
}

/** Keeps at most `max` ranges, dropping the shortest: what is dropped only ever counts against the learner. */
function boundRanges(ranges: PlayedRange[], max: number): PlayedRange[] {
  if (ranges.length <= max) return ranges;
  return [...ranges]
    .sort((a, b) => b[1] - b[0] - (a[1] - a[0]))
    .slice(0, max)
    .sort((a, b) => a[0] - b[0]);
}

function mergePages(seen: readonly number[], added: readonly number[], pageCount: number | null): number[] {
  const limit = Math.min(pageCount ?? MAX_PAGES, MAX_PAGES);
  const set = new Set(seen);
  for (const p of added) if (Number.isInteger(p) && p >= 1 && p <= limit) set.add(p);
  return [...set].sort((a, b) => a - b);
}

/** The stored facts with one report merged in; merging the same report again changes nothing. */
export function applyReport(facts: ItemFacts, report: Omit<ProgressReport, 'assetId'>, measure: ItemMeasure): ItemFacts {
  const duration = measure.durationSeconds;
  // A range past the end is clipped to it: the media cannot have played beyond its duration.
  const clip = (r: PlayedRange): PlayedRange => (duration === null ? r : [Math.min(r[0], duration), Math.min(r[1], duration)]);
  const played = report.played ? boundRanges(mergeRanges([...facts.played, ...report.played.map(clip)]), MAX_STORED_RANGES) : facts.played;
  const pagesSeen = report.pagesSeen ? mergePages(facts.pagesSeen, report.pagesSeen, measure.pageCount) : facts.pagesSeen;
  let position = facts.position;
  if (report.position !== undefined) {
    position = measure.rule === 'pages' ? Math.max(1, Math.round(report.position)) : report.position;
    if (measure.rule === 'pages' && measure.pageCount) position = Math.min(position, measure.pageCount);
    if (measure.rule === 'media' && duration !== null) position = Math.min(position, duration);
  }
  return {
    played,
    pagesSeen,
    // Any report about a file means it was opened.
    opened: true,
    markedDone: report.markedDone ?? facts.markedDone,
    position,
  };
}

export interface ItemProgress {
  state: ItemState;
  /** 0–1: how far along, for a bar. */
  fraction: number;
}

/** Whether a file is done, in progress or not started, by its rule. */
export function itemProgress(facts: ItemFacts, measure: ItemMeasure): ItemProgress {
  const started = facts.opened || facts.played.length > 0 || facts.pagesSeen.length > 0 || facts.markedDone;
  const progress = (fraction: number, done: boolean): ItemProgress => ({
    state: done ? 'done' : started ? 'in_progress' : 'not_started',
    fraction: done ? 1 : Math.max(0, Math.min(0.99, fraction)),
  });
  switch (measure.rule) {
    case 'manual':
      return progress(0, facts.markedDone);
    case 'opened':
      return progress(0, facts.opened);
    case 'media': {
      const duration = measure.durationSeconds;
      // Zero-length or unknown duration: nothing to watch, so opening it is enough.
      if (duration === null || duration <= 0) return progress(0, facts.opened);
      const share = coveredSeconds(facts.played, duration) / duration;
      return progress(share / MEDIA_DONE_SHARE, share >= MEDIA_DONE_SHARE - 1e-9);
    }
    case 'pages': {
      const pages = measure.pageCount;
      if (pages === null || pages <= 0) return progress(0, facts.opened);
      const seen = facts.pagesSeen.filter((p) => p <= pages).length;
      return progress(seen / pages, seen >= pages);
    }
  }
}

export interface CurriculumItem {
  assetId: string;
  required: boolean;
  state: ItemState;
}

export interface CourseProgress {
  /** Files done, of all files. */
  doneCount: number;
  total: number;
  /** Files that count for completion, and how many of them are done. */
  requiredCount: number;
  requiredDone: number;
  /** 0–100, of all files. */
  percent: number;
  /** Every file that counts is done; the test (if any) is still to pass. */
  filesComplete: boolean;
  complete: boolean;
  /** The file to open next: the first not done that counts, else the first not done, else null. */
  nextAssetId: string | null;
}

/**
 * The course as a whole. A course whose author marked no file required counts every file, so it is
 * not complete the moment a learner enrols. `test` is null when the course has no test.
 */
export function courseProgress(items: readonly CurriculumItem[], test: { passed: boolean } | null): CourseProgress {
  const anyRequired = items.some((i) => i.required);
  const counting = anyRequired ? items.filter((i) => i.required) : items;
  const doneCount = items.filter((i) => i.state === 'done').length;
  const requiredDone = counting.filter((i) => i.state === 'done').length;
  const filesComplete = requiredDone === counting.length;
  const next = counting.find((i) => i.state !== 'done') ?? items.find((i) => i.state !== 'done') ?? null;
  return {
    doneCount,
    total: items.length,
    requiredCount: counting.length,
    requiredDone,
    percent: items.length === 0 ? 100 : Math.floor((doneCount / items.length) * 100),
    filesComplete,
    complete: filesComplete && (test === null || test.passed),
    nextAssetId: next?.assetId ?? null,
  };
}
