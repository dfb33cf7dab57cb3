// SQL on pg-boss's job table for what its API does not offer: finding a job by id alone (the API wants
// the queue name too), retrying from the first attempt, singleton-key checks, and handing a running
// job back without counting the attempt. pg-boss's job states are an ordered enum:
// created < retry < active < completed < cancelled < failed, so `state < 'completed'` means live.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { JOB_NAMES } from './catalog.ts';
import type { JobInfo, JobState } from './queue.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** pg-boss job ids are uuids; any other string names no job (and would be a cast error in SQL). */
export function isJobId(id: string): boolean {
  return UUID.test(id);
}

interface InfoRow {
  id: string;
  name: string;
  state: JobState;
  attempt: number;
  error: string | null;
  created_on: Date;
  completed_on: Date | null;
}

function toInfo(row: InfoRow): JobInfo {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    attempt: row.attempt,
    error: row.error,
    createdAt: row.created_on,
    finishedAt: row.completed_on,
  };
}

export type JobSql = ReturnType<typeof createJobSql>;

export function createJobSql(db: Kysely<DB>, schema: string) {
  const job = sql.id(schema, 'job');
  // A claim counts an attempt once the job has started before (started_on), so retry_count + 1 is
  // the attempt that runs or ran last, and 0 means it never started. A failure is stored as
  // { message } by our workers and as { value: { message } } by pg-boss's own expiry.
  const info = sql`id::text, name, state::text,
    CASE WHEN started_on IS NULL THEN 0 ELSE retry_count + 1 END AS attempt,
    COALESCE(output->>'message', output->'value'->>'message') AS error, created_on, completed_on`;

  /**
   * True while a job of this name and key is queued or running. Serialised per key by a transaction
   * lock, so two enqueues cannot both see the key free: the second waits for the first to commit.
   */
  async function keyBusy(trx: Kysely<DB>, name: string, key: string): Promise<boolean> {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`lectern.job-key:${name}:${key}`}, 0))`.execute(trx);
    const { rows } = await sql<{ busy: boolean }>`SELECT EXISTS (
      SELECT 1 FROM ${job} WHERE name = ${name} AND singleton_key = ${key} AND state < 'completed'
    ) AS busy`.execute(trx);
    return rows[0]?.busy === true;
  }

  return {
    keyBusy,

    async getJob(id: string): Promise<JobInfo | null> {
      const { rows } = await sql<InfoRow>`SELECT ${info} FROM ${job} WHERE id = ${id}`.execute(db);
      return rows[0] ? toInfo(rows[0]) : null;
    },

    async listFailed(limit: number): Promise<JobInfo[]> {
      const { rows } = await sql<InfoRow>`SELECT ${info} FROM ${job}
        WHERE name = ANY(${JOB_NAMES}::text[]) AND state = 'failed'
        ORDER BY completed_on DESC LIMIT ${limit}`.execute(db);
      return rows.map(toInfo);
    },

    async counts(): Promise<{ name: string; state: JobState; count: number }[]> {
      const { rows } = await sql<{ name: string; state: JobState; count: number }>`
        SELECT name, state::text, COUNT(*)::int AS count FROM ${job}
        WHERE name = ANY(${JOB_NAMES}::text[]) GROUP BY name, state`.execute(db);
      return rows;
    },

    /** Cancels a live job; its name when it was live. */
    async cancel(id: string): Promise<string | null> {
      const { rows } = await sql<{ name: string }>`UPDATE ${job} SET state = 'cancelled', completed_on = now()
        WHERE id = ${id} AND state < 'completed' RETURNING name`.execute(db);
      return rows[0]?.name ?? null;
    },

    /** Cancels the live jobs of a name with a key; their ids. */
    async cancelByKey(name: string, key: string): Promise<string[]> {
      const { rows } = await sql<{ id: string }>`UPDATE ${job} SET state = 'cancelled', completed_on = now()
        WHERE name = ${name} AND singleton_key = ${key} AND state < 'completed' RETURNING id::text`.execute(db);
      return rows.map((r) => r.id);
    },

    /**
     * Queues a failed or cancelled job again as if new (its next claim is attempt 1), unless a newer
     * job holds its singleton key. Its name when it was requeued.
     */
    async retry(id: string): Promise<string | null> {
      return db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ name: string; singleton_key: string | null }>`SELECT name, singleton_key
          FROM ${job} WHERE id = ${id} AND state IN ('failed', 'cancelled') FOR UPDATE`.execute(trx);
        const row = rows[0];
        if (!row || (row.singleton_key !== null && (await keyBusy(trx, row.name, row.singleton_key)))) return null;
        // keep_until is when pg-boss drops a job still queued; a job failed long ago must not be dropped.
        await sql`UPDATE ${job} SET state = 'created', retry_count = 0, started_on = NULL, completed_on = NULL,
          heartbeat_on = NULL, output = NULL, start_after = now(),
          keep_until = GREATEST(keep_until, now() + interval '14 days')
          WHERE id = ${id}`.execute(trx);
        return row.name;
      });
    },

    /** The state and attempt counter of each of these jobs that still exists. */
    async claims(ids: string[]): Promise<Map<string, { state: string; retryCount: number }>> {
      const { rows } = await sql<{ id: string; state: string; retry_count: number }>`
        SELECT id::text, state::text, retry_count FROM ${job} WHERE id = ANY(${ids}::uuid[])`.execute(db);
      return new Map(rows.map((r) => [r.id, { state: r.state, retryCount: r.retry_count }]));
    },

    /**
     * Puts a job this worker holds back in the queue, runnable now, as if the attempt never started:
     * the claim increments retry_count only when started_on is set.
     */
    async handBack(id: string, retryCount: number): Promise<void> {
      await sql`UPDATE ${job} SET
          state = (CASE WHEN retry_count = 0 THEN 'created' ELSE 'retry' END)::${sql.id(schema, 'job_state')},
          retry_count = GREATEST(retry_count - 1, 0),
          started_on = CASE WHEN retry_count = 0 THEN NULL ELSE started_on END,
          heartbeat_on = NULL, start_after = now()
        WHERE id = ${id} AND state = 'active' AND retry_count = ${retryCount}`.execute(db);
    },
  };
}
