// The embedded job queue's tables (PostgreSQL installs use pg-boss's own schema instead), and the
// record of worker probes. Imports nothing from the application.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('job_group', 'varchar(32)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('timeout_ms', 'integer', (c) => c.notNull())
    .addColumn('singleton_key', 'varchar(300)')
    .addColumn('lease_until', 'bigint')
    .addColumn('worker_id', 'varchar(100)')
    .addColumn('error', 'text')
    .addColumn('progress', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  // Claim order over queued jobs only, so a claim stays cheap however long the backlog is.
  await sql`CREATE INDEX jobs_due_idx ON jobs (priority DESC, run_at, created_at)
            WHERE state IN ('created', 'retry')`.execute(db);
  await sql`CREATE INDEX jobs_active_lease_idx ON jobs (lease_until) WHERE state = 'active'`.execute(db);
  // One live job per (name, singleton key); finished jobs do not count.
  await sql`CREATE UNIQUE INDEX jobs_singleton_idx ON jobs (name, singleton_key)
            WHERE singleton_key IS NOT NULL AND state IN ('created', 'retry', 'active')`.execute(db);

  await db.schema
    .createTable('job_schedules')
    .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('cron', 'varchar(100)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('next_run_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('worker_probes')
    .addColumn('probe_id', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('runs', 'integer', (c) => c.notNull())
    .addColumn('worker', 'varchar(200)', (c) => c.notNull())
    .addColumn('completed_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('worker_probes').execute();
  await db.schema.dropTable('job_schedules').execute();
  await db.schema.dropTable('jobs').execute();
}
