// Autosave for the course wizard, outside React: holds the draft as the author edits it, sends the
// changed sections (debounced) with the revision last seen, one request at a time, retries with
// backoff while the network is down, and stops on a conflict until the author loads the latest
// version. The browser checks each section with the shared zod schemas first; the server decides.
// Free of DOM and fetch: the request is passed in, so the rules are tested without a browser.
import {
  basicsSchema,
  type DraftContent,
  type DraftUpdate,
  type DraftView,
  draftContentSchema,
  type WizardStep,
} from '../../../shared/drafts.ts';
import { testSetSchema } from '../../../shared/quiz.ts';
import { systemTimers, type Timers } from '../../timers.ts';

export type { Timers };

export type DraftSection = 'basics' | 'files' | 'test' | 'certificate';
type Dirty = DraftSection | 'step';

/** Why a save failed, as the caller's request function reports it. */
export type SaveFailure =
  | { kind: 'network' }
  | { kind: 'conflict'; message: string; current: DraftView }
  | { kind: 'gone'; message: string }
  | { kind: 'refused'; message: string };

/**
 * saved: nothing waits; saving: changes wait for the debounce or are on their way; offline: the
 * server could not be reached, retried later; invalid: a section fails the schema and waits for a
 * fix; conflict: another tab or device saved first; gone: the draft no longer exists; refused: the
 * server turned the change down (retried after the next change).
 */
export type SaveStatus =
  | { kind: 'saved' }
  | { kind: 'saving' }
  | { kind: 'offline'; retryAt: number }
  | { kind: 'invalid'; message: string }
  | { kind: 'conflict'; message: string; current: DraftView }
  | { kind: 'gone'; message: string }
  | { kind: 'refused'; message: string };

export interface SaverSnapshot {
  draftId: string;
  revision: number;
  step: WizardStep;
  content: DraftContent;
  status: SaveStatus;
  /** When the server last confirmed a save (ISO). */
  savedAt: string;
}


export interface DraftSaverOptions {
  /** Sends one save; throws a SaveFailure (see classify) when it fails. */
  send(draftId: string, update: DraftUpdate): Promise<DraftView>;
  /** Turns whatever `send` threw into a SaveFailure. */
  classify(error: unknown): SaveFailure;
  debounceMs?: number;
  /** Waits between retries while offline; the last one repeats. */
  backoffMs?: readonly number[];
  timers?: Timers;
}

export const DEFAULT_DEBOUNCE_MS = 500;
export const DEFAULT_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000] as const;

const SECTION_SCHEMAS = {
  basics: basicsSchema,
  files: draftContentSchema.shape.files,
  test: testSetSchema,
  certificate: draftContentSchema.shape.certificate,
} as const;

const SECTION_NAMES: Record<DraftSection, string> = {
  basics: 'Basics',
  files: 'Files',
  test: 'Test',
  certificate: 'Certificate',
};

/** The first schema problem of a section, as a sentence naming the step, or null when it is valid. */
export function sectionProblem(section: DraftSection, value: unknown): string | null {
  const result = SECTION_SCHEMAS[section].safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0];
  return `${SECTION_NAMES[section]}: ${issue?.message ?? 'a value is not valid'}`;
}

export class DraftSaver {
  #snapshot: SaverSnapshot;
  #dirty = new Set<Dirty>();
  #listeners = new Set<() => void>();
  #savedListeners = new Set<(draft: DraftView) => void>();
  #timer: unknown = null;
  #inFlight: Promise<void> | null = null;
  /** A save was due while another was on its way: run again when it returns. */
  #again = false;
  #attempt = 0;
  #stopped = false;
  readonly #options: Required<Omit<DraftSaverOptions, 'timers'>> & { timers: Timers };

