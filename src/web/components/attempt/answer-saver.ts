// The answers of one attempt, outside React: every change is its own request carrying the
// question's sequence number, sent at once; "saved" only once the server acknowledged it. Changes
// the server has not acknowledged are kept in the browser's storage (a reload keeps them), shown as
// not saved yet, and sent again with backoff or as soon as the browser is back online. The server
// keeps the latest answer per question: when it reports a newer one (another tab), that one shows.
// Free of DOM and fetch: the request, storage and timers are passed in, so the rules are unit-tested.
import type { AttemptResponseView, SaveAnswerBody, SaveAnswerResult } from '../../../shared/attempts.ts';
import { systemTimers, type Timers } from '../../timers.ts';

export interface LocalAnswer {
  answerIds: string[];
  flagged: boolean;
  sequence: number;
}

/**
 * saved: the server holds what is shown; saving: on its way; unsaved: the server could not be
 * reached, it is sent again later; refused: the server turned it down for good (its message).
 */
export type AnswerStatus =
  | { kind: 'saved' }
  | { kind: 'saving' }
  | { kind: 'unsaved' }
  | { kind: 'refused'; message: string };

export interface QuestionAnswer extends LocalAnswer {
  status: AnswerStatus;
  /** Set when a newer answer from another tab or device replaced this one. */
  replacedElsewhere: boolean;
}

/** Why a save failed, as `classify` reports it: retried later, or refused for good. */
export type SaveFailure = { kind: 'network' } | { kind: 'refused'; code: string; message: string };

/** The little of the Web Storage API the saver uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface AnswerSaverOptions {
  attemptId: string;
  send(questionId: string, body: SaveAnswerBody): Promise<SaveAnswerResult>;
  classify(error: unknown): SaveFailure;
  storage: KeyValueStorage | null;
  /** Every acknowledgement carries the server's deadline and clock: the timer resyncs on them. */
  onServerTime?(deadline: string | null, serverNow: string): void;
  /** The server refused an answer because the attempt is over (submitted, or past deadline + grace). */
  onAttemptOver?(code: string): void;
  backoffMs?: readonly number[];
  timers?: Timers;
}

export const DEFAULT_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000] as const;
const OVER_CODES = new Set(['attempt_submitted', 'attempt_time_over']);

export function storageKey(attemptId: string): string {
  return `lectern:attempt:${attemptId}:unsaved`;
}

