import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import { buildCredential, issuerProfile } from './credential.ts';
import {
  IssuerKeyError,
  jwkThumbprint,
  KEY_FILE_NAME,
  loadOrCreateIssuerKeys,
  newStoredKey,
  rotateIssuerKeyFile,
} from './keys.ts';
import { signCredential, verifyCredential } from './signing.ts';
import { snapshot } from './test-fixtures.ts';

const publicUrl = 'https://learn.example.org';
const dataDir = () => mkdtempSync(path.join(tmpdir(), 'lectern-credential-keys-'));

describe('issuer keys', () => {
  it('are made on first start, kept private in DATA_DIR, and the same on the next start', async () => {
    const dir = dataDir();
    const first = loadOrCreateIssuerKeys({ dataDir: dir, publicUrl });
    const file = path.join(dir, KEY_FILE_NAME);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const second = loadOrCreateIssuerKeys({ dataDir: dir, publicUrl });
    assert.equal(second.current.thumbprint, first.current.thumbprint);
    assert.deepEqual(second.current.jwk, first.current.jwk);
    assert.equal(first.all.length, 1);
    assert.match(first.current.thumbprint, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(first.current.kid, `${publicUrl}/api/issuer/keys/${first.current.thumbprint}`);
    assert.deepEqual(Object.keys(first.current.jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    // What one start signed, the next start verifies.
    const jwt = await signCredential(
      buildCredential(snapshot(), { issuer: issuerProfile(publicUrl, 'Lectern'), publicUrl }),
      first.current,
    );
    assert.equal((await verifyCredential(jwt, second.all)).status, 'valid');
  });

  it('come from configuration when given (scale-out: every node the same), writing nothing', async () => {
    const dir = dataDir();
    const keySet = JSON.stringify({ keys: [newStoredKey()] });
    const a = loadOrCreateIssuerKeys({ dataDir: dir, publicUrl, credentialSigningKeys: keySet });
    const b = loadOrCreateIssuerKeys({ dataDir: dataDir(), publicUrl, credentialSigningKeys: keySet });
    assert.equal(a.current.thumbprint, b.current.thumbprint);
    assert.equal(a.source, 'config');
    assert.throws(() => statSync(path.join(dir, KEY_FILE_NAME)));
    // A single private JWK is a set of one.
    const single = JSON.stringify(newStoredKey());
    assert.equal(loadOrCreateIssuerKeys({ dataDir: dir, publicUrl, credentialSigningKeys: single }).all.length, 1);
  });

  it('are identified by their RFC 7638 thumbprint (as jose computes it)', async () => {
    const keys = loadOrCreateIssuerKeys({ dataDir: dataDir(), publicUrl });
    const { kty, crv, x } = keys.current.jwk;
    assert.equal(keys.current.thumbprint, await calculateJwkThumbprint({ kty, crv, x }, 'sha256'));
    // RFC 8037 appendix A.3's example key and thumbprint.
    assert.equal(
      jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }),
      'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
    );
  });

  it('refuse a key set that cannot sign or does not hold together', async () => {
    const dir = dataDir();
    const load = (text: string) => loadOrCreateIssuerKeys({ dataDir: dir, publicUrl, credentialSigningKeys: text });
    assert.throws(() => load('not json'), IssuerKeyError);
    assert.throws(() => load('{"keys": []}'), IssuerKeyError);
    const { d: _d, ...publicOnly } = newStoredKey();
    assert.throws(() => load(JSON.stringify({ keys: [publicOnly] })), /private part/);
    const mismatched = { ...newStoredKey(), x: newStoredKey().x };
    assert.throws(() => load(JSON.stringify({ keys: [mismatched] })), /does not match/);
    assert.throws(() => load(JSON.stringify({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] })), IssuerKeyError);
  });

  it('rotate: a new key signs, the old one stays published without its private part, old credentials verify', async () => {
    const dir = dataDir();
    const before = loadOrCreateIssuerKeys({ dataDir: dir, publicUrl });
    const issuer = issuerProfile(publicUrl, 'Lectern');
    const oldJwt = await signCredential(buildCredential(snapshot(), { issuer, publicUrl }), before.current);
    rotateIssuerKeyFile(dir, new Date('2027-01-01T00:00:00Z'));
    const file = path.join(dir, KEY_FILE_NAME);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')).keys;
    assert.equal(stored.length, 2);
    assert.ok(stored[0].d);
    assert.equal(stored[1].d, undefined);
    assert.equal(stored[1].retired, '2027-01-01T00:00:00.000Z');
    const after = loadOrCreateIssuerKeys({ dataDir: dir, publicUrl });
    assert.notEqual(after.current.thumbprint, before.current.thumbprint);
    assert.deepEqual(
      after.all.map((k) => k.thumbprint),
      [after.current.thumbprint, before.current.thumbprint],
    );
    assert.equal((await verifyCredential(oldJwt, after.all)).status, 'valid');
    const newJwt = await signCredential(buildCredential(snapshot(), { issuer, publicUrl }), after.current);
    assert.equal((await verifyCredential(newJwt, after.all)).status, 'valid');
    // A verifier that only knows the old key does not know the new one.
    assert.equal((await verifyCredential(newJwt, before.all)).status, 'unknown_key');
    // A second rotation: three published keys, only the first with a private part.
    rotateIssuerKeyFile(dir);
    const keySet = JSON.parse(readFileSync(file, 'utf8')).keys;
    assert.deepEqual(
      keySet.map((k: { d?: string }) => Boolean(k.d)),
      [true, false, false],
    );
    const third = loadOrCreateIssuerKeys({ dataDir: dir, publicUrl });
    assert.equal(third.all.length, 3);
    assert.equal((await verifyCredential(oldJwt, third.all)).status, 'valid');
  });

  it('keeps one key when several processes start at once', async () => {
    const dir = dataDir();
    const script = `import { loadOrCreateIssuerKeys } from ${JSON.stringify(new URL('./keys.ts', import.meta.url).href)};
      process.stdout.write(loadOrCreateIssuerKeys({ dataDir: process.argv[1], publicUrl: 'http://x' }).current.thumbprint);`;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--input-type=module', '-e', script, dir], (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        );
      });
    const thumbprints = await Promise.all([run(), run(), run(), run()]);
    assert.equal(new Set(thumbprints).size, 1);
    assert.deepEqual(readdirSync(dir), [KEY_FILE_NAME]);
  });

  it('does not overwrite a key file that another process wrote first', async () => {
    const dir = dataDir();
    const keySet = { keys: [newStoredKey()] };
    writeFileSync(path.join(dir, KEY_FILE_NAME), JSON.stringify(keySet), { mode: 0o600 });
    const loaded = loadOrCreateIssuerKeys({ dataDir: dir, publicUrl });
    assert.equal(loaded.current.jwk.x, keySet.keys[0]?.x);
  });
});
