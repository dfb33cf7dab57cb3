// Group commit for SQLite's one writer: small write transactions that arrive together (answer
// saves under load) run one after the other inside one transaction, and each caller is answered
// after that transaction commits. Durability is unchanged (nothing is acknowledged before its
// commit); what is saved is one COMMIT (the WAL write, its largest cost) and one BEGIN per group
// instead of per write. PostgreSQL needs none of it: its writes run on a pool of connections.
import type { Kysely } from 'kysely';
import type { DB } from './types.ts';

interface Pending<T> {
  work: (trx: Kysely<DB>) => Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

export interface GroupCommit {
  /**
   * Runs `work` in a transaction shared with the writes queued with it, and resolves once that
   * transaction has committed. An error `isRefusal` accepts is this work's alone: the others still
   * commit, so such an error must leave nothing written (thrown before any write). Any other error
   * rolls the group back and every work of the group fails with it.
   */
  run<T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<T>;
}

export function createGroupCommit(db: Kysely<DB>, isRefusal: (err: unknown) => boolean, maxGroup = 64): GroupCommit {
  let queue: Pending<unknown>[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    const group = queue.slice(0, maxGroup);
    queue = queue.slice(group.length);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const p of group) {
          try {
            outcomes.push({ ok: true, value: await p.work(trx) });
          } catch (error) {
            if (!isRefusal(error)) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) p.resolve(outcome.value);
      else p.reject(outcome?.error);
    });
  }

  function schedule(): void {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    // After this turn's I/O callbacks: the writes that arrived together form one group.
    setImmediate(() => {
      void flush().finally(() => {
        scheduled = false;
        schedule();
      });
    });
  }

  return {
    run<T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve, reject } as Pending<unknown>);
        schedule();
      });
    },
  };
}
