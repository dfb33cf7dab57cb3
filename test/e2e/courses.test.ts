// Learners and published courses in the browser: the catalog, enrolling, opening a course's file,
// keeping version 1 after version 2 is published, and the author's versions and "Edit course".
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser } from 'playwright-core';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import type { ApiClient } from './support/api.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { publishCourse } from './support/courses.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { seedPeople } from './support/people.ts';
import { signInPage } from './support/session.ts';


async function makePdf(dir: string): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText('Evacuation plan', { x: 50, y: 700, size: 24, font });
  const file = path.join(dir, 'evacuation-plan.pdf');
  writeFileSync(file, await doc.save());
  return file;
}


for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: catalog, enrolment and versions`, () => {
    let server: RunningServer;
    let browser: Browser;
    let dir: string;
    let author: ApiClient;
    let courseId: string;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-courses-'));
      server = await startServer(dialect);
      browser = await launchBrowser();
      ({ author } = await seedPeople(server.url));

      // Version 1, published through the API (the wizard has its own browser tests).
      ({ courseId } = await publishCourse(author, {
        title: 'Fire safety',
        versionLabel: '2026',
        shortDescription: 'What to do **before** the alarm.',
        topics: ['Evacuation'],
        files: [{ path: await makePdf(dir), kind: 'pdf', title: 'Evacuation plan', description: 'Where the exits are.' }],
      }));
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('lets a learner find the course, enrol, open its file, and keep version 1 when version 2 is published', async () => {
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(15_000);
      const page = await signInPage(context, 'lin@example.org');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Courses' }).click();
      await page.getByRole('heading', { name: 'Course catalog', level: 1 }).waitFor();
      await expectAccessible(page, 'catalog');
      await page.getByRole('link', { name: 'Fire safety' }).click();
      await page.getByRole('heading', { name: 'Fire safety', level: 1 }).waitFor();
      await page.getByText('Enrol to open the course material.').waitFor();
      await expectAccessible(page, 'course page before enrolling');

      await page.getByRole('button', { name: 'Enrol in this course' }).click();
      await page.getByText('Enrolled in version 1').waitFor();
      await page.getByRole('link', { name: 'Evacuation plan' }).click();
      await page.getByRole('heading', { name: 'Evacuation plan', level: 1 }).waitFor();
      await page.locator('canvas').first().waitFor();
      await page.getByRole('link', { name: 'Back to the course: Fire safety' }).click();
      await page.getByRole('heading', { name: 'Fire safety', level: 1 }).waitFor();

      // The author publishes version 2 with a new title.
      const edit = (await author.request('POST', `/api/courses/${courseId}/drafts`)).json() as {
        draft: { id: string; revision: number; content: { basics: Record<string, unknown> } };
      };
      const renamed = await author.request('PATCH', `/api/drafts/${edit.draft.id}`, {
        revision: edit.draft.revision,
        basics: { ...edit.draft.content.basics, title: 'Fire safety, revised' },
      });
      assert.equal(renamed.status, 200, renamed.text);
      assert.deepEqual((await author.request('POST', `/api/drafts/${edit.draft.id}/publish`)).json(), { courseId, version: 2 });

      await page.reload();
      await page.getByRole('heading', { name: 'Fire safety', level: 1, exact: true }).waitFor();
      await page.getByText(/A newer version \(version 2\) has been published since you enrolled; you keep\s+version 1/).waitFor();
      await expectAccessible(page, 'course page, enrolled');
      await page.goto('/');
      await page.getByRole('heading', { name: 'My learning', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Fire safety', exact: true }).waitFor();
      await context.close();
    });

    it('shows the author the latest version, the older ones, and starts an edit from the course page', async () => {
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(15_000);
      const page = await signInPage(context, 'grace@example.org');
      await page.goto(`/courses/${courseId}`);
      await page.getByRole('heading', { name: 'Fire safety, revised', level: 1 }).waitFor();
      await expectAccessible(page, 'course page, author');
      await page.getByLabel('Show version').first().click();
      await page.getByRole('option', { name: '1' }).click();
      await page.waitForURL(/\/versions\/1$/);
      await page.getByRole('heading', { name: 'Fire safety', level: 1, exact: true }).waitFor();
      await page.getByRole('button', { name: 'Edit course (new version)' }).click();
      await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\//);
      const drafts = (await author.request('GET', '/api/drafts')).json() as { drafts: { courseId: string | null; baseVersion: number | null }[] };
      assert.ok(drafts.drafts.some((d) => d.courseId === courseId && d.baseVersion === 2));
      await context.close();
    });
  });
}
