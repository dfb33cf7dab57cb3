import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { issuerProfile } from './credential.ts';
import { statusListCredential } from './issuer.ts';
import { loadOrCreateIssuerKeys } from './keys.ts';
import { verifyStatusList } from './signing.ts';
import {
  bitAt,
  bitstring,
  decodeStatusList,
  encodeStatusList,
  isRevoked,
  LIST_SIZE,
  statusIndexRange,
  statusListEntry,
  statusPosition,
} from './status-list.ts';
import { tamper, verifyWithJose } from './test-fixtures.ts';

const publicUrl = 'https://learn.example.org';

describe('Bitstring Status List', () => {
  it('has 131,072 bits, index 0 being the left-most bit of the first byte', () => {
    assert.equal(LIST_SIZE, 131_072);
    const bits = bitstring([0, 9, LIST_SIZE - 1]);
    assert.equal(bits.length, 16_384);
    assert.equal(bits[0], 0x80);
    assert.equal(bits[1], 0x40);
    assert.equal(bits[16_383], 0x01);
    assert.equal(
      bits.reduce((n, b) => n + (b === 0 ? 0 : 1), 0),
      3,
    );
  });

  it('revoke index n: bit n is set, and no other', () => {
    for (const n of [0, 1, 7, 8, 42, 65_535, LIST_SIZE - 1]) {
      const encoded = encodeStatusList([n]);
      assert.equal(isRevoked(encoded, n), true, `bit ${n}`);
      if (n > 0) assert.equal(isRevoked(encoded, n - 1), false);
      if (n < LIST_SIZE - 1) assert.equal(isRevoked(encoded, n + 1), false);
    }
    const none = encodeStatusList([]);
    assert.equal(isRevoked(none, 42), false);
  });

  it('is GZIP + multibase base64url ("u", no padding), readable by any gunzip', () => {
    const encoded = encodeStatusList([3, 100]);
    assert.match(encoded, /^u[A-Za-z0-9_-]+$/);
    const raw = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    assert.equal(raw.length, LIST_SIZE / 8);
    assert.equal(raw[0], 0x10);
    assert.ok(encoded.length < 200, 'an almost empty list compresses to a few bytes');
    assert.deepEqual(decodeStatusList(encoded), new Uint8Array(raw));
  });

  it('refuses lists that are too short, positions outside the list, and bad encodings', () => {
    assert.throws(() => bitstring([], 1024), RangeError);
    assert.throws(() => bitstring([LIST_SIZE]), RangeError);
    assert.throws(() => bitstring([-1]), RangeError);
    assert.throws(() => bitAt(new Uint8Array(2), 16), RangeError);
    assert.throws(() => decodeStatusList('zabc'));
    // A list that inflates past the bound is refused, not expanded into memory.
    const bomb = `u${gzipSync(Buffer.alloc(32 * 1024 * 1024)).toString('base64url')}`;
    assert.throws(() => decodeStatusList(bomb));
  });

  it('places a status index in its list and position', () => {
    assert.deepEqual(statusPosition(0), { listId: 0, index: 0 });
    assert.deepEqual(statusPosition(LIST_SIZE + 5), { listId: 1, index: 5 });
    assert.deepEqual(statusIndexRange(2), { from: 2 * LIST_SIZE, to: 3 * LIST_SIZE });
    assert.throws(() => statusPosition(1.5), RangeError);
    assert.equal(statusListEntry(publicUrl, 7).statusListCredential, `${publicUrl}/api/credentials/status/0`);
  });

  it('is published as a signed BitstringStatusListCredential that verifies (jose and node:crypto)', async () => {
    const keys = loadOrCreateIssuerKeys({ dataDir: mkdtempSync(path.join(tmpdir(), 'lectern-status-')), publicUrl });
    const issuer = issuerProfile(publicUrl, 'Example Academy');
    const jwt = await statusListCredential({
      revokedPositions: [42],
      listId: 1,
      issuer,
      publicUrl,
      key: keys.current,
      now: Date.parse('2026-12-05T12:00:00.5Z'),
    });
    const result = await verifyStatusList(jwt, keys.all);
    assert.equal(result.status, 'valid');
    if (result.status !== 'valid') return;
    const list = result.credential;
    assert.deepEqual(list.type, ['VerifiableCredential', 'BitstringStatusListCredential']);
    assert.equal(list.id, `${publicUrl}/api/credentials/status/1`);
    assert.equal(list.issuer, issuer.id);
    assert.equal(list.validFrom, '2026-12-05T12:00:00Z');
    assert.equal(list.credentialSubject.statusPurpose, 'revocation');
    assert.equal(isRevoked(list.credentialSubject.encodedList, 42), true);
    assert.equal(isRevoked(list.credentialSubject.encodedList, 41), false);
    assert.equal((await verifyWithJose(jwt, keys.current.jwk)).ok, true);
    assert.equal((await verifyWithJose(tamper(jwt), keys.current.jwk)).ok, false);
    assert.equal((await verifyStatusList(tamper(jwt), keys.all)).status, 'bad_signature');
  });
});
