// The worker health check: the admin page enqueues a probe and watches it complete.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { handle } from './registry.ts';

export function probeHandler(db: Kysely<DB>) {
  const worker = `${hostname()}:${process.pid}`;
  return handle('system.probe', async ({ probeId, holdMs }, { signal }) => {
    if (holdMs > 0) await sleep(holdMs, undefined, { signal });
    const at = Date.now();
    // Counting completions makes a duplicate run visible to the exactly-once checks.
    await db
      .insertInto('worker_probes')
      .values({ probe_id: probeId, runs: 1, worker, completed_at: at })
      .onConflict((oc) => oc.column('probe_id').doUpdateSet((eb) => ({ runs: eb('worker_probes.runs', '+', 1), worker, completed_at: at })))
      .execute();
  });
}
