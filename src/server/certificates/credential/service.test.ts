import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PDFDocument } from '@cantoo/pdf-lib';
import sharp from 'sharp';
import { buildCredential, issuerProfile } from './credential.ts';
import { loadOrCreateIssuerKeys } from './keys.ts';
import { extractCredentialFromPdf } from './pdf.ts';
import { extractFromPng } from './png.ts';
import { createCredentialService, credentialServiceFromConfig } from './service.ts';
import { signCredential } from './signing.ts';
import { LIST_SIZE } from './status-list.ts';
import { snapshot } from './test-fixtures.ts';

const publicUrl = 'https://learn.example.org';
const dataDir = () => mkdtempSync(path.join(tmpdir(), 'lectern-credential-service-'));

function setup(at = Date.parse('2027-06-01T00:00:00Z')) {
  const revoked = new Set<number>();
  const credentials = credentialServiceFromConfig(
    { dataDir: dataDir(), publicUrl, credentials: { issuerName: 'Example Academy' } },
    async ({ from, to }) => [...revoked].filter((i) => i >= from && i < to),
    { now: () => at },
  );
  return { credentials, revoked };
}

async function certificatePdf(credentials: ReturnType<typeof setup>['credentials'], jwt: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([842, 595]);
  await credentials.attachToPdf(doc, jwt, snapshot().issuedAt);
  return doc.save();
}

describe('the credential service', () => {
  it('issues, embeds in the PDF, and checks: valid → revoked', async () => {
    const { credentials, revoked } = setup();
    const s = snapshot();
    const jwt = await credentials.issue(s);
    const pdf = await certificatePdf(credentials, jwt);
    assert.equal(await extractCredentialFromPdf(pdf), jwt);
    const first = await credentials.checkPdf(pdf);
    assert.equal(first.state, 'valid');
    assert.ok(first.state === 'valid');
    assert.equal(first.code, s.code);
    assert.equal(first.statusIndex, s.statusIndex);
    assert.equal(first.credential.credentialSubject.name, s.holderName);
    assert.equal(first.credential.issuer.name, 'Example Academy');

    revoked.add(s.statusIndex + 1); // a neighbour's revocation changes nothing here
    assert.equal((await credentials.checkPdf(pdf)).state, 'valid');
    revoked.add(s.statusIndex);
    assert.equal((await credentials.checkPdf(pdf)).state, 'revoked');
    // The public status list says the same.
    const list = await credentials.statusList(Math.floor(s.statusIndex / LIST_SIZE));
    assert.ok(list.split('.').length === 3);
  });

  it('says expired after validUntil and not yet valid before validFrom', async () => {
    const s = snapshot();
    const late = setup((s.expiresAt as number) + 1000);
    const jwt = await late.credentials.issue(s);
    assert.equal((await late.credentials.checkJwt(jwt)).state, 'expired');
    const early = createCredentialService({
      keys: late.credentials.keys,
      issuer: late.credentials.issuer,
      publicUrl,
      revokedStatusIndexes: async () => [],
      now: () => s.issuedAt - 60_000,
    });
    assert.equal((await early.checkJwt(jwt)).state, 'not_yet_valid');
    const forever = await late.credentials.issue(snapshot({ expiresAt: null }));
    assert.equal((await late.credentials.checkJwt(forever)).state, 'valid');
  });

  it('says none for a PDF without a credential, invalid for another instance’s or a changed one', async () => {
    const a = setup();
    const b = setup();
    const doc = await PDFDocument.create();
    doc.addPage();
    assert.deepEqual(await a.credentials.checkPdf(await doc.save()), { state: 'none' });
    const fromB = await b.credentials.issue(snapshot());
    const checked = await a.credentials.checkPdf(await certificatePdf(b.credentials, fromB));
    assert.equal(checked.state, 'invalid');
    assert.equal(checked.state === 'invalid' && checked.reason, 'unknown_key');
    const jwt = await a.credentials.issue(snapshot());
    const [h, p, sig] = jwt.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.credentialSubject.name = 'Mallory';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
    const result = await a.credentials.checkJwt(forged);
    assert.equal(result.state === 'invalid' && result.reason, 'bad_signature');
  });

  it('refuses a credential signed with our key whose URLs are not ours', async () => {
    const keys = loadOrCreateIssuerKeys({ dataDir: dataDir(), publicUrl });
    const issuer = issuerProfile(publicUrl, 'Example Academy');
    const credentials = createCredentialService({ keys, issuer, publicUrl, revokedStatusIndexes: async () => [] });
    const vc = buildCredential(snapshot(), { issuer, publicUrl });
    const odd = await signCredential({ ...vc, id: 'https://learn.example.org/elsewhere/1' }, keys.current);
    const result = await credentials.checkJwt(odd);
    assert.equal(result.state === 'invalid' && result.reason, 'not_ours');
  });

  it('refuses to make a key of its own where every node must share one', () => {
    const config = { dataDir: dataDir(), publicUrl, credentials: { issuerName: 'Example Academy' } };
    assert.throws(
      () => credentialServiceFromConfig(config, async () => [], { requireConfiguredKeys: true }),
      /CREDENTIAL_SIGNING_KEYS/,
    );
    const made = credentialServiceFromConfig(config, async () => []);
    assert.equal(made.keys.source, 'data-dir');
  });

  it('bakes the badge PNG and wraps the JSON download', async () => {
    const { credentials } = setup();
    const jwt = await credentials.issue(snapshot());
    const png = await credentials.badgePng('Handling chemicals safely', jwt);
    assert.equal((await sharp(png).metadata()).format, 'png');
    assert.equal(extractFromPng(png), jwt);
    assert.equal((await credentials.checkPng(png)).state, 'valid');
    assert.equal(credentials.json(jwt).id, `data:application/vc+jwt,${jwt}`);
  });
});
