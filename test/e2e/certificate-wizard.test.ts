// An author designs the course's certificate in the wizard's Review step: colours, wording, a
// signatory and a signature image, with the live preview (pdf.js) showing each change a moment
// after typing stops; publishing carries the settings to the course, whose page shows them.
// Axe clean and no sideways scrolling at 1366 px and 390 px. Synchronised on the server's answers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import sharp from 'sharp';
import type { CertificateSettings } from '../../src/shared/certificates.ts';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { TEST_AUTHOR, seedPeople, type People } from './support/people.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { signInPage } from './support/session.ts';

const isPreview = (request: Request) =>
  request.method() === 'POST' && /^\/api\/drafts\/[^/]+\/certificate-preview$/.test(new URL(request.url()).pathname);

/** The next preview the server answers for a template with this heading. */
function previewOf(page: Page, heading: string) {
  return page.waitForResponse(
    (r) => isPreview(r.request()) && (r.request().postDataJSON() as { heading?: string }).heading === heading,
  );
}

/** The preview's page as pdf.js drew it, with its text as the canvas's description. */
async function previewShows(page: Page, text: string): Promise<void> {
  const preview = page.getByTestId('certificate-preview');
  await preview.getByRole('img', { name: 'Page 1 of the sample certificate' }).waitFor();
  await preview.getByText(text).waitFor({ state: 'attached' });
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: a certificate designed in the wizard`, () => {
    let server: RunningServer;
    let browser: Browser;
    let people: People;
    let dir: string;
    let draftId: string;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-certwiz-'));
      server = await startServer(dialect);
      browser = await launchBrowser();
      people = await seedPeople(server.url, { learner: false });
      // The course itself is not under test: a title and no test are enough to publish.
      const { draft } = (await people.author.request('POST', '/api/drafts')).json() as {
        draft: { id: string; revision: number; content: { basics: object; test: { settings: object } } };
      };
      draftId = draft.id;
      const saved = await people.author.request('PATCH', `/api/drafts/${draft.id}`, {
        revision: draft.revision,
        basics: { ...draft.content.basics, title: 'Forklift Driving', versionLabel: 'Spring' },
        test: { ...draft.content.test, settings: { ...draft.content.test.settings, enabled: false } },
      });
      assert.equal(saved.status, 200, saved.text);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('sets colours, wording and a signature with a live preview, and publishes them to the course', { timeout: 180_000 }, async () => {
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, TEST_AUTHOR.email);
      const previews: Request[] = [];
      page.on('request', (request) => {
        if (isPreview(request)) previews.push(request);
      });

      const first = previewOf(page, 'Certificate of Completion');
      await page.goto(`/drafts/${draftId}/review`);
      const section = page.getByRole('region', { name: 'Certificate', exact: true });
      await section.waitFor();
      assert.ok((await first).ok());
      await previewShows(page, 'Certificate of Completion');
      await previewShows(page, 'Forklift Driving');

      // Typing a heading key by key asks for one preview once typing stops, not one per key.
      const before = previews.length;
      const heading = 'Certificate of Forklift Mastery';
      const typed = previewOf(page, heading);
      await section.getByLabel('Heading', { exact: true }).clear();
      await section.getByLabel('Heading', { exact: true }).pressSequentially(heading);
      assert.ok((await typed).ok());
      await previewShows(page, heading);
      assert.ok(previews.length - before <= 2, `${previews.length - before} previews for one heading typed`);

      await section.getByLabel('Main colour', { exact: true }).fill('#0a5c36');
      await section.getByLabel('Accent colour', { exact: true }).fill('#c0392b');
      await section.getByLabel('Before the course title', { exact: true }).fill('has mastered the course');
      const signed = page.waitForResponse(
        (r) =>
          isPreview(r.request()) &&
          (r.request().postDataJSON() as { signatory?: string }).signatory === 'Head of Warehouse Safety',
      );
      await section.getByLabel('Signatory', { exact: true }).fill('Head of Warehouse Safety');
      const answer = await signed;
      assert.ok(answer.ok());
      const template = answer.request().postDataJSON() as CertificateSettings['template'];
      assert.equal(template.primaryColour, '#0a5c36');
      assert.equal(template.accentColour, '#c0392b');
      await previewShows(page, 'Head of Warehouse Safety');
      await previewShows(page, 'has mastered the course');

      // The signature image: uploaded for the draft, shown once processed, and the preview made again with it.
      const png = path.join(dir, 'signature.png');
      await sharp({ create: { width: 400, height: 120, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
        .composite([
          {
            input: Buffer.from(
              '<svg width="400" height="120"><path d="M10 90 C 90 0, 160 120, 390 30" stroke="#112" stroke-width="8" fill="none"/></svg>',
            ),
          },
        ])
        .png()
        .toFile(png);
      // A damaged image first: the review blocks publishing and its link leads to the signature field.
      const broken = path.join(dir, 'broken-signature.png');
      writeFileSync(broken, Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2048, 0x41)]));
      await section.getByLabel('Upload a signature image: file to upload').setInputFiles(broken);
      const problem = page.getByRole('listitem').filter({ hasText: /^The certificate signature: the image could not be processed/ });
      await problem.waitFor({ timeout: 60_000 });
      assert.equal(await page.getByRole('button', { name: 'Publish the course' }).isDisabled(), true);
      await problem.getByRole('link', { name: 'Fix it below' }).click();
      await page.waitForFunction(() => document.activeElement?.textContent === 'Signature image');

      const withSignature = page.waitForResponse(
        (r) => isPreview(r.request()) && (r.request().postDataJSON() as { signatureAssetId?: string | null }).signatureAssetId != null,
      );
      await section.getByLabel('Replace the signature image: file to upload').setInputFiles(png);
      await section.getByRole('img', { name: 'The signature printed on the certificate' }).waitFor({ timeout: 60_000 });
      assert.ok((await withSignature).ok());
      await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
      await problem.waitFor({ state: 'detached' });

      await expectAccessible(page, 'the certificate section of the review', { alsoOnPhone: true });
      await expectNoSidewaysScroll(page, 'the review with the certificate');
      await page.setViewportSize({ width: 390, height: 844 });
      await expectNoSidewaysScroll(page, 'the review with the certificate at 390 px');
      await page.setViewportSize({ width: 1366, height: 900 });

      const draft = (await (await page.request.get(`/api/drafts/${draftId}`)).json()) as {
        draft: { content: { certificate: CertificateSettings } };
      };
      const wanted = draft.draft.content.certificate;
      assert.equal(wanted.template.heading, heading);
      assert.ok(wanted.template.signatureAssetId);

      await page.getByRole('button', { name: 'Publish the course' }).click();
      await page.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
      const courseId = new URL(page.url()).pathname.split('/')[2] ?? '';
      const settings = (await (await page.request.get(`/api/courses/${courseId}/certificate-settings`)).json()) as {
        settings: CertificateSettings;
      };
      assert.deepEqual(settings.settings, wanted);

      // The course page's settings show what the wizard set, with the same preview.
      const panel = page.getByRole('region', { name: 'Certificate', exact: true });
      await panel.getByLabel('Heading', { exact: true }).waitFor();
      assert.equal(await panel.getByLabel('Heading', { exact: true }).inputValue(), heading);
      assert.equal(await panel.getByLabel('Signatory', { exact: true }).inputValue(), 'Head of Warehouse Safety');
      assert.equal(await panel.getByLabel('Main colour', { exact: true }).inputValue(), '#0a5c36');
      await panel.getByRole('img', { name: 'The signature printed on the certificate' }).waitFor();
      await panel.getByTestId('certificate-preview').getByText(heading).waitFor({ state: 'attached' });
      await expectAccessible(page, "the course page's certificate settings", { alsoOnPhone: true });
      await context.close();
    });
  });
}
