// What the uploads tell screen readers: the events since the last announcement, grouped into one
// text and spoken at most every ANNOUNCE_INTERVAL_MS.
import { systemTimers, type Timers } from '../../timers.ts';

/** Screen reader announcements are grouped and spoken at most this often. */
export const ANNOUNCE_INTERVAL_MS = 2_000;

export interface Announcement {
  name: string;
  event: 'uploaded' | 'ready' | 'failed';
  reason?: string;
}

/**
 * One text for what happened since the last announcement: each event when there are few
 * ("a.pdf uploaded. b.png failed: …"), otherwise counts, but failures always by name.
 */
export function summarize(announcements: readonly Announcement[]): string {
  const sentence = (a: Announcement) =>
    a.event === 'failed' ? `${a.name} failed: ${a.reason}` : a.event === 'ready' ? `${a.name} is ready` : `${a.name} uploaded`;
  if (announcements.length <= 3) return announcements.map(sentence).join('. ');
  const count = (event: Announcement['event']) => announcements.filter((a) => a.event === event).length;
  const files = (n: number) => (n === 1 ? '1 file' : `${n} files`);
  const parts: string[] = [];
  if (count('uploaded') > 0) parts.push(`${files(count('uploaded'))} uploaded`);
  if (count('ready') > 0) parts.push(`${files(count('ready'))} ready`);
  const failures = announcements.filter((a) => a.event === 'failed');
  parts.push(...failures.slice(0, 3).map(sentence));
  if (failures.length > 3) parts.push(`${failures.length - 3} more failed`);
  return parts.join('. ');
}

export class Announcer {
  #pending: Announcement[] = [];
  #timer: unknown;
  #last = Number.NEGATIVE_INFINITY;
  #text = '';
  readonly #timers: Timers;
  readonly #onText: (text: string) => void;

  constructor(onText: (text: string) => void, timers: Timers = systemTimers) {
    this.#onText = onText;
    this.#timers = timers;
  }

  get text(): string {
    return this.#text;
  }

  announce(announcement: Announcement): void {
    this.#pending.push(announcement);
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#last + ANNOUNCE_INTERVAL_MS - this.#timers.now());
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#last = this.#timers.now();
      const text = summarize(this.#pending.splice(0));
      // A repeated text would not be read again: make it differ.
      this.#text = text === this.#text ? `${text}\u00a0` : text;
      this.#onText(this.#text);
    }, wait);
  }

  /** Forgets what waits and what was said. */
  reset(): void {
    this.#pending = [];
    this.#text = '';
  }
}
