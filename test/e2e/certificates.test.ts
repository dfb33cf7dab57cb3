// A learner completes a course in the browser and finds its certificate under My certificates
// moments later; the course page links to it; the PDF downloads (the stored bytes). Signed out, a
// visitor verifies it by code and by dropping the PDF; an administrator finds it, revokes it with
// a reason, and the public page says revoked. Axe clean at 1366 px and 390 px.
// The course has no test: taking a test has no web pages yet, so completion here is the files.
// LECTERN_SCREENSHOTS=dir saves screenshots.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { CertificateView } from '../../src/shared/certificates.ts';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { type ApiClient, apiClient, eventually, signIn } from './support/api.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { signInPage, TEST_PASSWORD } from './support/session.ts';

const SHOTS = process.env.LECTERN_SCREENSHOTS;
const NAME = 'Zoë Ångström-Łukasiewicz';

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}-${page.viewportSize()?.width}.png`), fullPage: true });
}

/** Axe at both widths, no sideways scrolling, and a screenshot at each. */
async function check(page: Page, what: string, name: string): Promise<void> {
  await expectAccessible(page, what, { alsoOnPhone: true });
  await expectNoSidewaysScroll(page, what);
  await shot(page, name);
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoSidewaysScroll(page, `${what} at 390 px`);
  await shot(page, name);
  if (viewport) await page.setViewportSize(viewport);
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: a certificate issued, downloaded and verified`, () => {
    let server: RunningServer;
    let browser: Browser;
    let dir: string;
    let admin: ApiClient;
    let courseId: string;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-certs-'));
      server = await startServer(dialect);
      browser = await launchBrowser();
      admin = await apiClient(server.url);
      assert.equal(
        (
          await admin.request('POST', '/api/setup', {
            email: 'ada@example.org',
            displayName: 'Ada Admin',
            password: TEST_PASSWORD,
          })
        ).status,
        201,
      );
      for (const [email, role, name] of [
        ['grace@example.org', 'author', 'Grace Author'],
        ['zoe@example.org', 'learner', NAME],
      ] as const) {
        assert.equal(
          (await admin.request('POST', '/api/admin/users', { email, displayName: name, role, password: TEST_PASSWORD }))
            .status,
          201,
        );
      }
      const author = await signIn(server.url, 'grace@example.org', TEST_PASSWORD);
      const { draft } = (await author.request('POST', '/api/drafts')).json() as { draft: { id: string } };
      const png = path.join(dir, 'plan.png');
      await sharp({ create: { width: 600, height: 400, channels: 3, background: '#2255aa' } })
        .png()
        .toFile(png);
      const plan = await author.upload(png, 'image', { draftId: draft.id });
      await eventually(
        async () =>
          ((await author.request('GET', `/api/assets/${plan}`)).json() as { asset: { state: string } }).asset.state ===
          'ready',
        'the image to be ready',
        120_000,
      );
      const saved = await author.request('PATCH', `/api/drafts/${draft.id}`, {
        revision: 1,
        basics: {
          title: 'Fire safety',
          versionLabel: 'Winter 2026',
          shortDescription: 'Before the alarm.',
          topics: [],
          language: 'en',
          coverAssetId: null,
        },
        files: [{ assetId: plan, title: 'The floor plan', description: '', required: true }],
        test: { settings: { enabled: false }, categories: [] },
      });
      assert.equal(saved.status, 200, saved.text);
      const published = await author.request('POST', `/api/drafts/${draft.id}/publish`);
      assert.equal(published.status, 200, published.text);
      courseId = (published.json() as { courseId: string }).courseId;
      assert.equal(
        (await admin.request('POST', '/api/auth/login', { email: 'ada@example.org', password: TEST_PASSWORD })).status,
        200,
      );
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('issues, downloads, verifies by code and by file, and shows a revocation', { timeout: 400_000 }, async () => {
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: { width: 1366, height: 900 },
        acceptDownloads: true,
      });
      context.setDefaultTimeout(60_000);
      const page = await signInPage(context, 'zoe@example.org');

      // Complete the course: enrol, open its one file.
      await page.goto(`/courses/${courseId}`);
      await page.getByRole('button', { name: 'Enrol in this course' }).click();
      await page.getByRole('link', { name: 'Start', exact: true }).click();
      // Completed: announced, or (when the player's state was made again meanwhile; seen on a busy
      // machine) said beside the progress bar. The announcement itself is the learning test's.
      await page
        .getByText('Course completed — well done!')
        .or(page.getByText(/· ✓ Course completed$/))
        .first()
        .waitFor();

      // The course page links to the certificate once it is issued.
      await page.goto(`/courses/${courseId}`);
      await page.getByRole('link', { name: 'Download your certificate (PDF)' }).waitFor();

      // My certificates: the card, the download, the share link.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My certificates' }).click();
      const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Fire safety' }) });
      await card.waitFor();
      await card.getByText('Valid', { exact: true }).waitFor();
      await check(page, 'My certificates', 'my-certificates');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        card.getByRole('link', { name: /Download the certificate for Fire safety/ }).click(),
      ]);
      const file = path.join(dir, 'certificate.pdf');
      await download.saveAs(file);
      const bytes = readFileSync(file);
      const mine = (await page.evaluate(async () => (await fetch('/api/certificates')).json())) as {
        certificates: CertificateView[];
      };
      const certificate = mine.certificates[0] as CertificateView;
      assert.equal(createHash('sha256').update(bytes).digest('hex'), certificate.pdfSha256);
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
      await context.close();

      // Signed out: the verification page by the QR code's link, by typing the code, by the file.
      const visitorContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      visitorContext.setDefaultTimeout(60_000);
      const visitor = await visitorContext.newPage();
      await visitor.goto(`/verify/${certificate.code}`);
      const result = visitor.getByRole('status').filter({ hasText: 'This certificate is valid.' });
      await result.waitFor();
      await result.getByText(NAME).waitFor();
      await result.getByText('Fire safety').waitFor();
      await check(visitor, 'the verification page (valid)', 'verify-valid');

      await visitor.goto('/verify');
      await visitor.getByLabel('Certificate code').fill(certificate.code.toLowerCase().replace(/(.{5})/g, '$1-'));
      await visitor.getByRole('button', { name: 'Verify' }).click();
      await visitor.getByText('This certificate is valid.').waitFor();
      assert.match(visitor.url(), new RegExp(`/verify/${certificate.code}$`));

      await visitor.goto('/verify');
      await visitor.locator('input[type=file]').setInputFiles(file);
      await visitor.getByText('The PDF you chose was issued here, unchanged.').waitFor();
      const tampered = Buffer.from(bytes);
      tampered[Math.floor(tampered.length / 2)] = (tampered[Math.floor(tampered.length / 2)] as number) ^ 1;
      await visitor
        .locator('input[type=file]')
        .setInputFiles({ name: 'changed.pdf', mimeType: 'application/pdf', buffer: tampered });
      await visitor.getByText('Not issued here', { exact: true }).waitFor();
      await check(visitor, 'the verification page (a changed file)', 'verify-upload');

      // An administrator finds it and revokes it with a reason.
      const adminContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 900 } });
      adminContext.setDefaultTimeout(60_000);
      const adminPage = await signInPage(adminContext, 'ada@example.org');
      await adminPage.goto('/admin/certificates');
      await adminPage.getByLabel('Search certificates').fill('zoë');
      await adminPage.getByText('1 certificate.').waitFor();
      await check(adminPage, 'the certificates administration', 'admin-certificates');
      await adminPage.getByRole('button', { name: `Revoke ${NAME}'s certificate for Fire safety` }).click();
      const dialog = adminPage.getByRole('dialog', { name: 'Revoke a certificate' });
      await dialog.getByLabel('Reason').fill('Issued to the wrong person');
      await expectAccessible(adminPage, 'the revoke dialog');
      await dialog.getByRole('button', { name: 'Revoke certificate' }).click();
      await adminPage.getByRole('row').filter({ hasText: 'Issued to the wrong person' }).getByText('Revoked').waitFor();
      await adminContext.close();

      await visitor.goto(`/verify/${certificate.code}`);
      await visitor.getByText('This certificate has been revoked by the issuer.').waitFor();
      assert.equal(
        await visitor.getByText('Issued to the wrong person').count(),
        0,
        'the reason stays with administrators',
      );
      await check(visitor, 'the verification page (revoked)', 'verify-revoked');
      await visitorContext.close();
    });
  });
}
