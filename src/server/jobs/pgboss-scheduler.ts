// Fires the cron schedules kept in pg-boss's schedule table. pg-boss's own cron pass is switched off
// (`schedule: false`): it files every occurrence in a 60-second throttle slot, so it fires at most
// once a minute whatever its intervals, and Lectern's schedules may have a seconds field.
// Every scheduler process ticks just after each whole second and enqueues each schedule's latest
// occurrence since its previous tick, under a job id derived from the schedule and the occurrence:
// pg-boss inserts with ON CONFLICT DO NOTHING on the job's primary key, so exactly one insert per
// occurrence gets through, whichever process makes it. Occurrences while no scheduler runs are skipped.
import { createHash } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import type { PgBoss } from 'pg-boss';
import { JOB_CATALOG, type JobName } from './catalog.ts';

export interface ScheduleTicker {
  stop(): Promise<void>;
}

/** Sends one occurrence as a job with the given id; null when another process already did. */
export type FireOccurrence = (name: JobName, payload: unknown, jobId: string) => Promise<string | null>;

/** A uuid (version 8, name-based) for one occurrence of one schedule. */
export function occurrenceId(name: string, key: string, at: number): string {
  const hash = createHash('sha256')
    .update(`${name}\n${key}\n${new Date(at).toISOString()}`)
    .digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x80, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The latest occurrence in (since, until], or null. */
export function latestOccurrence(cron: string, tz: string, since: number, until: number): number | null {
  // prev() answers strictly before its reference, so the reference is just past `until`.
  const at = CronExpressionParser.parse(cron, { tz, currentDate: new Date(until + 1) })
    .prev()
    .getTime();
  return at > since ? at : null;
}

export function startScheduleTicker(
  boss: PgBoss,
  fire: FireOccurrence,
  onError: (err: unknown) => void,
): ScheduleTicker {
  let last = Date.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();

  async function tick(): Promise<void> {
    const now = Date.now();
    const since = last;
    last = now;
    for (const schedule of await boss.getSchedules()) {
      if (!(schedule.name in JOB_CATALOG)) continue;
      try {
        const due = latestOccurrence(schedule.cron, schedule.timezone, since, now);
        if (due !== null)
          await fire(schedule.name as JobName, schedule.data ?? {}, occurrenceId(schedule.name, schedule.key, due));
      } catch (err) {
        // One bad schedule (an expression or payload the catalog no longer accepts) skips only itself.
        onError(err);
      }
    }
  }

  function next(): void {
    if (stopped) return;
    timer = setTimeout(
      () => {
        ticking = tick().catch(onError).finally(next);
      },
      1000 - (Date.now() % 1000) + 20,
    );
    timer.unref();
  }

  next();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await ticking;
    },
  };
}
