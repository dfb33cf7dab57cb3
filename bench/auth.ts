// Sign-in cost: the password hash at OWASP parameters, authenticated requests per second (session
// lookup on every request) on SQLite and PostgreSQL side by side, and what a burst of failed
// sign-ins does to everyone else: the p99 of an authenticated file download alone, then while
// waves of 40 concurrent failed sign-ins (scrypt at 2^17) run, with hashing bounded as configured
// by default and, for comparison, unbounded (as before PASSWORD_HASH_CONCURRENCY existed).
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { hashPassword, verifyPassword } from '../src/server/auth/password.ts';
import { createTestApp } from '../src/server/testing/app.ts';
import type { Dialect } from '../src/server/testing/databases.ts';
import { median, percentile, round } from './_stats.ts';

async function hashMs(): Promise<number> {
  const samples: number[] = [];
  const hash = await hashPassword('correct horse battery staple', 17);
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await verifyPassword('correct horse battery staple', hash);
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function authenticatedRequestsPerSecond(dialect: Dialect): Promise<number> {
  const app = await createTestApp(dialect);
  try {
    const client = app.client();
    await client.post('/api/setup', { email: 'b@example.org', displayName: 'B', password: 'correct horse battery staple' });
    const rounds: number[] = [];
    for (let r = 0; r < 5; r++) {
      const n = 500;
      const start = performance.now();
      for (let i = 0; i < n; i++) await client.get('/api/me');
      rounds.push(n / ((performance.now() - start) / 1000));
    }
    return median(rounds);
  } finally {
    await app.close();
  }
}

const DOWNLOAD_BYTES = 256 * 1024;
const BURST = 40;

/**
 * Download p99 over real HTTP (SQLite, the disk store, scrypt at 2^17): `samples` sequential
 * downloads alone, then as many while waves of BURST concurrent failed sign-ins run (each wave
 * starts when the last one has been answered: 401, or 503 past the hashing queue).
 */
async function downloadUnderLoginBurst(env: Record<string, string>, samples: number, maxBurstMs: number) {
  const app = await createTestApp('sqlite', {
    PASSWORD_SCRYPT_LOG_N: '17',
    // The burst measures hashing, not the lockout: never locked here.
    LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
    ...env,
  });
  try {
    await app.app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const admin = app.client();
    const setup = await admin.post('/api/setup', { email: 'b@example.org', displayName: 'B', password: 'correct horse battery staple' });
    const ownerId = setup.json().user.id as string;
    const put = await app.runtime.blobStore.put(Readable.from([randomBytes(DOWNLOAD_BYTES)]));
    const now = Date.now();
    await app.db.insertInto('blobs').values({ key: put.key, sha256: put.sha256, size: put.size, created_at: now }).execute();
    const assetId = crypto.randomUUID();
    await app.db
      .insertInto('assets')
      .values({
        id: assetId,
        owner_id: ownerId,
        kind: 'other',
        original_name: 'notes.bin',
        state: 'ready',
        reason: null,
        progress: null,
        size: put.size,
        mime: 'application/octet-stream',
        blob_key: put.key,
        upload_id: null,
        uploaded_for_draft_at: null,
        metadata: '{}',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const cookie = admin.cookieHeader();
    const download = async () => {
      const start = performance.now();
      const r = await fetch(`${base}/api/assets/${assetId}/original`, { headers: { cookie } });
      const body = await r.arrayBuffer();
      if (r.status !== 200 || body.byteLength !== DOWNLOAD_BYTES) throw new Error(`download failed: ${r.status}`);
      return performance.now() - start;
    };
    const measure = async (n: number, deadline = Number.POSITIVE_INFINITY) => {
      const times: number[] = [];
      while (times.length < n && performance.now() < deadline) times.push(await download());
      return times;
    };

    for (let i = 0; i < 20; i++) await download();
    const alone = await measure(samples);

    const anon = app.client();
    const token = await anon.csrf();
    const anonCookie = anon.cookieHeader();
    const statuses = new Map<number, number>();
    let stop = false;
    let failedSignIns = 0;
    const wave = async (w: number) =>
      Promise.all(
        Array.from({ length: BURST }, async (_, i) => {
          const r = await fetch(`${base}/api/auth/login`, {
            method: 'POST',
            headers: { cookie: anonCookie, 'x-csrf-token': token, 'content-type': 'application/json' },
            body: JSON.stringify({ email: `nobody-${w}-${i}@example.org`, password: 'wrong password, wrong' }),
          });
          await r.arrayBuffer();
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 401) failedSignIns++;
        }),
      );
    const burst = (async () => {
      for (let w = 0; !stop; w++) await wave(w);
    })();
    // Let the first wave fill the hashing pool before measuring.
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    const loaded = await measure(samples, started + maxBurstMs);
    const burstSeconds = (performance.now() - started) / 1000;
    stop = true;
    await burst;
    console.error(
      `${JSON.stringify(env)}: alone p99 ${round(percentile(alone, 99), 1)} ms; under burst p99 ${round(percentile(loaded, 99), 1)} ms over ${loaded.length} downloads; sign-in answers ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    return {
      aloneP99: percentile(alone, 99),
      burstP99: percentile(loaded, 99),
      burstSamples: loaded.length,
      failedSignInsPerSecond: failedSignIns / burstSeconds,
    };
  } finally {
    await app.close();
  }
}

const bounded = await downloadUnderLoginBurst({}, 200, 60_000);
const unbounded = await downloadUnderLoginBurst({ PASSWORD_HASH_CONCURRENCY: '64', PASSWORD_HASH_QUEUE: '10000' }, 200, 20_000);

const figures = {
  scrypt_verify_ms_owasp: round(await hashMs()),
  me_requests_per_s_sqlite: round(await authenticatedRequestsPerSecond('sqlite'), 0),
  me_requests_per_s_postgres: round(await authenticatedRequestsPerSecond('postgres'), 0),
  download_p99_ms_alone: round(bounded.aloneP99),
  download_p99_ms_under_login_burst: round(bounded.burstP99),
  download_under_burst_vs_alone: round(bounded.burstP99 / bounded.aloneP99),
  failed_sign_ins_per_s_under_burst: round(bounded.failedSignInsPerSecond, 1),
  download_p99_ms_under_login_burst_unbounded: round(unbounded.burstP99),
  download_samples_under_burst_unbounded: unbounded.burstSamples,
};
console.log(JSON.stringify(figures));