  constructor(draft: DraftView, options: DraftSaverOptions) {
    this.#options = {
      debounceMs: DEFAULT_DEBOUNCE_MS,
      backoffMs: DEFAULT_BACKOFF_MS,
      timers: systemTimers,
      ...options,
    };
    this.#snapshot = {
      draftId: draft.id,
      revision: draft.revision,
      step: draft.step,
      content: draft.content,
      status: { kind: 'saved' },
      savedAt: draft.updatedAt,
    };
  }

  // ---- store for React (useSyncExternalStore) ----

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): SaverSnapshot => this.#snapshot;

  /** Hears about every save the server confirmed (e.g. to reload the review). */
  onSaved(listener: (draft: DraftView) => void): () => void {
    this.#savedListeners.add(listener);
    return () => this.#savedListeners.delete(listener);
  }

  #set(patch: Partial<SaverSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const listener of [...this.#listeners]) listener();
  }

  /** True while the author's changes are not all on the server. */
  get hasUnsavedChanges(): boolean {
    return this.#dirty.size > 0 || this.#inFlight !== null;
  }

  // ---- changes ----

  /** Replaces one section of the content (always a new object) and schedules a save. */
  update<S extends DraftSection>(section: S, value: DraftContent[S]): void {
    if (this.#blocked()) return;
    this.#dirty.add(section);
    this.#set({ content: { ...this.#snapshot.content, [section]: value } });
    this.#schedule(this.#options.debounceMs);
  }

  /** Records the step the author is on. */
  setStep(step: WizardStep): void {
    if (this.#blocked() || step === this.#snapshot.step) return;
    this.#dirty.add('step');
    this.#set({ step });
    this.#schedule(this.#options.debounceMs);
  }

  /** After a conflict: forget the local changes and continue from the server's draft. */
  replace(draft: DraftView): void {
    this.#dirty.clear();
    this.#attempt = 0;
    this.#cancelTimer();
    this.#set({
      revision: draft.revision,
      step: draft.step,
      content: draft.content,
      savedAt: draft.updatedAt,
      status: { kind: 'saved' },
    });
  }

  /**
   * Takes a newer version saved in another tab or device, when this tab has nothing unsaved (so
   * coming back to a tab does not end in a conflict). True when it was taken.
   */
  adopt(draft: DraftView): boolean {
    if (this.#blocked() || this.hasUnsavedChanges || draft.revision <= this.#snapshot.revision) return false;
    this.replace(draft);
    return true;
  }

  /** Sends what waits now (e.g. the network is back); no-op during a conflict or after stop. */
  retryNow(): void {
    if (this.#blocked() || this.#dirty.size === 0) return;
    this.#schedule(0);
  }

  /**
   * Saves everything now and waits for the answer. True when the server has all of it; false when
   * it could not be saved (offline, invalid, conflict…: see the status).
   */
  async flush(): Promise<boolean> {
    this.#cancelTimer();
    // Bounded: an author typing on while this waits must not keep it waiting forever.
    for (let round = 0; round < 10; round += 1) {
      if (this.#inFlight) {
        await this.#inFlight;
        continue;
      }
      if (this.#blocked()) return false;
      if (this.#dirty.size === 0) return true;
      await this.#run();
      const { kind } = this.#snapshot.status;
      // Offline, invalid or refused: do not wait here for the retries (they go on by themselves).
      if (kind !== 'saved' && kind !== 'saving') return false;
    }
    return this.#dirty.size === 0 && this.#inFlight === null;
  }

  /** No more saves (the draft was discarded or the page left). */
  stop(): void {
    this.#stopped = true;
    this.#cancelTimer();
  }

  #blocked(): boolean {
    const { kind } = this.#snapshot.status;
    return this.#stopped || kind === 'conflict' || kind === 'gone';
  }

  #cancelTimer(): void {
    if (this.#timer !== null) this.#options.timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(ms: number): void {
    this.#cancelTimer();
    if (this.#snapshot.status.kind !== 'offline') this.#set({ status: { kind: 'saving' } });
    this.#timer = this.#options.timers.setTimeout(() => {
      this.#timer = null;
      void this.#run();
    }, ms);
  }

  async #run(): Promise<void> {
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    if (this.#blocked() || this.#dirty.size === 0) return;
    const { content, step, revision, draftId } = this.#snapshot;
    const update: DraftUpdate = { revision };
    const sent = new Map<Dirty, unknown>();
    let invalid: string | null = null;
    for (const part of this.#dirty) {
      if (part === 'step') {
        update.step = step;
        sent.set('step', step);
        continue;
      }
      const problem = sectionProblem(part, content[part]);
      if (problem) {
        invalid ??= problem;
        continue;
      }
      // The shapes match: the schema only checked them.
      Object.assign(update, { [part]: content[part] });
      sent.set(part, content[part]);
    }
    if (sent.size === 0) {
      this.#set({ status: invalid ? { kind: 'invalid', message: invalid } : { kind: 'saved' } });
      return;
    }
    this.#set({ status: { kind: 'saving' } });
    const request = this.#send(draftId, update, sent);
    this.#inFlight = request;
    try {
      await request;
    } finally {
      this.#inFlight = null;
    }
    if (this.#again) {
      this.#again = false;
      // Changed while the request was out: those changes go next (after a failure, its retry does).
      if (this.#snapshot.status.kind === 'saving') await this.#run();
    }
  }

  async #send(draftId: string, update: DraftUpdate, sent: Map<Dirty, unknown>): Promise<void> {
    let saved: DraftView;
    try {
      saved = await this.#options.send(draftId, update);
    } catch (error) {
      if (this.#stopped) return;
      this.#failed(this.#options.classify(error));
      return;
    }
    if (this.#stopped) return;
    this.#attempt = 0;
    // A section edited again while the request was out stays dirty.
    for (const [part, value] of sent) {
      const current = part === 'step' ? this.#snapshot.step : this.#snapshot.content[part];
      if (current === value) this.#dirty.delete(part);
    }
    const { content } = this.#snapshot;
    const problems = [...this.#dirty].map((part) => (part === 'step' ? null : sectionProblem(part, content[part])));
    const waiting = problems.some((problem) => problem === null);
    const invalid = problems.find((problem) => problem !== null) ?? null;
    this.#set({
      revision: saved.revision,
      savedAt: saved.updatedAt,
      status: waiting ? { kind: 'saving' } : invalid ? { kind: 'invalid', message: invalid } : { kind: 'saved' },
    });
    for (const listener of [...this.#savedListeners]) listener(saved);
  }

  #failed(failure: SaveFailure): void {
    switch (failure.kind) {
      case 'network': {
        const { backoffMs, timers } = this.#options;
        const wait = backoffMs[Math.min(this.#attempt, backoffMs.length - 1)] ?? 1_000;
        this.#attempt += 1;
        this.#set({ status: { kind: 'offline', retryAt: timers.now() + wait } });
        this.#schedule(wait);
        return;
      }
      case 'conflict':
        this.#cancelTimer();
        this.#set({ status: { kind: 'conflict', message: failure.message, current: failure.current } });
        return;
      case 'gone':
        this.#cancelTimer();
        this.#set({ status: { kind: 'gone', message: failure.message } });
        return;
      case 'refused':
        this.#set({ status: { kind: 'refused', message: failure.message } });
        return;
    }
  }
}
