// Sign-in cost: the password hash at OWASP parameters, and authenticated requests per second
// (session lookup on every request), on SQLite and PostgreSQL side by side.
import { hashPassword, verifyPassword } from '../src/server/auth/password.ts';
import { createTestApp } from '../src/server/testing/app.ts';
import type { Dialect } from '../src/server/testing/databases.ts';
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

const figures = {
  scrypt_verify_ms_owasp: round(await hashMs()),
  me_requests_per_s_sqlite: round(await authenticatedRequestsPerSecond('sqlite'), 0),
  me_requests_per_s_postgres: round(await authenticatedRequestsPerSecond('postgres'), 0),
};
console.log(JSON.stringify(figures));
