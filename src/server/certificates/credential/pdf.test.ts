import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { PDFArray, PDFDict, PDFDocument, PDFName, StandardFonts } from '@cantoo/pdf-lib';
import { buildCredential, issuerProfile } from './credential.ts';
import { jwks } from './issuer.ts';
import { type IssuerKeys, loadOrCreateIssuerKeys } from './keys.ts';
import { attachCredential, attachCredentialToPdf, extractCredentialFromPdf } from './pdf.ts';
import { signCredential, verifyCredential } from './signing.ts';
import { snapshot, tamper, verifyWithJose } from './test-fixtures.ts';

const publicUrl = 'https://learn.example.org';
const hasPdfdetach = spawnSync('pdfdetach', ['-v']).error === undefined;
const issuer = issuerProfile(publicUrl, 'Example Academy');

async function onePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([842, 595]);
  page.drawText('Certificate', { x: 50, y: 500, size: 24, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

describe('the credential inside the certificate PDF', () => {
  let keys: IssuerKeys;
  let jwt: string;
  before(async () => {
    keys = loadOrCreateIssuerKeys({ dataDir: mkdtempSync(path.join(tmpdir(), 'lectern-pdf-')), publicUrl });
    jwt = await signCredential(buildCredential(snapshot(), { issuer, publicUrl }), keys.current);
  });

  it('is extracted and verified by another library than the one that signed it; a changed byte fails', async () => {
    const pdf = await attachCredentialToPdf(await onePagePdf(), jwt, new Date('2026-12-01T09:30:14Z'));
    const extracted = await extractCredentialFromPdf(pdf);
    assert.equal(extracted, jwt);
    // The outside verifier's view: the published JWK Set, the kid in the header, node:crypto only.
    const published = jwks(keys.all).keys;
    const header = JSON.parse(Buffer.from((extracted as string).split('.')[0] as string, 'base64url').toString('utf8'));
    const jwk = published.find((k) => k.kid === header.kid);
    assert.ok(jwk, 'the header kid names a published key');
    const checked = await verifyWithJose(extracted as string, jwk);
    assert.equal(checked.ok, true);
    assert.equal(
      (checked.payload as { credentialSubject: { name: string } }).credentialSubject.name,
      'Zoë Ångström-Łukasiewicz',
    );
    assert.equal((await verifyWithJose(tamper(extracted as string), jwk)).ok, false);
    assert.equal((await verifyCredential(extracted as string, keys.all)).status, 'valid');
  });

  it('is a PDF/A-3 style associated file: in /AF, /AFRelationship /Data, application/vc+jwt', async () => {
    const pdf = await attachCredentialToPdf(await onePagePdf(), jwt);
    const doc = await PDFDocument.load(pdf);
    const af = doc.catalog.lookup(PDFName.of('AF'), PDFArray);
    assert.equal(af.size(), 1);
    const spec = af.lookup(0, PDFDict);
    assert.equal(spec.lookup(PDFName.of('AFRelationship'))?.toString(), '/Data');
    const [attachment] = doc.getAttachments();
    assert.equal(attachment?.name, 'credential.jwt');
    assert.equal(attachment?.mimeType, 'application/vc+jwt');
    assert.equal(attachment?.afRelationship, 'Data');
  });

  it('is what poppler (pdfdetach) lists and saves: readers outside pdf-lib find it', {
    skip: !hasPdfdetach,
  }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lectern-pdfdetach-'));
    const file = path.join(dir, 'certificate.pdf');
    writeFileSync(file, await attachCredentialToPdf(await onePagePdf(), jwt));
    assert.match(execFileSync('pdfdetach', ['-list', file], { encoding: 'utf8' }), /1: credential\.jwt/);
    const out = path.join(dir, 'out.jwt');
    execFileSync('pdfdetach', ['-save', '1', '-o', out, file]);
    assert.equal(readFileSync(out, 'utf8'), jwt);
  });

  it('replaces an earlier credential instead of adding a second', async () => {
    const once = await attachCredentialToPdf(await onePagePdf(), jwt);
    const other = await signCredential(
      buildCredential(snapshot({ code: 'OTHER' }), { issuer, publicUrl }),
      keys.current,
    );
    const twice = await attachCredentialToPdf(once, other);
    const doc = await PDFDocument.load(twice);
    assert.equal(doc.getAttachments().length, 1);
    assert.equal(await extractCredentialFromPdf(twice), other);
  });

  it('can be attached while the PDF is rendered, before its one save', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    await attachCredential(doc, jwt, new Date('2026-12-01T09:30:14Z'));
    assert.equal(await extractCredentialFromPdf(await doc.save()), jwt);
  });

  it('inflates no more than a credential can need from a stranger’s PDF', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    // 4 MiB of one letter (16 times the bound) compresses to a few KiB: a bomb named like a credential.
    await doc.attach(new Uint8Array(4 * 1024 * 1024).fill(0x61), 'credential.jwt', { mimeType: 'application/vc+jwt' });
    const bomb = await doc.save();
    assert.ok(bomb.length < 64 * 1024);
    assert.equal(await extractCredentialFromPdf(bomb), null);
  });

  it('is null for a PDF without one, a PDF with other attachments, and bytes that are no PDF', async () => {
    assert.equal(await extractCredentialFromPdf(await onePagePdf()), null);
    const doc = await PDFDocument.create();
    doc.addPage();
    await doc.attach(new TextEncoder().encode('hello'), 'notes.txt', { mimeType: 'text/plain' });
    assert.equal(await extractCredentialFromPdf(await doc.save()), null);
    assert.equal(await extractCredentialFromPdf(new TextEncoder().encode('not a pdf')), null);
    assert.equal(await extractCredentialFromPdf(new Uint8Array()), null);
  });
});
