// Garbage collector at scale: 100,000 blobs and assets, a tenth of them orphaned (uploaded for a
// draft that no longer exists), on SQLite + disk and on PostgreSQL + local S3 (s3rver).
//
// Setup (not timed): a fresh database brought up to date; one author; N content-addressed objects
// of 64-200 random bytes written straight into the store (disk files, or one PutObject each on
// s3rver, 32 at a time); their blob rows and one asset per blob, in batches of 1,000. Of the
// assets, 45% are library files, 45% were uploaded for one of 1,000 live drafts (and linked to it),
// 10% were uploaded for a draft that is gone: the orphans.
//
// Timed, in a child process of its own (so its peak RSS is the collector's, not s3rver's or the
// setup's): a dry run (the scan: every table page and the whole storage listing, nothing
// deleted) → scan_s_*; then a real run, which deletes the orphans' rows and objects → collect_s_*.
// Grace is zero (everything was just written). freed_ok: after the runs, exactly the live assets,
// their blob rows and their objects remain, and none of the orphans'. peak_rss_mb: the larger
// maxRSS of the two collector processes.
//
// heap_mb_after_scan: the V8 heap still in use after the scan and a forced full GC; list_s_*: the
// bare storage listing alone (no database), to tell the store's cost from the collector's.
//
// Goals: scan_s_sqlite_disk < 10, peak_rss_mb < 300. Options: --count (100000), --only sqlite-disk|postgres-s3.
import { fork } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Kysely } from 'kysely';
import type { DatabaseConfig, StorageConfig } from '../src/server/config.ts';
import { createDatabase } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import type { DB } from '../src/server/db/types.ts';
import { contentKey } from '../src/server/storage/blob-store.ts';
import { createBlobStore } from '../src/server/storage/index.ts';
import { createS3Client, type S3Options } from '../src/server/storage/s3.ts';
import { createTestDatabase } from '../src/server/testing/databases.ts';
import { startLocalS3 } from '../src/server/testing/s3.ts';
import { round } from './_stats.ts';

const { values: options } = parseArgs({
  options: { count: { type: 'string', default: '100000' }, only: { type: 'string' } },
});
const ONLY = options.only;
if (ONLY !== undefined && ONLY !== 'sqlite-disk' && ONLY !== 'postgres-s3')
  throw new Error('--only is sqlite-disk or postgres-s3');
const COUNT = Number(options.count);
if (!(Number.isInteger(COUNT) && COUNT >= 100)) throw new Error('--count must be an integer of at least 100');
const BATCH = 1000;
const DRAFTS = Math.max(1, Math.min(1000, Math.floor(COUNT / 100)));

interface Setup {
  database: DatabaseConfig;
  storage: StorageConfig;
  live: number;
  orphans: number;
}

