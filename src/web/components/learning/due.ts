// Due dates as a learner reads them: overdue, due soon, or just a date. Pure, so the dashboard's words
// are tested without a browser.

const DAY_MS = 24 * 60 * 60 * 1000;
/** "Due soon" from this close. */
export const DUE_SOON_DAYS = 7;

export type DueState = 'overdue' | 'soon' | 'later';

export function dueState(dueAt: string, now: number): DueState {
  const at = Date.parse(dueAt);
  if (at < now) return 'overdue';
  return at - now <= DUE_SOON_DAYS * DAY_MS ? 'soon' : 'later';
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "Overdue since 31 Jan 2027", "Due 31 Jan 2027"; a completed course has no due date to speak of. */
export function dueText(dueAt: string, now: number): string {
  const date = dateFormat.format(new Date(dueAt));
  return dueState(dueAt, now) === 'overdue' ? `Overdue since ${date}` : `Due ${date}`;
}

/** A date input's value (YYYY-MM-DD, the learner's day) as the end of that day, in ISO form; null when empty. */
export function endOfDay(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T23:59:59`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
