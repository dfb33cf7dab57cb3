// Sign-in cost: the password hash at OWASP parameters, and authenticated requests per second
// (session lookup on every request), on SQLite and PostgreSQL side by side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { hashPassword, verifyPassword } from '../src/server/auth/password.ts';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { createDatabase } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { createTestDatabase, type Dialect } from '../src/server/testing/databases.ts';
import { TestClient } from '../src/server/testing/app.ts';
import { median, round } from './_stats.ts';

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
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lectern-bench-'));
  const testDb = await createTestDatabase(dialect);
  const config = { ...loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PASSWORD_SCRYPT_LOG_N: '12' }), database: testDb.config };
  const db = createDatabase(config.database);
  await migrateToLatest(db);
  const built = await buildApp({ config, db, logger: pino({ level: 'silent' }) });
  try {
    const client = new TestClient(built);
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
    await built.app.close();
    await db.destroy();
    await testDb.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const figures = {
  scrypt_verify_ms_owasp: round(await hashMs()),
  me_requests_per_s_sqlite: round(await authenticatedRequestsPerSecond('sqlite'), 0),
  me_requests_per_s_postgres: round(await authenticatedRequestsPerSecond('postgres'), 0),
};
console.log(JSON.stringify(figures));