export class AnswerSaver {
  readonly #o: Required<Omit<AnswerSaverOptions, 'onServerTime' | 'onAttemptOver' | 'storage'>> &
    Pick<AnswerSaverOptions, 'onServerTime' | 'onAttemptOver' | 'storage'>;
  #answers = new Map<string, QuestionAnswer>();
  /** Requests on their way, per question. */
  #inFlight = new Map<string, number>();
  #listeners = new Set<() => void>();
  #snapshot: ReadonlyMap<string, QuestionAnswer> = new Map();
  #retryTimer: unknown = null;
  #failures = 0;
  #stopped = false;
  #overReported = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: AnswerSaverOptions) {
    this.#o = { backoffMs: DEFAULT_BACKOFF_MS, timers: systemTimers, ...options };
  }

  /**
   * The server's answers (on opening the attempt, and on every reload of it), merged with what this
   * browser holds unsaved: the higher sequence number wins. Unsaved answers are sent.
   */
  load(responses: Readonly<Record<string, AttemptResponseView>>): void {
    const kept = this.#readStorage();
    for (const [questionId, response] of Object.entries(responses)) {
      const local = this.#answers.get(questionId) ?? kept[questionId];
      if (local && local.sequence > response.sequence) continue;
      const shown = this.#answers.get(questionId);
      const replaced = shown !== undefined && shown.status.kind === 'saved' && !sameAnswer(shown, response);
      this.#answers.set(questionId, {
        answerIds: [...response.answerIds],
        flagged: response.flagged,
        sequence: response.sequence,
        status: { kind: 'saved' },
        replacedElsewhere: replaced || (shown?.replacedElsewhere ?? false),
      });
      delete kept[questionId];
    }
    for (const [questionId, local] of Object.entries(kept)) {
      const current = this.#answers.get(questionId);
      if (current && current.sequence >= local.sequence) continue;
      this.#answers.set(questionId, { ...local, status: { kind: 'unsaved' }, replacedElsewhere: false });
    }
    this.#writeStorage();
    this.#emit();
    this.flush();
  }

  /** The learner changed a question's answer or flag: sent at once (unless the network is down). */
  change(questionId: string, next: { answerIds: string[]; flagged: boolean }): void {
    if (this.#stopped) return;
    const current = this.#answers.get(questionId);
    const sequence = Math.max(Math.floor(this.#o.timers.now()), (current?.sequence ?? 0) + 1);
    const offline = this.#retryTimer !== null;
    this.#answers.set(questionId, {
      answerIds: [...next.answerIds],
      flagged: next.flagged,
      sequence,
      status: { kind: offline ? 'unsaved' : 'saving' },
      replacedElsewhere: false,
    });
    this.#writeStorage();
    this.#emit();
    if (!offline) this.#send(questionId);
  }

  /** Sends every unsaved answer now (the browser is back online, or before submitting). */
  flush(): void {
    if (this.#stopped) return;
    if (this.#retryTimer !== null) {
      this.#o.timers.clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
    }
    for (const [questionId, answer] of this.#answers) {
      if (answer.status.kind === 'unsaved' && !this.#inFlight.get(questionId)) this.#send(questionId);
    }
  }

  /** Resolves when no request is on its way (answers may still be unsaved: see `unsavedCount`). */
  idle(): Promise<void> {
    if (this.#totalInFlight() === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Answers the server has not acknowledged yet (on their way or waiting for the network). */
  get unsavedCount(): number {
    let n = 0;
    for (const a of this.#answers.values()) if (a.status.kind === 'saving' || a.status.kind === 'unsaved') n += 1;
    return n;
  }

  snapshot = (): ReadonlyMap<string, QuestionAnswer> => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Starts (again) after `stop`: React may stop and start an effect's saver more than once. */
  start(): void {
    this.#stopped = false;
    this.flush();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retryTimer !== null) this.#o.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #send(questionId: string): void {
    const answer = this.#answers.get(questionId);
    if (!answer) return;
    const sent = { answerIds: answer.answerIds, flagged: answer.flagged, sequence: answer.sequence };
    this.#inFlight.set(questionId, (this.#inFlight.get(questionId) ?? 0) + 1);
    // A retry keeps showing "not saved yet" until the server acknowledges it.
    this.#o
      .send(questionId, sent)
      .then(
        (result) => this.#acknowledged(questionId, sent, result),
        (error: unknown) => this.#failed(questionId, sent, this.#o.classify(error)),
      )
      .finally(() => {
        this.#inFlight.set(questionId, (this.#inFlight.get(questionId) ?? 1) - 1);
        if (this.#totalInFlight() === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
      });
  }

  #acknowledged(questionId: string, sent: LocalAnswer, result: SaveAnswerResult): void {
    this.#failures = 0;
    this.#o.onServerTime?.(result.deadline, result.serverNow);
    const current = this.#answers.get(questionId);
    const server = result.response;
    if (current && current.sequence > server.sequence) {
      // A newer change of ours is still on its way (or waits): it decides what shows.
      if (current.status.kind === 'unsaved' && !this.#inFlight.get(questionId)) this.#send(questionId);
    } else {
      this.#set(questionId, {
        answerIds: [...server.answerIds],
        flagged: server.flagged,
        sequence: server.sequence,
        status: { kind: 'saved' },
        replacedElsewhere: !result.applied && !sameAnswer(sent, server),
      });
      this.#writeStorage();
    }
    // The network works again: send what waited.
    if (this.#retryTimer !== null) this.flush();
  }

  #failed(questionId: string, sent: LocalAnswer, failure: SaveFailure): void {
    const current = this.#answers.get(questionId);
    if (!current || current.sequence !== sent.sequence) return;
    if (failure.kind === 'refused') {
      this.#set(questionId, { ...current, status: { kind: 'refused', message: failure.message } });
      this.#writeStorage();
      if (OVER_CODES.has(failure.code)) this.#attemptOver(failure.code);
      return;
    }
    this.#set(questionId, { ...current, status: { kind: 'unsaved' } });
    this.#scheduleRetry();
  }

  /**
   * The attempt is over: every other answer still waiting is sent now, so each gets the server's
   * own verdict (its refusal message) before the page is told, once, and reloads the attempt.
   */
  #attemptOver(code: string): void {
    if (this.#overReported) return;
    this.#overReported = true;
    void (async () => {
      // Those on their way settle first (a lost one turns "not saved yet"), then all waiting go.
      await this.idle();
      this.flush();
      await this.idle();
      this.#o.onAttemptOver?.(code);
    })();
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retryTimer !== null) return;
    const waits = this.#o.backoffMs;
    const wait = waits[Math.min(this.#failures, waits.length - 1)] ?? 1_000;
    this.#failures += 1;
    this.#retryTimer = this.#o.timers.setTimeout(() => {
      this.#retryTimer = null;
      this.flush();
    }, wait);
  }

  #totalInFlight(): number {
    let n = 0;
    for (const c of this.#inFlight.values()) n += c;
    return n;
  }

  #set(questionId: string, answer: QuestionAnswer): void {
    this.#answers.set(questionId, answer);
    this.#emit();
  }

  #emit(): void {
    this.#snapshot = new Map(this.#answers);
    for (const listener of this.#listeners) listener();
  }

  #readStorage(): Record<string, LocalAnswer> {
    try {
      const raw = this.#o.storage?.getItem(storageKey(this.#o.attemptId));
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, LocalAnswer>) : {};
    } catch {
      return {};
    }
  }

  /** Keeps exactly the answers the server has not acknowledged (refused ones are dropped). */
  #writeStorage(): void {
    const storage = this.#o.storage;
    if (!storage) return;
    const unsaved: Record<string, LocalAnswer> = {};
    for (const [questionId, a] of this.#answers) {
      if (a.status.kind === 'saving' || a.status.kind === 'unsaved') {
        unsaved[questionId] = { answerIds: a.answerIds, flagged: a.flagged, sequence: a.sequence };
      }
    }
    try {
      if (Object.keys(unsaved).length === 0) storage.removeItem(storageKey(this.#o.attemptId));
      else storage.setItem(storageKey(this.#o.attemptId), JSON.stringify(unsaved));
    } catch {
      // Storage full or blocked (private mode): the answers still live in this page.
    }
  }
}

function sameAnswer(
  a: Pick<LocalAnswer, 'answerIds' | 'flagged'>,
  b: Pick<LocalAnswer, 'answerIds' | 'flagged'>,
): boolean {
  if (a.flagged !== b.flagged || a.answerIds.length !== b.answerIds.length) return false;
  const set = new Set(a.answerIds);
  return b.answerIds.every((id) => set.has(id));
}
