import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'lectern-config-'));

describe('configuration', () => {
  it('defaults to embedded SQLite in DATA_DIR on 127.0.0.1:3000', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    assert.deepEqual(config.database, { dialect: 'sqlite', file: path.join(dir, 'lectern.sqlite') });
    assert.equal(config.port, 3000);
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(config.secureCookies, false);
  });

  it('uses PostgreSQL when DATABASE_URL says so', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u@db:5432/lectern' });
    assert.deepEqual(config.database, { dialect: 'postgres', connectionString: 'postgres://u@db:5432/lectern' });
  });

  it('stops with one line naming the bad variable', () => {
    assert.throws(() => loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty' }), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^Invalid PORT="eighty": /);
      return true;
    });
    assert.throws(() => loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'mysql://x' }), /Invalid DATABASE_URL/);
    assert.throws(() => loadConfig({ DATA_DIR: dataDir(), PUBLIC_URL: 'ftp://x' }), /Invalid PUBLIC_URL/);
    assert.throws(() => loadConfig({ DATA_DIR: dataDir(), SESSION_SECRET: 'short' }), /Invalid SESSION_SECRET/);
  });

  it('generates the session secret once and keeps it private in DATA_DIR', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).sessionSecret;
    assert.ok(first.length >= 32);
    assert.equal(loadConfig({ DATA_DIR: dir }).sessionSecret, first);
    assert.equal(readFileSync(path.join(dir, 'session-secret'), 'utf8').trim(), first);
    assert.equal(statSync(path.join(dir, 'session-secret')).mode & 0o777, 0o600);
  });

  it('stores blobs on disk in DATA_DIR by default, or in S3 when STORAGE_URL says so', () => {
    const dir = dataDir();
    assert.deepEqual(loadConfig({ DATA_DIR: dir }).storage, { driver: 'disk', root: path.join(dir, 'blobs') });
    const s3 = loadConfig({
      DATA_DIR: dir,
      STORAGE_URL: 's3://school-media/lectern/blobs/',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
    }).storage;
    assert.deepEqual(s3, {
      driver: 's3',
      bucket: 'school-media',
      prefix: 'lectern/blobs',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      accessKeyId: undefined,
      secretAccessKey: undefined,
    });
    assert.throws(() => loadConfig({ DATA_DIR: dir, STORAGE_URL: 'ftp://x' }), /Invalid STORAGE_URL/);
    assert.throws(() => loadConfig({ DATA_DIR: dir, WORKER_GROUPS: 'video' }), /Invalid WORKER_GROUPS/);
    assert.deepEqual(loadConfig({ DATA_DIR: dir, WORKER_GROUPS: 'media,maintenance' }).workerGroups, ['media', 'maintenance']);
  });

  it('schedules the storage clean-up hourly with a 24 h grace and 90-day drafts, and refuses a bad schedule', () => {
    const dir = dataDir();
    assert.deepEqual(loadConfig({ DATA_DIR: dir }).gc, { cron: '23 * * * *', graceHours: 24, draftMaxAgeDays: 90, uploadMaxAgeDays: 7 });
    const custom = loadConfig({ DATA_DIR: dir, GC_SCHEDULE: '0 3 * * *', GC_GRACE_HOURS: '0.5', GC_DRAFT_MAX_AGE_DAYS: '30' }).gc;
    assert.deepEqual(custom, { cron: '0 3 * * *', graceHours: 0.5, draftMaxAgeDays: 30, uploadMaxAgeDays: 7 });
    assert.throws(() => loadConfig({ DATA_DIR: dir, GC_SCHEDULE: 'hourly' }), /Invalid GC_SCHEDULE/);
    assert.throws(() => loadConfig({ DATA_DIR: dir, GC_GRACE_HOURS: '-1' }), /Invalid GC_GRACE_HOURS/);
  });

  it('marks cookies secure when served over https', () => {
    assert.equal(loadConfig({ DATA_DIR: dataDir(), PUBLIC_URL: 'https://school.example' }).secureCookies, true);
  });

  it('names the credential issuer after PUBLIC_URL unless told, and takes signing keys from the environment', () => {
    const dir = dataDir();
    assert.deepEqual(loadConfig({ DATA_DIR: dir, PUBLIC_URL: 'https://learn.example.org' }).credentials, {
      issuerName: 'learn.example.org',
      signingKeys: undefined,
    });
    const given = loadConfig({ DATA_DIR: dir, CREDENTIAL_ISSUER_NAME: ' Example Academy ', CREDENTIAL_SIGNING_KEYS: '{"keys":[]}' });
    assert.deepEqual(given.credentials, { issuerName: 'Example Academy', signingKeys: '{"keys":[]}' });
  });
});
