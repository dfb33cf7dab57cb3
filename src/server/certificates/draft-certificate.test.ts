// A draft's certificate settings on the real server, on both databases: saved with the draft,
// previewed as a sample PDF (the draft's owner and administrators only), written to the course on
// publishing and carried into the next version's draft; the signature image printed on the PDF and
// kept from deletion by the course's settings (db/references.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { type CertificateSettings, DEFAULT_CERTIFICATE_TEMPLATE } from '../../shared/certificates.ts';
import type { DraftView } from '../../shared/drafts.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { tusUpload } from '../testing/tus.ts';
import { waitFor } from '../testing/wait.ts';

const pdfText = (bytes: Buffer) => execFileSync('pdftotext', ['-', '-'], { input: bytes, encoding: 'utf8' });
/** The number of images drawn on the PDF's pages (pdfimages lists one line per image or mask after a header). */
function pdfImages(bytes: Buffer): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'lectern-cert-'));
  try {
    const file = path.join(dir, 'preview.pdf');
    writeFileSync(file, bytes);
    const rows = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    // A transparent PNG is an image and its soft mask: count the images.
    return rows.filter((row) => row.trim().split(/\s+/)[2] === 'image').length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] a draft's certificate settings`, () => {
    let app: TestApp;
    let admin: TestClient;
    let author: TestClient;
    let otherAuthor: TestClient;
    let learner: TestClient;
    let base: string;

    /** A signature-like image: dark strokes on a transparent background. */
    const signaturePng = () =>
      sharp({ create: { width: 300, height: 90, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
        .composite([{ input: Buffer.from('<svg width="300" height="90"><path d="M10 70 C 80 0, 120 90, 290 20" stroke="#112" stroke-width="6" fill="none"/></svg>') }])
        .png()
        .toBuffer();
    const upload = async (client: TestClient, content: Buffer, filename: string, kind = 'image') => {
      const { assetId } = await tusUpload(base, content, { cookie: client.cookieHeader(), csrf: await client.csrf(), filename, kind });
      await waitFor(async () => (await client.get(`/api/assets/${assetId}`)).json().asset?.state === 'ready', `asset ${assetId} ready`, 30_000, 100);
      return assetId;
    };

    before(async () => {
      app = await createTestApp(dialect);
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      admin = await setUpAdmin(app);
      author = (await createSignedInUser(app, admin, 'author')).client;
      otherAuthor = (await createSignedInUser(app, admin, 'author')).client;
      learner = (await createSignedInUser(app, admin, 'learner')).client;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });
    after(() => app.close());

    it('saves the settings with the draft, previews them for its owner only, and publishes them to the course', async () => {
      const { draft } = (await author.post('/api/drafts')).json() as { draft: DraftView };
      // A new draft starts with the default look, never expiring.
      assert.deepEqual(draft.content.certificate, { validityMonths: null, template: DEFAULT_CERTIFICATE_TEMPLATE });
      const signatureAssetId = await upload(author, await signaturePng(), 'signature.png');
      const certificate: CertificateSettings = {
        validityMonths: 24,
        template: {
          ...DEFAULT_CERTIFICATE_TEMPLATE,
          primaryColour: '#0a5c36',
          accentColour: '#c0392b',
          heading: 'Forklift Licence',
          completionWording: 'has mastered',
          signatory: 'Head of Warehouse Safety',
          signatureAssetId,
        },
      };
      const saved = await author.patch(`/api/drafts/${draft.id}`, {
        revision: draft.revision,
        basics: { ...draft.content.basics, title: 'Forklifts', versionLabel: 'Spring' },
        test: { ...draft.content.test, settings: { ...draft.content.test.settings, enabled: false } },
        certificate,
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const after = (await author.get(`/api/drafts/${draft.id}`)).json().draft as DraftView;
      assert.deepEqual(after.content.certificate, certificate);

      // A file that is not an image cannot be the signature.
      const notes = await upload(author, Buffer.from('just text'), 'notes.txt', 'other');
      const refused = await author.patch(`/api/drafts/${draft.id}`, {
        revision: after.revision,
        certificate: { ...certificate, template: { ...certificate.template, signatureAssetId: notes } },
      });
      assert.equal(refused.statusCode, 400, refused.body);
      // It is the course's one file instead, for the learner to complete below.
      const withFile = await author.patch(`/api/drafts/${draft.id}`, {
        revision: after.revision,
        files: [{ assetId: notes, title: 'Notes', description: '', required: true }],
      });
      assert.equal(withFile.statusCode, 200, withFile.body);

      // The preview: the template in the body (not saved), the draft's title and the version it would publish.
      const template = { ...certificate.template, heading: 'Sample Heading Typed' };
      const preview = await author.post(`/api/drafts/${draft.id}/certificate-preview`, template);
      assert.equal(preview.statusCode, 200, preview.body);
      assert.equal(preview.headers['content-type'], 'application/pdf');
      const text = pdfText(preview.rawPayload);
      for (const expected of ['Sample Heading Typed', 'Forklifts', 'Version 1 (Spring)', 'has mastered', 'Head of Warehouse Safety'])
        assert.ok(text.includes(expected), `${expected} in:\n${text}`);
      assert.equal(pdfImages(preview.rawPayload), 1, 'the signature is drawn');
      assert.equal(pdfImages((await author.post(`/api/drafts/${draft.id}/certificate-preview`, { ...template, signatureAssetId: null })).rawPayload), 0);
      // Nothing of the preview was saved.
      assert.equal((await author.get(`/api/drafts/${draft.id}`)).json().draft.content.certificate.template.heading, 'Forklift Licence');

      // Another author does not learn the draft exists; a learner may not ask at all; an administrator may.
      assert.equal((await otherAuthor.post(`/api/drafts/${draft.id}/certificate-preview`, template)).statusCode, 404);
      assert.equal((await learner.post(`/api/drafts/${draft.id}/certificate-preview`, template)).statusCode, 403);
      assert.equal((await admin.post(`/api/drafts/${draft.id}/certificate-preview`, template)).statusCode, 200);
      // Nor may an author print someone else's image as the signature of their own draft.
      const { draft: theirs } = (await otherAuthor.post('/api/drafts')).json() as { draft: DraftView };
      const stolen = await otherAuthor.post(`/api/drafts/${theirs.id}/certificate-preview`, template);
      assert.equal(stolen.statusCode, 400, stolen.body);

      const published = await author.post(`/api/drafts/${draft.id}/publish`, {});
      assert.equal(published.statusCode, 200, published.body);
      const { courseId } = published.json() as { courseId: string };
      const settings = await author.get(`/api/courses/${courseId}/certificate-settings`);
      assert.equal(settings.statusCode, 200, settings.body);
      assert.deepEqual(settings.json().settings, certificate);
      const row = await app.db.selectFrom('courses').selectAll().where('id', '=', courseId).executeTakeFirstOrThrow();
      assert.equal(row.certificate_signature_asset_id, signatureAssetId);

      // A learner who completes the course gets a certificate in these settings, the signature drawn.
      assert.equal((await learner.post(`/api/courses/${courseId}/enrolment`)).statusCode, 200);
      const progress = await learner.post(`/api/courses/${courseId}/progress`, { assetId: notes, opened: true });
      assert.equal(progress.json().completedNow, true, progress.body);
      let issued: { id: string; courseId: string } | undefined;
      await waitFor(async () => {
        const list = (await learner.get('/api/certificates')).json().certificates as { id: string; courseId: string }[];
        issued = list.find((c) => c.courseId === courseId);
        return issued !== undefined;
      }, 'the certificate');
      const pdf = await learner.get(`/api/certificates/${issued?.id}/pdf`);
      assert.equal(pdf.statusCode, 200);
      const issuedText = pdfText(pdf.rawPayload);
      for (const expected of ['Forklift Licence', 'has mastered', 'Head of Warehouse Safety'])
        assert.ok(issuedText.includes(expected), `${expected} in:\n${issuedText}`);
      assert.equal(pdfImages(pdf.rawPayload), 1, 'the signature is drawn on the issued certificate');

      // The next version's draft starts from the course's settings as they are now.
      const changed = { ...certificate, validityMonths: null, template: { ...certificate.template, heading: 'Changed On The Course Page' } };
      assert.equal((await author.request('PUT', `/api/courses/${courseId}/certificate-settings`, changed)).statusCode, 200);
      const edit = await author.post(`/api/courses/${courseId}/drafts`);
      assert.ok(edit.statusCode === 200 || edit.statusCode === 201, edit.body);
      assert.deepEqual((edit.json().draft as DraftView).content.certificate, changed);
    });

    it('keeps a signature the course settings name from its owner’s deletion, and lets it go once they do not', async () => {
      const { draft } = (await author.post('/api/drafts')).json() as { draft: DraftView };
      const saved = await author.patch(`/api/drafts/${draft.id}`, {
        revision: draft.revision,
        basics: { ...draft.content.basics, title: 'Ladders' },
        test: { ...draft.content.test, settings: { ...draft.content.test.settings, enabled: false } },
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const { courseId } = (await author.post(`/api/drafts/${draft.id}/publish`, {})).json() as { courseId: string };
      // A signature chosen on the course page: no published version lists it, only the settings.
      const signatureAssetId = await upload(author, await signaturePng(), 'signature.png');
      const settings = { validityMonths: null, template: { ...DEFAULT_CERTIFICATE_TEMPLATE, signatory: 'Site Manager', signatureAssetId } };
      const put = await author.request('PUT', `/api/courses/${courseId}/certificate-settings`, settings);
      assert.equal(put.statusCode, 200, put.body);
      const refused = await author.request('DELETE', `/api/assets/${signatureAssetId}`);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.match(refused.json().message, /course's certificate/);
      // Another author's image cannot be named.
      const theirs = await upload(otherAuthor, await signaturePng(), 'theirs.png');
      const foreign = { ...settings, template: { ...settings.template, signatureAssetId: theirs } };
      assert.equal((await author.request('PUT', `/api/courses/${courseId}/certificate-settings`, foreign)).statusCode, 400);

      const preview = await author.post(`/api/courses/${courseId}/certificate-preview`, settings.template);
      assert.equal(preview.statusCode, 200, preview.body);
      assert.ok(pdfText(preview.rawPayload).includes('Site Manager'));
      assert.equal(pdfImages(preview.rawPayload), 1);

      const cleared = { ...settings, template: { ...settings.template, signatureAssetId: null } };
      assert.equal((await author.request('PUT', `/api/courses/${courseId}/certificate-settings`, cleared)).statusCode, 200);
      const deleted = await author.request('DELETE', `/api/assets/${signatureAssetId}`);
      assert.equal(deleted.statusCode, 204, deleted.body);
    });
  });
}
