// The garbage collector's report, as the server records it and the admin page shows it.
import { z } from 'zod';

export const GC_CLASSES = ['drafts', 'assets', 'blobs', 'zombies', 'temporaries', 'uploads', 'tempDirs'] as const;
export type GcClass = (typeof GC_CLASSES)[number];

/** What each class means, for people. */
export const GC_CLASS_LABELS: Record<GcClass, string> = {
  drafts: 'Abandoned drafts',
  assets: 'Files no draft or course uses',
  blobs: 'Stored content no file uses',
  zombies: 'Stored objects the database does not know',
  temporaries: 'Unfinished storage writes',
  uploads: 'Stale partial uploads',
  tempDirs: 'Temporary work folders',
};

const classCount = z.object({ items: z.number(), bytes: z.number() });

/** What one run found, per class; lists are capped so a huge run keeps a small report. */
export const gcReportSchema = z.object({
  classes: z.object(Object.fromEntries(GC_CLASSES.map((c) => [c, classCount])) as Record<GcClass, typeof classCount>),
  /** Assets whose stored bytes are gone (marked `missing`). */
  flagged: z.array(z.object({ kind: z.literal('missing-object'), key: z.string(), assetIds: z.array(z.string()) })),
  flaggedCount: z.number(),
  /** Drafts close to removal, listed before they go. */
  drafts: z.array(
    z.object({ id: z.string(), ownerId: z.string(), title: z.string(), updatedAt: z.number(), removeAt: z.number() }),
  ),
  errors: z.array(z.string()),
  errorCount: z.number(),
  durationMs: z.number(),
  /** Why the run did not start (the storage marker is missing), when it did not. */
  refusal: z.string().optional(),
});
export type GcReport = z.infer<typeof gcReportSchema>;

export const gcRunViewSchema = z.object({
  id: z.string(),
  trigger: z.enum(['schedule', 'manual', 'cli']),
  dryRun: z.boolean(),
  status: z.enum(['running', 'completed', 'failed', 'refused']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  report: gcReportSchema,
});
export type GcRunView = z.infer<typeof gcRunViewSchema>;

/** GET /api/admin/gc: recent runs, the drafts removed next, and the collector's settings. */
export const gcOverviewSchema = z.object({
  runs: z.array(gcRunViewSchema),
  upcomingDrafts: gcReportSchema.shape.drafts,
  settings: z.object({ schedule: z.string(), graceHours: z.number(), draftMaxAgeDays: z.number() }),
});
export type GcOverview = z.infer<typeof gcOverviewSchema>;

/** POST /api/admin/gc/runs: a run, or a dry run that only reports. */
export const gcStartInputSchema = z.object({ dryRun: z.boolean() });

/** POST /api/admin/gc/runs: `queued` is false when a run is already queued or running. */
export const gcStartAnswerSchema = z.object({ jobId: z.string().nullable(), queued: z.boolean() });
