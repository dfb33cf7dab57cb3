// Certificates on both databases, through the real completion path: a learner completes a course,
// the completion job queues certificates.issue, the PDF is rendered once and stored. Its text
// (pdftotext) names the learner, course, version and code; its QR code (pdftoppm + jsQR) leads to
// the verification page; a renamed learner downloads the same bytes; revocation, a tampered PDF,
// concurrent issues, recertification after expiry, re-issue, access and the rate limit.
import assert from 'node:assert/strict';
import { extractCredentialFromPdf } from './credential/pdf.ts';
import { extractFromPng } from './credential/png.ts';
import { decodeUnverified } from './credential/signing.ts';
import { isRevoked, statusPosition } from './credential/status-list.ts';
import { tamper, verifyWithJose } from './credential/test-fixtures.ts';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import jsQRModule from 'jsqr';
import pino from 'pino';
import sharp from 'sharp';
import { type CertificateView, DEFAULT_CERTIFICATE_TEMPLATE, formatCode, type VerificationView } from '../../shared/certificates.ts';
import { EMPTY_DRAFT_CONTENT } from '../../shared/drafts.ts';
import { createServices } from '../services.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp, type TestClient } from '../testing/app.ts';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { waitFor } from '../testing/wait.ts';

// jsqr is CommonJS whose module.exports is the function; its types describe an ES default export.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;
const NAME = 'Zoë Ångström-Łukasiewicz';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] certificates`, () => {
    let app: TestApp;
    let admin: TestClient;
    let authorId: string;
    let learner: TestClient;
    let learnerId: string;
    let other: TestClient;
    let dir: string;
    let first: CertificateView;
    let firstPdf: Buffer;

    /** A published course with one file that is done once opened; the learner enrolled. */
    async function course(title: string, versionLabel = '') {
      const id = crypto.randomUUID();
      const assetId = crypto.randomUUID();
      const at = Date.now();
      await app.db
        .insertInto('assets')
        .values({
          id: assetId,
          owner_id: authorId,
          kind: 'other',
          original_name: 'notes.txt',
          state: 'ready',
          reason: null,
          progress: null,
          size: 1,
          mime: 'text/plain',
          blob_key: null,
          upload_id: null,
          uploaded_for_draft_at: null,
          metadata: '{}',
          created_at: at,
          updated_at: at,
        })
        .execute();
      await app.db
        .insertInto('courses')
        .values({ id, owner_id: authorId, latest_version: 1, created_at: at, updated_at: at })
        .execute();
      const content = {
        ...EMPTY_DRAFT_CONTENT,
        basics: { ...EMPTY_DRAFT_CONTENT.basics, title, versionLabel },
        files: [{ assetId, title: 'Notes', description: '', required: true }],
      };
      await app.db
        .insertInto('course_versions')
        .values({
          course_id: id,
          version: 1,
          title,
          content: JSON.stringify(content),
          source_draft_id: crypto.randomUUID(),
          published_by: authorId,
          published_at: at,
        })
        .execute();
      await app.db
        .insertInto('course_version_assets')
        .values({ course_id: id, version: 1, asset_id: assetId })
        .execute();
      return { id, assetId };
    }

    async function complete(client: TestClient, c: { id: string; assetId: string }) {
      assert.equal((await client.post(`/api/courses/${c.id}/enrolment`)).statusCode, 200);
      const answer = await client.post(`/api/courses/${c.id}/progress`, { assetId: c.assetId, opened: true });
      assert.equal(answer.statusCode, 200, answer.body);
      assert.equal(answer.json().completedNow, true);
    }

    async function certificateOf(client: TestClient, courseId: string): Promise<CertificateView> {
      let found: CertificateView | undefined;
      await waitFor(
        async () => {
          const list = (await client.get('/api/certificates')).json().certificates as CertificateView[];
          found = list.find((c) => c.courseId === courseId && c.status !== 'revoked');
          return found !== undefined;
        },
        'the certificate',
        60_000,
        100,
      );
      return found as CertificateView;
    }

    const download = async (client: TestClient, id: string) => {
      const response = await client.get(`/api/certificates/${id}/pdf`);
      assert.equal(response.statusCode, 200, response.body);
      return { bytes: response.rawPayload, etag: response.headers.etag, type: response.headers['content-type'] };
    };

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-certs-'));
      app = await createTestApp(dialect, { PUBLIC_URL: 'https://learn.example.org' });
      admin = await setUpAdmin(app);
      authorId = (await createSignedInUser(app, admin, 'author')).id;
      const l = await createSignedInUser(app, admin, 'learner');
      learner = l.client;
      learnerId = l.id;
      assert.equal((await learner.patch('/api/me', { displayName: NAME })).statusCode, 200);
      other = (await createSignedInUser(app, admin, 'learner')).client;
      await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
    });

    after(async () => {
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('issues the certificate when the learner completes the course; its text names who, what, which version and the code', async () => {
      const c = await course('Fire Safety Basics', 'Winter 2026');
      await complete(learner, c);
      first = await certificateOf(learner, c.id);
      assert.equal(first.holderName, NAME);
      assert.equal(first.status, 'valid');
      assert.equal(first.expiresAt, null);
      assert.equal(first.verifyUrl, `https://learn.example.org/verify/${first.code}`);
      assert.match(first.code, /^[0-9A-HJKMNP-TV-Z]{26}$/);
      const { bytes, etag, type } = await download(learner, first.id);
      firstPdf = bytes;
      assert.equal(type, 'application/pdf');
      assert.equal(etag, `"${sha256(bytes)}"`);
      assert.equal(first.pdfSha256, sha256(bytes));
      assert.ok(bytes.length <= 150 * 1024, `${bytes.length} bytes`);
      const file = path.join(dir, 'first.pdf');
      writeFileSync(file, bytes);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      assert.ok(text.includes(NAME), text);
      assert.ok(text.includes('Fire Safety Basics'), text);
      assert.ok(text.includes('Version 1 (Winter 2026)'), text);
      assert.ok(text.includes(formatCode(first.code)), text);
      const rows = await app.db.selectFrom('certificates').selectAll().where('user_id', '=', learnerId).execute();
      assert.equal(rows.length, 1);
      // Its signed Open Badges credential is kept beside it (and embedded in the PDF: next test).
      assert.match(rows[0]?.credential_jwt ?? '', /^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('embeds the signed credential, which an outside verifier checks with the published key (jose; node:crypto signs)', async () => {
      const embedded = await extractCredentialFromPdf(firstPdf);
      assert.ok(embedded, 'the PDF carries credential.jwt');
      const header = JSON.parse(Buffer.from(embedded.split('.')[0] as string, 'base64url').toString('utf8'));
      const keys = (await app.client().get('/api/issuer/keys')).json() as { keys: { kid: string }[] };
      const jwk = keys.keys.find((k) => header.kid.endsWith(k.kid)) ?? keys.keys[0];
      const checked = await verifyWithJose(embedded, jwk as object);
      assert.equal(checked.ok, true);
      const subject = (checked.payload as { credentialSubject: { name: string; achievement: { name: string } } })
        .credentialSubject;
      assert.equal(subject.achievement.name, 'Fire Safety Basics');
      assert.equal(subject.name, NAME);
      assert.equal((await verifyWithJose(tamper(embedded), jwk as object)).ok, false, 'a changed byte fails');
      // The holder downloads it as JSON and as a baked badge.
      const json = await learner.get(`/api/certificates/${first.id}/credential.json`);
      assert.equal(json.statusCode, 200, json.body);
      assert.match(json.body, /EnvelopedVerifiableCredential/);
      const badge = await learner.get(`/api/certificates/${first.id}/badge.png`);
      assert.equal(badge.statusCode, 200);
      assert.equal(extractFromPng(badge.rawPayload), embedded);
      assert.equal((await other.get(`/api/certificates/${first.id}/badge.png`)).statusCode, 404);
    });

    it('prints a QR code that decodes to the verification URL', async () => {
      const file = path.join(dir, 'qr.pdf');
      writeFileSync(file, firstPdf);
      execFileSync('pdftoppm', [
        '-r',
        '150',
        '-png',
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        file,
        path.join(dir, 'page'),
      ]);
      const { data, info } = await sharp(readFileSync(path.join(dir, 'page.png')))
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const qr = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height);
      assert.equal(qr?.data, first.verifyUrl);
    });

    it('downloads the same bytes after the learner renamed themselves, with a strong ETag', async () => {
      assert.equal((await learner.patch('/api/me', { displayName: 'Zoe Renamed' })).statusCode, 200);
      const again = await download(learner, first.id);
      assert.equal(sha256(again.bytes), sha256(firstPdf));
      const notModified = await learner.request('GET', `/api/certificates/${first.id}/pdf`, undefined, {
        headers: { 'if-none-match': again.etag as string },
      });
      assert.equal(notModified.statusCode, 304);
      const view = (await learner.get('/api/certificates')).json().certificates[0] as CertificateView;
      assert.equal(view.holderName, NAME);
    });

    it('lets only the holder and administrators download; lists only their own', async () => {
      assert.equal((await other.get(`/api/certificates/${first.id}/pdf`)).statusCode, 404);
      assert.deepEqual((await other.get('/api/certificates')).json().certificates, []);
      assert.equal((await admin.get(`/api/certificates/${first.id}/pdf`)).statusCode, 200);
      assert.equal((await app.client().get('/api/certificates')).statusCode, 401);
    });

    it('verifies by code for anyone, answering only the verification facts', async () => {
      const anonymous = app.client();
      for (const code of [first.code, formatCode(first.code).toLowerCase()]) {
        const response = await anonymous.get(`/api/verify/${encodeURIComponent(code)}`);
        assert.equal(response.statusCode, 200, response.body);
        const v = response.json().certificate as VerificationView;
        assert.deepEqual(Object.keys(v).sort(), [
          'code',
          'completedAt',
          'courseTitle',
          'expiresAt',
          'holderName',
          'issuedAt',
          'revokedAt',
          'status',
          'version',
          'versionLabel',
        ]);
        assert.equal(v.holderName, NAME);
        assert.equal(v.status, 'valid');
      }
      assert.equal((await anonymous.get('/api/verify/0000000000000000000000000A')).statusCode, 404);
      assert.equal((await anonymous.get('/api/verify/nonsense')).json().error, 'not_issued_here');
    });

    it('verifies an uploaded PDF by its hash; one changed byte is not issued here', async () => {
      const anonymous = app.client();
      const genuine = await anonymous.request('POST', '/api/verify/upload', firstPdf, {
        headers: { 'content-type': 'application/pdf' },
      });
      assert.equal(genuine.statusCode, 200, genuine.body);
      assert.equal(genuine.json().issuedHere, true);
      assert.equal(genuine.json().certificate.code, first.code);
      const tampered = Buffer.from(firstPdf);
      const middle = Math.floor(tampered.length / 2);
      tampered[middle] = (tampered[middle] as number) ^ 1;
      const refused = await anonymous.request('POST', '/api/verify/upload', tampered, {
        headers: { 'content-type': 'application/pdf' },
      });
      assert.equal(refused.statusCode, 200);
      assert.equal(refused.json().issuedHere, false);
      assert.match(refused.json().message, /not issued here/);
      // The genuine PDF carries its signed credential, valid; a PDF without one says so.
      assert.deepEqual(genuine.json().credential, { state: 'valid', code: first.code });
      const bare = await anonymous.request('POST', '/api/verify/upload', Buffer.from('%PDF-1.7\n%%EOF\n'), {
        headers: { 'content-type': 'application/pdf' },
      });
      assert.equal(bare.json().issuedHere, false);
      assert.equal(bare.json().credential.state, 'none');
      const tooBig = await anonymous.request('POST', '/api/verify/upload', Buffer.alloc(6 * 1024 * 1024), {
        headers: { 'content-type': 'application/pdf' },
      });
      assert.equal(tooBig.statusCode, 413);
    });

    it("certifies the best passed attempt's score, not a higher failed one", async () => {
      const c = await course('Scaffolds');
      const otherId = (await other.get('/api/me')).json().user.id as string;
      const at = Date.now();
      const attempt = (number: number, percent: number, passed: number) => ({
        id: crypto.randomUUID(),
        user_id: otherId,
        course_id: c.id,
        version: 1,
        number,
        state: 'submitted' as const,
        seed: 1,
        layout: '[]',
        started_at: at,
        deadline_at: null,
        submitted_at: at,
        submitted_by: 'learner' as const,
        score: percent,
        max_score: 100,
        percent,
        passed,
        grade: '[]',
        updated_at: at,
      });
      await app.db
        .insertInto('quiz_attempts')
        .values([attempt(1, 72.5, 1), attempt(2, 95, 0), attempt(3, 88, 1)])
        .execute();
      await complete(other, c);
      const issued = await certificateOf(other, c.id);
      assert.equal(issued.score, 88);
    });

    it('issues one certificate for concurrent issue jobs and retries of the same completion', async () => {
      const c = await course('Ladders');
      await complete(other, c);
      const otherId = (await other.get('/api/me')).json().user.id as string;
      const { certificates } = app.runtime.services;
      const issued = await Promise.all(
        Array.from({ length: 4 }, () => certificates.issue({ userId: otherId, courseId: c.id, version: 1 })),
      );
      assert.equal(new Set(issued.map((x) => x.id)).size, 1);
      await certificateOf(other, c.id);
      await app.runtime.queue.enqueue('certificates.issue', { userId: otherId, courseId: c.id, version: 1 });
      const again = await certificates.issue({ userId: otherId, courseId: c.id, version: 1 });
      assert.equal(again.id, issued[0]?.id);
      const rows = await app.db
        .selectFrom('certificates')
        .select('id')
        .where('user_id', '=', otherId)
        .where('course_id', '=', c.id)
        .execute();
      assert.equal(rows.length, 1);
      const indexes = (
        await app.db.selectFrom('certificates').select('status_index').orderBy('status_index').execute()
      ).map((r) => Number(r.status_index));
      assert.deepEqual(
        indexes,
        indexes.map((_, i) => i),
      );
    });

    it('keeps status indexes distinct and one certificate per learner when two processes issue at once', async () => {
      // Service graphs over the same database and store stand for other processes, each with its
      // own status-index floor. Blob writes through `meeting` stores wait until two have arrived,
      // so both issues have read the next status index before either inserts its row.
      const meeting = () => {
        let arrived = 0;
        let release = () => {};
        const both = new Promise<void>((resolve) => {
          release = resolve;
        });
        const wrap = (store: BlobStore): BlobStore => ({
          ...store,
          async put(content, options) {
            if (++arrived === 2) release();
            await both;
            return store.put(content, options);
          },
        });
        return { wrap, arrived: () => arrived };
      };
      const parts = {
        config: app.config,
        db: app.db,
        uploads: app.runtime.uploads,
        queue: app.runtime.queue,
        bus: app.runtime.bus,
        logger: pino({ level: 'silent' }),
      };
      const processOf = (store: BlobStore) => createServices({ ...parts, blobStore: store }).certificates;
      const c = await course('Cranes');
      /** Learners who completed the course, recorded directly: no issue job of this app's own joins in. */
      const completed = async (count: number) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) ids.push((await createSignedInUser(app, admin, 'learner')).id);
        await app.db
          .insertInto('course_completions')
          .values(ids.map((userId) => ({ user_id: userId, course_id: c.id, version: 1, completed_at: Date.now() })))
          .execute();
        return ids;
      };
      const rowsOf = (ids: string[]) =>
        app.db.selectFrom('certificates').selectAll().where('course_id', '=', c.id).where('user_id', 'in', ids).execute();

      const across = meeting();
      const [one, two] = [processOf(across.wrap(app.runtime.blobStore)), processOf(across.wrap(app.runtime.blobStore))];
      const [a, b] = (await completed(2)) as [string, string];
      const [ofA, ofB] = await Promise.all([
        one.issue({ userId: a, courseId: c.id, version: 1 }),
        two.issue({ userId: b, courseId: c.id, version: 1 }),
      ]);
      assert.ok(across.arrived() >= 3, 'the loser stored its PDF again, rendered with another status index');
      const rows = await rowsOf([a, b]);
      assert.equal(rows.length, 2);
      assert.notEqual(rows[0]?.status_index, rows[1]?.status_index);
      for (const [issued, holder] of [[ofA, a], [ofB, b]] as const) {
        const row = rows.find((r) => r.user_id === holder);
        assert.equal(row?.id, issued.id);
        assert.ok(row?.pdf_blob_key && row.credential_jwt, 'recorded with its PDF and credential');
        const embedded = await extractCredentialFromPdf(readFileSync(app.runtime.blobStore.localPath?.(row.pdf_blob_key) as string));
        const status = decodeUnverified(embedded as string)?.credentialStatus as { statusListIndex: string };
        assert.equal(Number(status.statusListIndex), statusPosition(Number(row.status_index)).index, 'the PDF carries its row’s index');
      }

      // Two learners in one process at once: its floor gives them different indexes, nobody renders twice.
      const within = meeting();
      const three = processOf(within.wrap(app.runtime.blobStore));
      const [e, f] = (await completed(2)) as [string, string];
      await Promise.all([e, f].map((userId) => three.issue({ userId, courseId: c.id, version: 1 })));
      assert.equal(within.arrived(), 2, 'each PDF stored once');
      const [ofE, ofF] = await rowsOf([e, f]);
      assert.notEqual(ofE?.status_index, ofF?.status_index);

      // The same learner in both processes at once: one certificate, which both answer.
      const [d] = (await completed(1)) as [string];
      const [first, second] = await Promise.all([
        one.issue({ userId: d, courseId: c.id, version: 1 }),
        two.issue({ userId: d, courseId: c.id, version: 1 }),
      ]);
      assert.equal(first.id, second.id);
      assert.equal((await rowsOf([d])).length, 1);
    });

    it('dates expiry from the course setting and recertifies after expiry, linking the previous certificate', async () => {
      const c = await course('Forklift');
      const author = app.client();
      await author.post('/api/auth/login', {
        email: (await app.db.selectFrom('users').select('email').where('id', '=', authorId).executeTakeFirstOrThrow())
          .email,
        password: 'correct horse battery staple',
      });
      const settings = await author.request('PUT', `/api/courses/${c.id}/certificate-settings`, {
        validityMonths: 12,
        template: {
          primaryColour: '#003366',
          accentColour: '#aa5500',
          heading: 'Licence to lift',
          preamble: 'We hereby confirm that',
          completionWording: 'is trained on',
          signatory: 'Chief Instructor',
          logo: 'none',
        },
      });
      assert.equal(settings.statusCode, 200, settings.body);
      assert.equal((await other.get(`/api/courses/${c.id}/certificate-settings`)).statusCode, 403);
      const preview = await author.post(`/api/courses/${c.id}/certificate-preview`, { ...DEFAULT_CERTIFICATE_TEMPLATE, heading: 'Sample of a licence' });
      assert.equal(preview.statusCode, 200, preview.body);
      assert.equal(preview.headers['content-type'], 'application/pdf');
      assert.ok(execFileSync('pdftotext', ['-', '-'], { input: preview.rawPayload, encoding: 'utf8' }).includes('Sample of a licence'));
      assert.equal((await other.post(`/api/courses/${c.id}/certificate-preview`, DEFAULT_CERTIFICATE_TEMPLATE)).statusCode, 403);
      await complete(learner, c);
      const cert = await certificateOf(learner, c.id);
      assert.ok(cert.expiresAt);
      const months = (new Date(cert.expiresAt).getTime() - new Date(cert.issuedAt).getTime()) / (30.4 * 86_400_000);
      assert.ok(months > 11.8 && months < 12.2, String(months));
      const text = execFileSync('pdftotext', ['-', '-'], {
        input: (await download(learner, cert.id)).bytes,
        encoding: 'utf8',
      });
      assert.ok(text.includes('Licence to lift') && text.includes('Chief Instructor'), text);

      await app.db
        .updateTable('certificates')
        .set({ expires_at: Date.now() - 1000 })
        .where('id', '=', cert.id)
        .execute();
      assert.equal((await app.client().get(`/api/verify/${cert.code}`)).json().certificate.status, 'expired');
      const renewed = await app.runtime.services.certificates.issue({ userId: learnerId, courseId: c.id, version: 1 });
      assert.notEqual(renewed.id, cert.id);
      assert.equal(renewed.previousCertificateId, cert.id);
      assert.equal(renewed.status, 'valid');
    });

    it('revokes with a reason (the verification says revoked) and re-issues with the current name', async () => {
      const refused = await admin.post(`/api/admin/certificates/${first.id}/revoke`, { reason: '' });
      assert.equal(refused.statusCode, 400);
      assert.equal(
        (await learner.post(`/api/admin/certificates/${first.id}/revoke`, { reason: 'cheating' })).statusCode,
        403,
      );
      const revoked = await admin.post(`/api/admin/certificates/${first.id}/revoke`, { reason: 'Issued in error' });
      assert.equal(revoked.statusCode, 200, revoked.body);
      assert.equal(revoked.json().certificate.status, 'revoked');
      assert.equal(revoked.json().certificate.revokedReason, 'Issued in error');
      assert.equal(
        (await admin.post(`/api/admin/certificates/${first.id}/revoke`, { reason: 'again' })).statusCode,
        409,
      );
      const verified = (await app.client().get(`/api/verify/${first.code}`)).json().certificate as VerificationView;
      assert.equal(verified.status, 'revoked');
      const upload = await app
        .client()
        .request('POST', '/api/verify/upload', firstPdf, { headers: { 'content-type': 'application/pdf' } });
      assert.equal(upload.json().certificate.status, 'revoked');
      // The credential inside the genuine PDF now says revoked too: the status list bit is set.
      assert.deepEqual(upload.json().credential, { state: 'revoked', code: first.code });
      const { jwt } = (await app.db.selectFrom('certificates').select('credential_jwt as jwt').where('id', '=', first.id).executeTakeFirstOrThrow()) as { jwt: string };
      const payload = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8'));
      const status = payload.credentialStatus as { statusListCredential: string; statusListIndex: string };
      const list = await app.client().get(new URL(status.statusListCredential).pathname);
      assert.equal(list.statusCode, 200);
      const listPayload = JSON.parse(Buffer.from(list.body.split('.')[1] as string, 'base64url').toString('utf8'));
      assert.equal(isRevoked(listPayload.credentialSubject.encodedList, Number(status.statusListIndex)), true);

      const search = (await admin.get(`/api/admin/certificates?q=${encodeURIComponent('fire safety')}`)).json()
        .certificates;
      assert.equal(search.length, 1);
      assert.equal(search[0].holderEmail.includes('@'), true);
      const reissued = await admin.post(`/api/admin/certificates/${first.id}/reissue`);
      assert.equal(reissued.statusCode, 200, reissued.body);
      const fresh = reissued.json().certificate;
      assert.equal(fresh.holderName, 'Zoe Renamed');
      assert.equal(fresh.previousCertificateId, first.id);
      assert.equal(fresh.status, 'valid');
      assert.equal(fresh.completedAt, first.completedAt);
    });

    it('rate-limits verification per address', async () => {
      const anonymous = app.client();
      let limited = false;
      for (let i = 0; i < 70 && !limited; i++)
        limited = (await anonymous.get(`/api/verify/${first.code}`)).statusCode === 429;
      assert.ok(limited);
    });
  });
}
