// The contract between the asset pipeline and the per-kind file processors.

export interface ProcessInput {
  /** Path of the original (read-only). */
  file: string;
  /** An empty temp folder for this run; outputs go inside it. The caller removes it afterwards. */
  workDir: string;
  /** Abort → any child process is killed at once and the processor rejects. */
  signal: AbortSignal;
  /** 0–100, only for slow steps (e.g. a transcode). */
  progress?: (percent: number) => void;
  /**
   * Stores derivatives before processing ends (the asset stays `processing`): a video's fast-path MP4 is
   * playable while its ladder is still being made. A derivative whose path is `file` reuses the original.
   */
  early?: (result: { derivatives: DerivativeFile[]; metadata: Record<string, unknown> }) => Promise<void>;
  /** From type detection (by content, not by name). */
  detected: { mime: string; ext: string; details: Record<string, unknown> };
}

export interface DerivativeFile {
  /** e.g. `web`, `thumbnail`, `pdf`, `html`, `audio`, `vtt`. */
  role: string;
  path: string;
  mime: string;
}

export type ProcessResult =
  /** `note`: shown to the author, e.g. "Preview unavailable — download the file." */
  | {
      ok: true;
      derivatives: DerivativeFile[];
      metadata: Record<string, unknown>;
      note?: string;
      /** Early derivatives this result supersedes: removed when it is stored. */
      drop?: string[];
    }
  /** `reason`: a sentence for the author, e.g. "The image is larger than 100 megapixels." */
  | { ok: false; reason: string };

/** Resolves `{ ok: false }` for a bad file; rejects only on abort or an unexpected internal error. */
export type Processor = (input: ProcessInput) => Promise<ProcessResult>;
