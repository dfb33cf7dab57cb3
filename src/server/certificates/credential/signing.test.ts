import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { CompactSign } from 'jose';
import { buildCredential, issuerProfile } from './credential.ts';
import { type IssuerKeys, loadOrCreateIssuerKeys } from './keys.ts';
import { decodeUnverified, envelopedCredential, signCredential, verifyCredential } from './signing.ts';
import { snapshot, tamper, verifyWithJose } from './test-fixtures.ts';

const publicUrl = 'https://learn.example.org';
const issuer = issuerProfile(publicUrl, 'Example Academy');
const newKeys = () => loadOrCreateIssuerKeys({ dataDir: mkdtempSync(path.join(tmpdir(), 'lectern-sign-')), publicUrl });

describe('signing a credential (VC-JOSE, EdDSA)', () => {
  let keys: IssuerKeys;
  before(async () => {
    keys = newKeys();
  });

  it('makes a compact JWS with the OB 3.0 header and claims, which verifies', async () => {
    const vc = buildCredential(snapshot(), { issuer, publicUrl });
    const jwt = await signCredential(vc, keys.current);
    const independent = await verifyWithJose(jwt, keys.current.jwk);
    assert.equal(independent.ok, true);
    assert.deepEqual(independent.header, { alg: 'EdDSA', kid: keys.current.kid, typ: 'JWT' });
    const payload = independent.payload as Record<string, unknown>;
    assert.equal(payload.iss, vc.issuer.id);
    assert.equal(payload.jti, vc.id);
    assert.equal(payload.sub, vc.credentialSubject.id);
    assert.equal(payload.nbf, Date.parse(vc.validFrom) / 1000);
    assert.equal(payload.exp, Date.parse(vc.validUntil as string) / 1000);
    const result = await verifyCredential(jwt, keys.all);
    assert.equal(result.status, 'valid');
    assert.deepEqual(result.status === 'valid' && result.credential, vc);
    assert.deepEqual(decodeUnverified(jwt)?.credentialSubject, vc.credentialSubject);
  });

  it('tells a changed byte, another instance’s key and garbage apart', async () => {
    const jwt = await signCredential(buildCredential(snapshot(), { issuer, publicUrl }), keys.current);
    assert.equal((await verifyWithJose(tamper(jwt), keys.current.jwk)).ok, false);
    assert.equal((await verifyCredential(tamper(jwt), keys.all)).status, 'bad_signature');
    const signature = jwt.split('.')[2] as string;
    const flipped = `${jwt.slice(0, jwt.length - signature.length)}${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    assert.equal((await verifyCredential(flipped, keys.all)).status, 'bad_signature');
    const other = newKeys();
    assert.deepEqual(await verifyCredential(jwt, other.all), { status: 'unknown_key', kid: keys.current.kid });
    assert.equal((await verifyCredential('hello', keys.all)).status, 'malformed');
    assert.equal((await verifyCredential('a.b.c', keys.all)).status, 'malformed');
    assert.equal((await verifyCredential(`${jwt}.x`, keys.all)).status, 'malformed');
  });

  it('refuses a genuine signature over claims that contradict the credential', async () => {
    const vc = buildCredential(snapshot(), { issuer, publicUrl });
    const lying = await new CompactSign(
      new TextEncoder().encode(
        JSON.stringify({ ...vc, iss: 'https://evil.example', jti: vc.id, sub: vc.credentialSubject.id }),
      ),
    )
      .setProtectedHeader({ alg: 'EdDSA', kid: keys.current.kid, typ: 'JWT' })
      .sign(keys.current.privateKey);
    const result = await verifyCredential(lying, keys.all);
    assert.equal(result.status, 'malformed');
    const notACredential = await new CompactSign(new TextEncoder().encode('{"hello":"world"}'))
      .setProtectedHeader({ alg: 'EdDSA', kid: keys.current.kid })
      .sign(keys.current.privateKey);
    assert.equal((await verifyCredential(notACredential, keys.all)).status, 'malformed');
  });

  it('wraps the JWT as a VC 2.0 enveloped credential for the JSON download', async () => {
    const jwt = await signCredential(buildCredential(snapshot(), { issuer, publicUrl }), keys.current);
    assert.deepEqual(envelopedCredential(jwt), {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: `data:application/vc+jwt,${jwt}`,
      type: 'EnvelopedVerifiableCredential',
    });
  });
});
