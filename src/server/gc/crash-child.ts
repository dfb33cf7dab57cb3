// A Lectern process for the crash tests, killed (SIGKILL) by its parent at a chosen point:
//   ingest   — the upload's bytes are stored as a blob object, its row not yet written;
//   publish  — the course version and its asset rows are written, the draft not yet deleted.
// The real services run; only the store (ingest) or the database connection (publish) tells the
// parent when that point is reached, then waits forever for the kill.
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import pino from 'pino';
import { createAssetsRepository } from '../assets/repository.ts';
import { createAssetsService } from '../assets/service.ts';
import type { Config } from '../config.ts';
import { createCoursesRepository } from '../courses/repository.ts';
import { createCoursesService } from '../courses/service.ts';
import { createDatabase } from '../db/database.ts';
import { createDraftsRepository } from '../drafts/repository.ts';
import { createRuntime } from '../runtime.ts';
import type { BlobStore } from '../storage/blob-store.ts';

const config = JSON.parse(process.env.LECTERN_CRASH_CONFIG ?? '') as Config;
const mode = process.env.LECTERN_CRASH_MODE;
const target = process.env.LECTERN_CRASH_TARGET ?? '';

// A timer keeps the process alive while it waits for the kill.
const forever = () =>
  new Promise<never>(() => {
    setInterval(() => {}, 60_000);
  });
function reached(detail: Record<string, unknown>): void {
  process.send?.({ type: 'reached', ...detail });
}

/** Tells the parent once a statement on `table` has run inside the transaction, then hangs. */
function hangAfter(table: string): KyselyPlugin {
  const watched = new WeakSet<object>();
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      const node = args.node as { kind: string; into?: { table: { identifier: { name: string } } } };
      if (node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === table) watched.add(args.queryId);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (watched.has(args.queryId)) {
        reached({ table });
        await forever();
      }
      return args.result;
    },
  };
}

if (mode === 'ingest') {
  const runtime = await createRuntime(config, pino({ level: 'silent' }));
  const store = runtime.blobStore;
  const pausingStore: BlobStore = {
    ...store,
    async put(content, options) {
      const result = await store.put(content, options);
      reached({ key: result.key, size: result.size });
      return forever();
    },
  };
  const assets = createAssetsService({
    db: runtime.db,
    assets: createAssetsRepository(runtime.db),
    blobStore: pausingStore,
    uploads: runtime.uploads,
    queue: runtime.queue,
    publish: () => {},
    limits: config.uploadLimits,
    draftUploads: createDraftsRepository(runtime.db),
  });
  await assets.ingest(target, { signal: new AbortController().signal });
} else if (mode === 'publish') {
  const db = createDatabase(config.database).withPlugin(hangAfter('course_version_assets'));
  const courses = createCoursesService({
    db,
    courses: createCoursesRepository(db),
    drafts: createDraftsRepository(db),
    assetRows: createAssetsRepository(db),
  });
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', process.env.LECTERN_CRASH_USER ?? '')
    .executeTakeFirstOrThrow();
  await courses.publish(user, target);
}
process.send?.({ type: 'finished' });