/** Writes COUNT objects and rows; returns how many are live and orphaned. */
async function populate(db: Kysely<DB>, storage: StorageConfig): Promise<Setup['live']> {
  const store = await createBlobStore(storage);
  await store.ensureMarker();
  const s3 = storage.driver === 's3' ? createS3Client(storage as S3Options) : null;
  const s3Base = storage.driver === 's3' && storage.prefix ? `${storage.prefix}/` : '';
  const userId = randomUUID();
  const at = Date.now();
  await db
    .insertInto('users')
    .values({
      id: userId,
      email: 'bench@example.org',
      display_name: 'Bench',
      role: 'author',
      password_hash: 'x',
      disabled_at: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const draftIds = Array.from({ length: DRAFTS }, () => randomUUID());
  for (let i = 0; i < draftIds.length; i += BATCH) {
    await db
      .insertInto('drafts')
      .values(
        draftIds.slice(i, i + BATCH).map((id) => ({
          id,
          owner_id: userId,
          revision: 1,
          step: 'files' as const,
          content: '{}',
          course_id: null,
          base_version: null,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
  }

  let live = 0;
  for (let start = 0; start < COUNT; start += BATCH) {
    const n = Math.min(BATCH, COUNT - start);
    const items = Array.from({ length: n }, (_, j) => {
      const content = randomBytes(64 + ((start + j) % 137));
      const sha256 = createHash('sha256').update(content).digest('hex');
      const i = start + j;
      // 0-4 of every 10: library; 5-8: a live draft's; 9: an orphan (its draft is gone).
      const kind = i % 10 < 5 ? 'library' : i % 10 < 9 ? 'draft' : 'orphan';
      return { content, sha256, key: contentKey(sha256), id: randomUUID(), kind };
    });
    if (s3) {
      for (let k = 0; k < items.length; k += 32) {
        await Promise.all(
          items.slice(k, k + 32).map((it) =>
            s3.send(
              new PutObjectCommand({
                Bucket: (storage as S3Options).bucket,
                Key: `${s3Base}${it.key}`,
                Body: it.content,
              }),
            ),
          ),
        );
      }
    } else if (storage.driver === 'disk') {
      for (const it of items) {
        const file = path.join(storage.root, ...it.key.split('/'));
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, it.content);
      }
    }
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('blobs')
        .values(items.map((it) => ({ key: it.key, sha256: it.sha256, size: it.content.length, created_at: at })))
        .execute();
      await trx
        .insertInto('assets')
        .values(
          items.map((it) => ({
            id: it.id,
            owner_id: userId,
            kind: 'other' as const,
            original_name: 'file.bin',
            state: 'ready' as const,
            reason: null,
            progress: null,
            size: it.content.length,
            mime: 'application/octet-stream',
            blob_key: it.key,
            upload_id: null,
            uploaded_for_draft_at: it.kind === 'library' ? null : at,
            metadata: '{}',
            created_at: at,
            updated_at: at,
          })),
        )
        .execute();
      const links = items
        .filter((it) => it.kind === 'draft')
        .map((it, k) => ({
          draft_id: draftIds[(start + k) % draftIds.length] as string,
          asset_id: it.id,
          relation: 'uploaded' as const,
        }));
      if (links.length > 0) await trx.insertInto('draft_assets').values(links).execute();
    });
    live += items.filter((it) => it.kind !== 'orphan').length;
  }
  return live;
}

interface CollectorFigures {
  scan_s: number;
  collect_s: number;
  max_rss_mb: number;
  /** The bare storage listing, without the database. */
  list_s: number;
  peak_heap_total_mb: number;
  peak_heap_used_mb: number;
  peak_external_mb: number;
  /** V8 heap in use after the scan and a full GC: what the collector keeps, not what it churned. */
  heap_mb_after_scan: number;
  dry: { assets: number; blobs: number };
  real: { assets: number; blobs: number; errors: number };
}

function runCollector(
  setup: Pick<Setup, 'database' | 'storage'>,
  extraEnv: Record<string, string>,
): Promise<CollectorFigures> {
  const child = fork(path.join(import.meta.dirname, '_gc-collector.ts'), [], {
    env: { ...process.env, ...extraEnv, BENCH_GC_SETUP: JSON.stringify(setup) },
    execArgv: ['--openssl-legacy-provider', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (m) => resolve(m as CollectorFigures));
    child.on('exit', (code) => code !== 0 && reject(new Error(`collector exited with ${code}`)));
  });
}

async function check(db: Kysely<DB>, storage: StorageConfig, live: number): Promise<boolean> {
  const count = async (table: 'assets' | 'blobs') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const orphansLeft = Number(
    (
      await db
        .selectFrom('assets')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('uploaded_for_draft_at', 'is not', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(selectFrom('draft_assets').select('asset_id').whereRef('draft_assets.asset_id', '=', 'assets.id')),
          ),
        )
        .executeTakeFirstOrThrow()
    ).n,
  );
  const store = await createBlobStore(storage);
  let objects = 0;
  const blobKeys = new Set((await db.selectFrom('blobs').select('key').execute()).map((b) => b.key));
  let unknownObjects = 0;
  for await (const o of store.list()) {
    objects++;
    if (!blobKeys.has(o.key)) unknownObjects++;
  }
  const assets = await count('assets');
  const blobs = await count('blobs');
  const ok = assets === live && blobs === live && objects === live && orphansLeft === 0 && unknownObjects === 0;
  if (!ok)
    console.error(
      `check failed: assets ${assets}, blobs ${blobs}, objects ${objects}, expected ${live}; orphans left ${orphansLeft}; unknown objects ${unknownObjects}`,
    );
  return ok;
}

async function bench(
  name: string,
  dialect: 'sqlite' | 'postgres',
  storageFor: (dir: string) => Promise<{ storage: StorageConfig; env: Record<string, string>; stop(): Promise<void> }>,
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lectern-bench-gc-'));
  const testDb = await createTestDatabase(dialect);
  const { storage, env, stop } = await storageFor(dir);
  const db = createDatabase(testDb.config);
  try {
    await migrateToLatest(db);
    const started = Date.now();
    const live = await populate(db, storage);
    console.log(`${name}: ${COUNT} blobs and assets written in ${round((Date.now() - started) / 1000, 1)} s`);
    const figures = await runCollector({ database: testDb.config, storage }, env);
    console.log(
      `${name}: scan ${figures.scan_s} s (dry run would free ${figures.dry.assets} assets, ${figures.dry.blobs} blobs); collection ${figures.collect_s} s (freed ${figures.real.assets} assets, ${figures.real.blobs} blobs, ${figures.real.errors} errors); max RSS ${figures.max_rss_mb} MB`,
    );
    const freedOk =
      (await check(db, storage, live)) && figures.real.assets === COUNT - live && figures.real.blobs === COUNT - live;
    return { ...figures, freedOk };
  } finally {
    await db.destroy();
    await stop();
    await testDb.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sqliteDisk =
  ONLY === 'postgres-s3'
    ? null
    : await bench('SQLite + disk', 'sqlite', async (dir) => ({
        storage: { driver: 'disk', root: path.join(dir, 'blobs') },
        env: {},
        stop: async () => {},
      }));

const postgresS3 =
  ONLY === 'sqlite-disk'
    ? null
    : await bench('PostgreSQL + S3', 'postgres', async () => {
        // startLocalS3 runs s3rver in a process of its own (its listing tokens need the legacy provider).
        const s3 = await startLocalS3();
        return { storage: { driver: 's3', ...s3.options('blobs') }, env: {}, stop: () => s3.stop() };
      });

console.log(
  JSON.stringify({
    count: COUNT,
    scan_s_sqlite_disk: sqliteDisk?.scan_s ?? null,
    scan_s_postgres_s3: postgresS3?.scan_s ?? null,
    collect_s_sqlite_disk: sqliteDisk?.collect_s ?? null,
    collect_s_postgres_s3: postgresS3?.collect_s ?? null,
    freed_ok: (sqliteDisk?.freedOk ?? true) && (postgresS3?.freedOk ?? true),
    peak_rss_mb: Math.max(sqliteDisk?.max_rss_mb ?? 0, postgresS3?.max_rss_mb ?? 0),
    peak_rss_mb_sqlite_disk: sqliteDisk?.max_rss_mb ?? null,
    peak_rss_mb_postgres_s3: postgresS3?.max_rss_mb ?? null,
    heap_mb_after_scan_sqlite_disk: sqliteDisk?.heap_mb_after_scan ?? null,
    heap_mb_after_scan_postgres_s3: postgresS3?.heap_mb_after_scan ?? null,
    list_s_sqlite_disk: sqliteDisk?.list_s ?? null,
    list_s_postgres_s3: postgresS3?.list_s ?? null,
    peak_heap_total_mb_sqlite_disk: sqliteDisk?.peak_heap_total_mb ?? null,
    peak_heap_total_mb_postgres_s3: postgresS3?.peak_heap_total_mb ?? null,
    peak_external_mb_postgres_s3: postgresS3?.peak_external_mb ?? null,
  }),
);
process.exit(0);
