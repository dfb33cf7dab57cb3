// Finding and joining courses, and the learner's dashboard, in Chromium: the catalog's search finds a
// course by a topic with its cover showing before enrolling; a course by invitation only cannot be joined
// from its page; its author enrols learners by address with a due date (an unknown address named); the
// learner sees it on the dashboard as overdue, marks a file done, leaves (its author then finds them
// among those who left, with the progress they had), enrols again and resumes. At
// 1366 px and 390 px: axe clean, no horizontal overflow. LECTERN_SCREENSHOTS=dir saves screenshots.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { type ApiClient, eventually } from './support/api.ts';
import { expectAccessible, launchBrowser, PHONE_VIEWPORT } from './support/browser.ts';
import { publishCourse } from './support/courses.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { seedPeople } from './support/people.ts';
import { signInPage } from './support/session.ts';

const SHOTS = process.env.LECTERN_SCREENSHOTS;
const WIDE = { width: 1366, height: 900 } as const;

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}-${page.viewportSize()?.width}.png`), fullPage: true });
}

/** Axe and overflow at both widths, with a screenshot at each. */
async function checkBothWidths(page: Page, what: string, name: string): Promise<void> {
  const viewport = page.viewportSize();
  for (const size of [WIDE, PHONE_VIEWPORT]) {
    await page.setViewportSize(size);
    // The navigation slides away on a phone: wait for running transitions to end.
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
    await expectNoSidewaysScroll(page, `${what} at ${size.width} px`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, name);
    await expectAccessible(page, `${what} at ${size.width} px`);
  }
  if (viewport) await page.setViewportSize(viewport);
}

const imageShown = (img: ReturnType<Page['locator']>) =>
  eventually(
    async () => (await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)) === true,
    'the image to show',
    15_000,
  );

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: finding, joining and leaving courses`, () => {
    let server: RunningServer;
    let browser: Browser;
    let dir: string;
    let author: ApiClient;
    const courses = { open: '', invitation: '' };

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-enrolment-'));
      server = await startServer(dialect);
      browser = await launchBrowser();
      ({ author } = await seedPeople(server.url, { moreLearners: [{ email: 'max@example.org', name: 'Max Learner' }] }));
      const png = async (name: string, colour: string) => {
        const file = path.join(dir, name);
        await sharp({ create: { width: 600, height: 400, channels: 3, background: colour } })
          .png()
          .toFile(file);
        return file;
      };
      ({ courseId: courses.open } = await publishCourse(author, {
        title: 'Fire safety',
        shortDescription: 'What to do **before** the alarm:\n\n- walk\n- close the doors',
        topics: ['Evacuation', 'First aid'],
        cover: await png('cover.png', '#2255aa'),
        files: [{ path: await png('map.png', '#aa5522'), kind: 'image', title: 'The floor plan' }],
      }));
      ({ courseId: courses.invitation } = await publishCourse(author, {
        title: 'Chemical handling',
        shortDescription: 'Storing and moving *solvents*.',
        topics: ['Chemicals'],
        language: 'fr',
        files: [
          {
            path: await png('checklist.png', '#22aa55'),
            kind: 'image',
            title: 'The checklist',
            description: 'Tick every box on site.',
            learnerMarksDone: true,
          },
          { path: await png('labels.png', '#5522aa'), kind: 'image', title: 'Hazard labels' },
        ],
      }));
      assert.equal(
        (await author.request('PUT', `/api/courses/${courses.invitation}/settings`, { selfEnrolment: 'invitation' }))
          .status,
        200,
      );
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('finds a course by a topic, its cover and description showing, before enrolling', {
      timeout: 180_000,
    }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: WIDE });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, 'lin@example.org');
      await page.goto('/courses');
      await page.getByRole('article', { name: 'Chemical handling' }).waitFor();
      await page.getByRole('searchbox', { name: 'Search' }).fill('first aid');
      await page.getByRole('status').filter({ hasText: '1 course found.' }).waitFor();
      const card = page.getByRole('article', { name: 'Fire safety' });
      await card.waitFor();
      assert.equal(await page.getByRole('article', { name: 'Chemical handling' }).count(), 0);
      await imageShown(card.locator('img'));
      // The author's markdown, rendered: emphasis and a list, not asterisks.
      await card.locator('strong', { hasText: 'before' }).waitFor();
      assert.equal(await card.getByRole('listitem').count(), 2);
      assert.doesNotMatch((await card.textContent()) ?? '', /\*\*/);
      await page.getByRole('searchbox', { name: 'Search' }).fill('');
      await page.getByLabel('Language').selectOption({ label: 'French' });
      await page.getByRole('status').filter({ hasText: '1 course found.' }).waitFor();
      await page.getByRole('article', { name: 'Chemical handling' }).getByText('By invitation').waitFor();
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByLabel('Topic').selectOption('Evacuation');
      await page.getByRole('status').filter({ hasText: '1 course found.' }).waitFor();
      await page.getByRole('article', { name: 'Fire safety' }).waitFor();
      await checkBothWidths(page, 'the catalog, filtered', 'catalog');

      // By invitation only: no way in from the course page.
      await page.goto(`/courses/${courses.invitation}`);
      await page.getByRole('heading', { name: 'Chemical handling', level: 1 }).waitFor();
      await page.getByText('This course is by invitation only').waitFor();
      assert.equal(await page.getByRole('button', { name: /Enrol/ }).count(), 0);
      await context.close();
    });

    it('the author enrols by address with a due date; each address that cannot be is named', {
      timeout: 180_000,
    }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: WIDE });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, 'grace@example.org');
      await page.goto(`/courses/${courses.invitation}`);
      await page.getByRole('heading', { name: 'Chemical handling', level: 1 }).waitFor();
      assert.equal(await page.getByRole('radio', { name: /By invitation only/ }).isChecked(), true);
      const panel = page.getByRole('form', { name: 'Enrol learners' });
      // One person picked by name, one by a pasted address.
      await panel.getByLabel('People').fill('max');
      await page.getByRole('option', { name: 'Max Learner <max@example.org>' }).click();
      await panel.getByLabel('Email addresses').fill('lin@example.org\nnobody@example.org');
      // Yesterday: the learner's dashboard shows it overdue.
      const yesterday = new Date(Date.now() - 24 * 3600 * 1000);
      const day = `${yesterday.getFullYear()}-${String(yesterday.getMonth() + 1).padStart(2, '0')}-${String(yesterday.getDate()).padStart(2, '0')}`;
      await panel.getByLabel('Due date (optional)').fill(day);
      await panel.getByRole('button', { name: 'Enrol' }).click();
      await panel.getByRole('status').filter({ hasText: '2 people enrolled.' }).waitFor();
      await panel.getByText('nobody@example.org: No account uses this address.').waitFor();
      assert.equal(
        await panel.getByLabel('Email addresses').inputValue(),
        'nobody@example.org',
        'what failed stays to be corrected',
      );
      await page
        .getByRole('table', { name: 'Learners' })
        .getByRole('row', { name: /Lin Learner/ })
        .getByText(/^Overdue since/)
        .waitFor();
      await checkBothWidths(page, 'the enrol panel', 'enrol-panel');

      // The per-file setting is carried from the version into the next draft's Files step.
      await page.getByRole('button', { name: 'Edit course (new version)' }).click();
      await page.waitForURL(/\/drafts\/[^/]+\/basics$/);
      await page.goto(page.url().replace(/basics$/, 'files'));
      const marks = page.getByRole('checkbox', { name: 'Learner marks it as done' });
      await marks.first().waitFor();
      assert.deepEqual([await marks.nth(0).isChecked(), await marks.nth(1).isChecked()], [true, false]);
      await page.getByText('Instead of: done once opened.').first().waitFor();
      await expectAccessible(page, 'the Files step with learner-marked files');
      await context.close();
    });

    it('the learner sees it on the dashboard, marks a file done, leaves, enrols again and resumes', {
      timeout: 180_000,
    }, async () => {
      const context = await browser.newContext({ baseURL: server.url, viewport: WIDE });
      context.setDefaultTimeout(30_000);
      const page = await signInPage(context, 'lin@example.org');
      await page.goto('/');
      const card = page.getByRole('article', { name: 'Chemical handling' });
      await card.getByText(/^Overdue since/).waitFor();
      const colour = await card.getByText(/^Overdue since/).evaluate((e) => getComputedStyle(e).color);
      assert.equal(colour, 'rgb(166, 27, 27)', 'overdue in dark red (6.5:1 on white)');
      await card.getByText('0 of 2 files').waitFor();
      await checkBothWidths(page, 'the dashboard', 'dashboard');

      await card.getByRole('link', { name: 'Start: Chemical handling' }).click();
      await page.getByRole('heading', { name: 'The checklist', level: 1 }).waitFor();
      // Opened is not enough for this file: the learner says when it is done.
      await page.getByRole('status').filter({ hasText: 'Mark it as done when you have finished.' }).first().waitFor();
      await page.getByRole('button', { name: 'Mark as done' }).click();
      await page.getByRole('status').filter({ hasText: '✓ Done' }).first().waitFor();
      await page.getByRole('button', { name: 'Mark as not done' }).waitFor();
      await page.getByText('1 of 2 files done').waitFor();
      await expectAccessible(page, 'the player with a file the learner marks done', { alsoOnPhone: true });

      await page.goto(`/courses/${courses.invitation}`);
      await page.getByRole('button', { name: 'Leave this course…' }).click();
      await page.getByRole('button', { name: 'Leave the course' }).click();
      await page.getByText(/^You left this course on/).waitFor();
      await page.goto('/');
      await page.getByText('You are not enrolled in any course yet.').waitFor();

      // Its author: current learners by default; Lin is among those who left, with what she had done.
      const authorContext = await browser.newContext({ baseURL: server.url, viewport: WIDE });
      authorContext.setDefaultTimeout(30_000);
      const authorPage = await signInPage(authorContext, 'grace@example.org');
      await authorPage.goto(`/courses/${courses.invitation}`);
      const learners = authorPage.getByRole('table', { name: 'Learners' });
      await learners.getByRole('row', { name: /Max Learner/ }).waitFor();
      assert.equal(await learners.getByRole('row', { name: /Lin Learner/ }).count(), 0, 'current learners only');
      const show = authorPage.getByRole('radiogroup', { name: 'Show learners' });
      assert.equal(await show.getByRole('radio', { name: 'Current (1)' }).isChecked(), true);
      // By keyboard: from the selected filter, the arrow key moves to "Left".
      await show.getByRole('radio', { name: 'Current (1)' }).focus();
      await authorPage.keyboard.press('ArrowRight');
      assert.equal(await show.getByRole('radio', { name: 'Left (1)' }).isChecked(), true);
      const lin = learners.getByRole('row', { name: /Lin Learner/ });
      await lin.getByText(/^Left on /).waitFor();
      await lin.getByText(/\(1 of 2 files\)/).waitFor();
      assert.equal(await learners.getByRole('row', { name: /Max Learner/ }).count(), 0, 'those who left only');
      await checkBothWidths(authorPage, 'the learners who left', 'learners-left');
      await show.getByText('All').click();
      await learners.getByRole('row', { name: /Max Learner/ }).waitFor();
      await learners.getByRole('row', { name: /Lin Learner/ }).getByText(/^Left on /).waitFor();

      await page.goto(`/courses/${courses.invitation}`);
      await page.getByRole('button', { name: 'Enrol again (resume where you were)' }).click();
      await page.getByText('1 of 2 files done').waitFor();
      await page.getByRole('link', { name: 'Continue', exact: true }).click();
      await page.getByRole('heading', { name: 'Hazard labels', level: 1 }).waitFor();

      // Back among the current learners (opening "Hazard labels" did it: 2 of 2 now).
      await authorPage.reload();
      await show.getByRole('radio', { name: 'Current (2)' }).waitFor({ state: 'attached' });
      await learners.getByRole('row', { name: /Lin Learner/ }).getByText(/\([12] of 2 files\)/).waitFor();
      assert.equal(await learners.getByText(/^Left on /).count(), 0);
      await authorContext.close();
      await context.close();
    });
  });
}
