// The wizard's Test step, as an author uses it: two categories of three questions, images with alt
// text on a question and on an answer, a multiple-choice question whose grades do not add up (the
// error shows at the grades, then goes once fixed), a learner's preview, keyboard-only reordering,
// and axe-core on the whole step. What the editor hands on is checked in the draft the server saved.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import type { DraftView } from '../../src/shared/drafts.ts';
import type { TestSet } from '../../src/shared/quiz.ts';
import { newCategory, newQuestion } from '../../src/shared/quiz-editing.ts';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { waitFor } from '../../src/server/testing/wait.ts';
import { expectAccessible, launchBrowser, pickUpByKeyboard, sortingAnnounced } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { setUpAdminInBrowser } from './support/session.ts';

async function api<T>(page: Page, method: 'GET' | 'POST' | 'PATCH', url: string, data?: unknown): Promise<T> {
  const { token } = (await (await page.request.get('/api/auth/csrf')).json()) as { token: string };
  const response = await page.request.fetch(url, { method, headers: { 'x-csrf-token': token }, data });
  assert.ok(response.ok(), `${method} ${url}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

const savedDraft = async (page: Page, id: string) =>
  (await api<{ draft: DraftView }>(page, 'GET', `/api/drafts/${id}`)).draft;

/** Waits until the server has saved a draft for which `check` holds (the wizard saves as the author types). */
async function waitForSaved(page: Page, id: string, what: string, check: (draft: DraftView) => boolean) {
  let last: DraftView | undefined;
  try {
    await waitFor(
      async () => {
        last = await savedDraft(page, id);
        return check(last);
      },
      `the saved draft to have ${what}`,
      15_000,
      250,
    );
  } catch (error) {
    console.error('last saved test set:', JSON.stringify(last?.content.test, null, 2));
    throw error;
  }
  return last as DraftView;
}

/** The text of the elements an element's aria-describedby names: what a screen reader reads with it. */
function describedBy(locator: Locator): Promise<string> {
  return locator.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => (id ? (document.getElementById(id)?.textContent ?? '') : ''))
      .join(' '),
  );
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: the test editor (wizard's Test step)`, () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let dir: string;
    let png: string;
    let draftId: string;

    const category = (name: string) => page.getByRole('region', { name, exact: true });
    const questionToggle = (categoryName: string, n: number) =>
      category(categoryName).getByRole('button', { name: new RegExp(`^Question ${n}: `) });
    /** The question's row and, when open, its editor. */
    const questionItem = (categoryName: string, n: number) =>
      category(categoryName)
        .getByRole('listitem')
        // The inner locator is queried inside each list item.
        .filter({ has: page.getByRole('button', { name: new RegExp(`^Question ${n}: `) }) });
    const questionTexts = (categoryName: string) =>
      category(categoryName)
        .getByRole('button', { name: /^Question \d+: / })
        .evaluateAll((buttons) =>
          buttons.map((b) => (b.querySelector('span')?.textContent ?? '').replace(/^Question \d+: /, '')),
        );

    /**
     * Waits until `check` (run in the page; it reads document.activeElement) holds: the editor moves
     * focus a frame or more after the click or key that asks for it.
     */
    async function focusReaches<A>(what: string, check: (arg: A) => boolean, arg?: A) {
      try {
        await page.waitForFunction(check, arg as A, { polling: 'raf' });
      } catch (error) {
        const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
        throw new Error(`focus did not reach ${what}; it is on ${focused}`, { cause: error });
      }
    }
    const focusedLabel = (label: string) => document.activeElement?.getAttribute('aria-label') === label;

    /**
     * Clicks a button that adds an item and types into the item's first field. The editor focuses
     * (and selects) that field a frame or more after the click: typing before then would go elsewhere.
     */
    async function typeIntoNew(button: Locator, text: string) {
      const before = await page.evaluate(() => document.activeElement?.getAttribute('data-focus-key') ?? '');
      await button.click();
      await focusReaches(
        'the new item’s field',
        (before) => {
          const element = document.activeElement;
          return (
            (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) &&
            (element.getAttribute('data-focus-key') ?? before) !== before
          );
        },
        before,
      );
      await page.keyboard.type(text);
    }

    const announced = (text: string) => sortingAnnounced(page, text);
    const pickUp = (handle: Locator, overAnnouncement: string) => pickUpByKeyboard(page, handle, overAnnouncement);

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-test-editor-'));
      png = path.join(dir, 'sky.png');
      await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3388dd' } })
        .png()
        .toFile(png);
      server = await startServer(dialect);
      browser = await launchBrowser();
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(15_000);
      page = await context.newPage();
      await setUpAdminInBrowser(page);
      draftId = (await api<{ draft: DraftView }>(page, 'POST', '/api/drafts')).draft.id;
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('builds two categories of three questions, saved as they are made', async () => {
      await page.goto(`/drafts/${draftId}/test`);
      await page.getByRole('heading', { name: 'Test settings' }).waitFor();
      await expectAccessible(page, 'the empty Test step');

      for (const name of ['Basics', 'Advanced']) {
        // The new category's name is focused and selected: typing replaces it.
        await typeIntoNew(page.getByRole('button', { name: 'Add a category' }), name);
        const section = category(name);
        await section.waitFor();
        for (const kind of ['Single choice', 'Multiple choice', 'True/false']) {
          // The new question opens with its text focused and selected.
          await typeIntoNew(
            section.getByRole('group', { name: `Add a question to ${name}` }).getByRole('button', { name: kind }),
            `${name}: a ${kind.toLowerCase()} question`,
          );
          if (kind === 'True/false') continue;
          // Its answers start empty, and nothing is red before the author has been there.
          const item = section.getByRole('listitem').filter({ hasText: `${name}: a ${kind.toLowerCase()} question` });
          const answer = (n: number) => item.getByRole('textbox', { name: `Answer ${n}`, exact: true });
          assert.equal(await answer(1).inputValue(), '');
          assert.equal(await item.locator('[aria-invalid="true"]').count(), 0, `a new ${kind} question shows no error`);
          if (name === 'Basics' && kind === 'Single choice') {
            // Left empty, an answer says what it lacks.
            await answer(1).focus();
            await answer(2).focus();
            await waitFor(
              async () => (await answer(1).getAttribute('aria-invalid')) === 'true',
              'the left answer to be flagged',
            );
            assert.equal(await answer(2).getAttribute('aria-invalid'), null, 'the answer being written is not flagged');
          }
          for (const n of [1, 2, 3]) await answer(n).fill(`Answer ${n}`);
        }
      }
      const draft = await waitForSaved(
        page,
        draftId,
        'two categories of three questions',
        (d) =>
          d.content.test.categories.length === 2 &&
          d.content.test.categories.every((c) => c.questions.length === 3) &&
          d.content.test.categories[1]?.questions[2]?.text === 'Advanced: a true/false question',
      );
      const [basics, advanced] = draft.content.test.categories;
      assert.deepEqual([basics?.name, advanced?.name], ['Basics', 'Advanced']);
      assert.deepEqual(
        basics?.questions.map((q) => q.kind),
        ['single', 'multiple', 'true-false'],
      );
      assert.deepEqual(
        basics?.questions[2]?.answers.map((a) => [a.text, a.fraction]),
        [
          ['True', 1],
          ['False', 0],
        ],
      );
      await page.getByText('No problems: the test can be published as it is.').waitFor();
    });

    it('puts an image with alt text on a question and on one of its answers', async () => {
      const basics = category('Basics');
      const questionImage = basics.getByRole('group', { name: 'Question image' }).first();
      let chooser = page.waitForEvent('filechooser');
      await questionImage.getByRole('button', { name: 'Add an image to the question' }).click();
      await (await chooser).setFiles(png);
      // Until the image is described, the alt text field says what is missing (and nothing is saved).
      const alt = questionImage.getByRole('textbox', { name: 'Alt text' });
      await assert.doesNotReject(alt.waitFor());
      assert.equal(await alt.getAttribute('aria-invalid'), 'true');
      await alt.fill('A clear blue sky');
      await questionImage.getByRole('img', { name: 'A clear blue sky' }).waitFor({ timeout: 60_000 });

      const answerImage = basics.getByRole('group', { name: 'Image for answer 1' }).first();
      chooser = page.waitForEvent('filechooser');
      await answerImage.getByRole('button', { name: 'Add an image to answer 1' }).click();
      await (await chooser).setFiles(png);
      await answerImage.getByRole('textbox', { name: 'Alt text' }).fill('A blue square');
      await answerImage.getByRole('img', { name: 'A blue square' }).waitFor({ timeout: 60_000 });

      const draft = await waitForSaved(page, draftId, 'both images with alt text', (d) => {
        const q = d.content.test.categories[0]?.questions[0];
        return q?.image?.alt === 'A clear blue sky' && q.answers[0]?.image?.alt === 'A blue square';
      });
      const q = draft.content.test.categories[0]?.questions[0];
      const asset = await api<{ asset: { kind: string; state: string } }>(
        page,
        'GET',
        `/api/assets/${q?.image?.assetId}`,
      );
      assert.deepEqual([asset.asset.kind, asset.asset.state], ['image', 'ready']);

      // An image taken out again is deleted from the server once the draft is saved without it.
      const third = basics.getByRole('group', { name: 'Image for answer 2' }).first();
      chooser = page.waitForEvent('filechooser');
      await third.getByRole('button', { name: 'Add an image to answer 2' }).click();
      await (await chooser).setFiles(png);
      await third.getByRole('textbox', { name: 'Alt text' }).fill('Passing clouds');
      await third.getByRole('img', { name: 'Passing clouds' }).waitFor({ timeout: 60_000 });
      const withThird = await waitForSaved(
        page,
        draftId,
        'a third image',
        (d) => d.content.test.categories[0]?.questions[0]?.answers[1]?.image?.alt === 'Passing clouds',
      );
      const thirdId = withThird.content.test.categories[0]?.questions[0]?.answers[1]?.image?.assetId;
      await third.getByRole('button', { name: 'Remove the image of answer 2' }).click();
      await waitFor(
        async () => (await page.request.get(`/api/assets/${thirdId}`)).status() === 404,
        'the removed image to be deleted',
      );
      assert.equal((await page.request.get(`/api/assets/${q?.image?.assetId}`)).status(), 200, 'the others stay');
      await expectAccessible(page, 'the Test step with images');
    });

    it('shows a multiple-choice question whose grades do not add up, then accepts the fix', async () => {
      // Questions opened while being added stay open; question 2 is the multiple-choice one.
      assert.equal(await questionToggle('Basics', 2).getAttribute('aria-expanded'), 'true');
      const item = questionItem('Basics', 2);
      const fractions = (d: DraftView) => JSON.stringify(d.content.test.categories[0]?.questions[1]?.answers.map((a) => a.fraction));
      // Plain grading first: "correct" checkboxes share 100% equally.
      await item.getByRole('checkbox', { name: 'Answer 3 is correct' }).check();
      await waitForSaved(page, draftId, 'three correct answers', (d) => fractions(d) === '[0.3333333,0.3333333,0.3333333]');
      await item.getByRole('checkbox', { name: 'Answer 3 is correct' }).uncheck();
      await waitForSaved(page, draftId, 'two correct answers', (d) => fractions(d) === '[0.5,0.5,0]');
      // Partial credit needs Moodle's grade menus.
      await item.getByRole('switch', { name: 'Advanced grading' }).check();
      const grade = (n: number) => item.getByRole('combobox', { name: `Grade for answer ${n}` });
      await grade(2).selectOption({ label: '30%' });
      const message = 'The correct answers’ marks add up to 80%; they must add up to 100%.';
      // Shown once above the answers (and read with each grade, as its description).
      await questionItem('Basics', 2).getByText(message, { exact: true }).first().waitFor();
      for (const n of [1, 2, 3]) {
        assert.match(await describedBy(grade(n)), /add up to 80%/, `grade ${n} is described by the error`);
      }
      await page.getByText('1 error — errors must be fixed before publishing').waitFor();
      await expectAccessible(page, 'the Test step with an error');
      await waitForSaved(page, draftId, 'grades 50/30/0', (d) => {
        const q = d.content.test.categories[0]?.questions[1];
        return JSON.stringify(q?.answers.map((a) => a.fraction)) === '[0.5,0.3,0]';
      });

      // The Review step lists it; its link opens the question on the Test step with the grades focused.
      await page.goto(`/drafts/${draftId}/review`);
      await page.getByRole('listitem').filter({ hasText: message }).getByRole('link', { name: 'Fix in Test' }).click();
      await page.getByRole('heading', { name: 'Test settings' }).waitFor();
      await focusReaches(
        'the first grade of the question',
        () => document.activeElement?.getAttribute('data-path') === 'test.categories.0.questions.1.answers',
      );
      assert.equal(await questionToggle('Basics', 2).getAttribute('aria-expanded'), 'true');
      assert.equal(await questionToggle('Basics', 1).getAttribute('aria-expanded'), 'false');

      await grade(3).selectOption({ label: '20%' });
      await page.getByText('No problems: the test can be published as it is.').waitFor();
      assert.doesNotMatch(await describedBy(grade(2)), /add up/);
      await waitForSaved(page, draftId, 'grades 50/30/20', (d) => {
        const q = d.content.test.categories[0]?.questions[1];
        return JSON.stringify(q?.answers.map((a) => a.fraction)) === '[0.5,0.3,0.2]';
      });
    });

    it('moves the single-choice answer with one click', async () => {
      const toggle = questionToggle('Basics', 1);
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
      const item = questionItem('Basics', 1);
      const fractions = (d: DraftView) => JSON.stringify(d.content.test.categories[0]?.questions[0]?.answers.map((a) => a.fraction));
      const before = fractions(await savedDraft(page, draftId));
      await item.getByRole('radio', { name: 'Answer 2 is correct' }).check();
      await waitForSaved(page, draftId, 'answer 2 correct', (d) => fractions(d) === '[0,1,0]');
      assert.equal(await item.getByRole('radio', { name: 'Answer 1 is correct' }).isChecked(), false);
      await item.getByRole('radio', { name: 'Answer 1 is correct' }).check();
      await waitForSaved(page, draftId, 'answer 1 correct again', (d) => fractions(d) === before);
      await expectAccessible(page, 'the plain grading of a single-choice question');
    });

    it('previews a question as a learner sees it', async () => {
      await category('Basics').getByRole('button', { name: 'Preview question 2' }).click();
      const dialog = page.getByRole('dialog', { name: 'Preview: question 2 as learners see it' });
      await dialog.waitFor();
      await dialog.getByText('Basics: a multiple choice question').waitFor();
      const boxes = dialog.getByRole('checkbox');
      assert.equal(await boxes.count(), 3);
      assert.equal(await dialog.getByText('50%').count(), 0, 'no grades are shown');
      await dialog.getByRole('checkbox', { name: 'Answer 1' }).check();
      await dialog.getByRole('checkbox', { name: 'Answer 3' }).check();
      await dialog.getByText('With these choices a learner would score 70%.').waitFor();
      await expectAccessible(page, 'the question preview');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      // A question with an image shows it, described by its alt text.
      await category('Basics').getByRole('button', { name: 'Preview question 1' }).click();
      const first = page.getByRole('dialog', { name: 'Preview: question 1 as learners see it' });
      await first.getByRole('img', { name: 'A clear blue sky' }).waitFor();
      await first.getByRole('radio', { name: /A blue square/ }).waitFor();
      await page.keyboard.press('Escape');
    });

    it('reorders questions with the keyboard only', async () => {
      const before = await questionTexts('Advanced');
      assert.equal(before.length, 3);
      // Move buttons: Enter moves the question, and focus stays on its button to go on.
      await category('Advanced').getByRole('button', { name: 'Move question 6 up' }).focus();
      await page.keyboard.press('Enter');
      // The row moved in the document, which takes focus from its button; the editor gives it back a frame later.
      await focusReaches('the moved question’s button', focusedLabel, 'Move question 5 up');
      await page.keyboard.press('Enter');
      const moved = await questionTexts('Advanced');
      assert.deepEqual(moved, [before[2], before[0], before[1]]);
      // The first question cannot go further up: focus goes to its other move button.
      await focusReaches('the first question’s other move button', focusedLabel, 'Move question 4 down');

      // The drag handle, by keyboard: space picks up, arrow down moves, space drops.
      await pickUp(
        category('Advanced').getByRole('button', { name: 'Drag question 4 to reorder it' }),
        'Question 4 is over position 1 of 3.',
      );
      await page.keyboard.press('ArrowDown');
      await announced('Question 4 is over position 2 of 3.');
      await page.keyboard.press('Space');
      await announced('Question 4 dropped at position 2 of 3.');
      await waitFor(async () => (await questionTexts('Advanced'))[1] === before[2], 'the keyboard drag', 5_000);
      const expected = [
        'Advanced: a single choice question',
        'Advanced: a true/false question',
        'Advanced: a multiple choice question',
      ];
      await waitForSaved(
        page,
        draftId,
        'the new order',
        (d) => JSON.stringify(d.content.test.categories[1]?.questions.map((q) => q.text)) === JSON.stringify(expected),
      );

      // Categories too: Advanced dragged above Basics by keyboard, then Basics moved back up with its button.
      const categoryNames = () => page.locator('[id^="category-heading-"]').allTextContents();
      await pickUp(
        page.getByRole('button', { name: 'Drag category Advanced to reorder it' }),
        'Category Advanced is over position 2 of 2.',
      );
      await page.keyboard.press('ArrowUp');
      await announced('Category Advanced is over position 1 of 2.');
      await page.keyboard.press('Space');
      await announced('Category Advanced dropped at position 1 of 2.');
      const namesAre = (expected: string[]) => async () =>
        JSON.stringify(await categoryNames()) === JSON.stringify(expected);
      await waitFor(namesAre(['Advanced', 'Basics']), 'Advanced above Basics', 5_000);
      await waitForSaved(page, draftId, 'Advanced first', (d) => d.content.test.categories[0]?.name === 'Advanced');
      await page.getByRole('button', { name: 'Move category Basics up' }).focus();
      await page.keyboard.press('Enter');
      await waitFor(namesAre(['Basics', 'Advanced']), 'Basics above Advanced', 5_000);
      await waitForSaved(page, draftId, 'Basics first again', (d) => d.content.test.categories[0]?.name === 'Basics');
      await expectAccessible(page, 'the Test step after reordering');
    });

    it('nests a category, limits its draw, and moves, duplicates, retypes and deletes questions', async () => {
      const advanced = category('Advanced');
      await typeIntoNew(advanced.getByRole('button', { name: 'Add a subcategory to Advanced' }), 'Deeper');
      const deeper = category('Deeper (subcategory, level 2)');
      await deeper.waitFor();
      await page.getByText('Category Deeper has no questions.').first().waitFor();
      await page.getByText('1 warning', { exact: true }).first().waitFor();
      await expectAccessible(page, 'the Test step with a warning');

      // Draw more than the category has: the field says so, until the number fits.
      const draw = advanced.getByRole('textbox', { name: 'Questions drawn per attempt' }).first();
      await draw.fill('9');
      await advanced.getByText('Category Advanced has only 3 questions; it cannot draw 9.').first().waitFor();
      assert.equal(await draw.getAttribute('aria-invalid'), 'true');
      await draw.fill('2');
      await waitFor(async () => (await draw.getAttribute('aria-invalid')) === null, 'the draw count to be accepted');

      // Move Advanced's first question into Deeper: it goes with its editor open and focus on its category.
      // Questions are numbered across the test: Basics holds 1 to 3, Advanced 4 to 6.
      await questionToggle('Advanced', 4).click();
      const moving = questionItem('Advanced', 4);
      await moving.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Advanced › Deeper' });
      await deeper.getByRole('button', { name: /^Question 6: Advanced: a single choice question/ }).waitFor();
      await focusReaches(
        'the moved question’s category',
        () => document.activeElement?.getAttribute('data-focus-key')?.endsWith(':category') ?? false,
      );
      await waitFor(
        async () => (await page.getByText('Category Deeper has no questions.').count()) === 0,
        'no empty category',
      );

      // Duplicate it; change the copy to true/false (cancelled once, then confirmed); delete the copy.
      await deeper.getByRole('button', { name: 'Duplicate question 6' }).click();
      await deeper.getByRole('button', { name: /^Question 7: / }).waitFor();
      const copy = questionItem('Deeper (subcategory, level 2)', 7);
      const kind = copy.getByRole('combobox', { name: 'Question type' });
      await kind.selectOption({ label: 'True/false' });
      const retype = page.getByRole('dialog', { name: 'Make question 7 a true/false question?' });
      await retype.waitFor();
      await expectAccessible(page, 'the confirmation dialog');
      await retype.getByRole('button', { name: 'Keep it single choice' }).click();
      await retype.waitFor({ state: 'hidden' });
      assert.equal(await kind.inputValue(), 'single');
      await kind.selectOption({ label: 'True/false' });
      await retype.getByRole('button', { name: 'Make it true/false' }).click();
      await copy.getByRole('radiogroup', { name: 'Correct answer' }).waitFor();
      assert.deepEqual(
        await copy
          .getByRole('textbox', { name: /^Answer \d$/ })
          .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)),
        ['True', 'False'],
      );
      await copy.getByRole('button', { name: 'Delete question 7' }).click();
      await page
        .getByRole('dialog', { name: 'Delete question 7?' })
        .getByRole('button', { name: 'Delete the question' })
        .click();
      await waitFor(
        async () => (await deeper.getByRole('button', { name: /^Question \d+: / }).count()) === 1,
        'one question left',
      );
      await focusReaches(
        'the remaining question',
        () => document.activeElement?.textContent?.startsWith('Question 6: ') ?? false,
      );

      // Delete the subcategory (it asks first): focus goes back to its parent's heading.
      await deeper.getByRole('button', { name: 'Delete category Deeper' }).click();
      const remove = page.getByRole('dialog', { name: 'Delete the category Deeper?' });
      await remove.getByText('Deleting it also deletes 1 question.').waitFor();
      await remove.getByRole('button', { name: 'Delete the category' }).click();
      await deeper.waitFor({ state: 'detached' });
      await focusReaches('the parent’s heading', () => document.activeElement?.textContent === 'Advanced');

      const draft = await waitForSaved(page, draftId, 'Advanced with two questions, drawing two', (d) => {
        const c = d.content.test.categories[1];
        return c?.questions.length === 2 && c.children.length === 0 && c.drawCount === 2;
      });
      assert.equal(draft.content.test.categories[0]?.questions.length, 3, 'Basics is untouched');
      await expectAccessible(page, 'the Test step at the end');
    });

    it('collapses a 30-question test to fit in two screen heights, and expands it again', async () => {
      const created = (await api<{ draft: DraftView }>(page, 'POST', '/api/drafts')).draft;
      const questionsOf = (from: number, count: number) =>
        Array.from({ length: count }, (_, i) => ({
          ...newQuestion(i % 3 === 2 ? 'true-false' : i % 3 === 1 ? 'multiple' : 'single'),
          text: `Long test question number ${from + i}, with a text long enough to be cut short on one line when it is collapsed`,
        })).map((q) => ({ ...q, answers: q.answers.map((a, n) => ({ ...a, text: a.text || `Choice ${n + 1}` })) }));
      const test: TestSet = {
        settings: created.content.test.settings,
        categories: [{ ...newCategory('Question bank'), questions: questionsOf(1, 30) }],
      };
      await api(page, 'PATCH', `/api/drafts/${created.id}`, { revision: created.revision, test });
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(`/drafts/${created.id}/test`);
      const questions = page.getByRole('region', { name: 'Questions', exact: true });
      const toggles = questions.getByRole('button', { name: /^Question \d+: / });
      await toggles.nth(29).waitFor();
      // Numbered 1..30 in the order shown.
      const numbers = await toggles.evaluateAll((buttons) =>
        buttons.map((b) => Number(/^Question (\d+):/.exec(b.textContent ?? '')?.[1])),
      );
      assert.deepEqual(
        numbers,
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      await page.getByRole('button', { name: /^Question 16: Long test question number 16,/ }).waitFor();

      const height = () => questions.evaluate((element) => element.getBoundingClientRect().height);
      await page.getByRole('button', { name: 'Expand all questions' }).click();
      await waitFor(
        async () =>
          (await toggles.evaluateAll((b) => b.filter((t) => t.getAttribute('aria-expanded') === 'true').length)) === 30,
        'every question to open',
      );
      const expanded = await height();
      await page.getByRole('button', { name: 'Collapse all questions' }).click();
      await waitFor(
        async () =>
          (await toggles.evaluateAll((b) => b.filter((t) => t.getAttribute('aria-expanded') === 'false').length)) ===
          30,
        'every question to close',
      );
      const collapsed = await height();
      assert.ok(collapsed <= 2 * 768, `30 collapsed questions take ${collapsed} px, more than two screens of 768 px`);
      assert.ok(expanded > 4 * collapsed, `expanded ${expanded} px against collapsed ${collapsed} px`);
      // A collapsed row is one line: its toggle is no taller than its buttons.
      const rowHeights = await toggles.evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().height));
      assert.ok(Math.max(...rowHeights) < 32, `collapsed rows are one line (${Math.max(...rowHeights)} px)`);

      // The keyboard help lists what the keys do.
      await page.getByText('Keyboard shortcuts').click();
      await page.getByText('pick the item up; then ↑ and ↓ move it', { exact: false }).waitFor();
      await expectAccessible(page, 'a collapsed 30-question test with the keyboard help open');
    });
  });
}
