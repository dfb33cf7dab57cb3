// The garbage collector's report, as the server records it and the admin page shows it.

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

/** What one run found, per class; lists are capped so a huge run keeps a small report. */
export interface GcReport {
  classes: Record<GcClass, { items: number; bytes: number }>;
  /** Assets whose stored bytes are gone (marked `missing`). */
  flagged: { kind: 'missing-object'; key: string; assetIds: string[] }[];
  flaggedCount: number;
  /** Drafts close to removal, listed before they go. */
  drafts: { id: string; ownerId: string; title: string; updatedAt: number; removeAt: number }[];
  errors: string[];
  errorCount: number;
  durationMs: number;
  /** Why the run did not start (the storage marker is missing), when it did not. */
  refusal?: string;
}

export interface GcRunView {
  id: string;
  trigger: 'schedule' | 'manual' | 'cli';
  dryRun: boolean;
  status: 'running' | 'completed' | 'failed' | 'refused';
  startedAt: string;
  finishedAt: string | null;
  report: GcReport;
}
