// The attempt's timer as pure rules: the time left is always worked out from the server's deadline
// and the server's clock (the offset learned from its last answer) against Date.now(), never by
// counting ticks, so a background tab whose timers were slowed shows the right time when it wakes.

/** How far the server's clock is ahead of this browser's (ms), from a response's `serverNow`. */
export function clockOffset(serverNowIso: string, receivedAt: number): number {
  const server = Date.parse(serverNowIso);
  return Number.isNaN(server) ? 0 : server - receivedAt;
}

/** Milliseconds left until the deadline by the server's clock (never below 0). */
export function remainingMs(deadlineMs: number, offsetMs: number, now: number): number {
  return Math.max(0, deadlineMs - (now + offsetMs));
}

/** Minutes left at which screen readers hear the time, politely, once each. */
export const ANNOUNCE_AT_MINUTES = [10, 5, 1] as const;

/**
 * The announcement due when the time left went from `before` to `after` (ms), or null: only the
 * crossing of a mark speaks (the smallest crossed, when a sleeping tab skipped several).
 */
export function announcementFor(before: number, after: number): string | null {
  let crossed: number | null = null;
  for (const minutes of ANNOUNCE_AT_MINUTES) {
    const mark = minutes * 60_000;
    if (before > mark && after <= mark && after > 0) crossed = minutes;
  }
  if (crossed === null) return null;
  return crossed === 1 ? '1 minute left in the test.' : `${crossed} minutes left in the test.`;
}

/** "9:05" or "1:02:03" (rounded up: the timer shows 0:00 only when time is over). */
export function formatRemaining(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

/** The time left in words, for the timer's accessible name ("9 minutes 5 seconds left"). */
export function describeRemaining(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const part = (n: number, unit: string) => (n === 0 ? '' : `${n} ${unit}${n === 1 ? '' : 's'}`);
  const words = [part(hours, 'hour'), part(minutes, 'minute'), hours > 0 ? '' : part(seconds, 'second')].filter(
    Boolean,
  );
  return words.length === 0 ? 'Time is up' : `${words.join(' ')} left`;
}
