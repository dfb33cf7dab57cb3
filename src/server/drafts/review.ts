// What the Review step shows: errors that block publishing and warnings that do not, each tied to
// the wizard step where the author fixes it. A pure function of the draft and its files' states.
import type { AssetState } from '../../shared/assets.ts';
import type { DraftContent } from '../../shared/drafts.ts';
import type { ReviewProblem } from '../../shared/review.ts';
import { walkCategories } from '../../shared/quiz.ts';
import { validateTestSet } from '../quizzes/rules.ts';

export type { ReviewProblem };

export interface FileState {
  name: string;
  state: AssetState;
  reason: string | null;
}

export function reviewDraft(content: DraftContent, files: ReadonlyMap<string, FileState>): ReviewProblem[] {
  const problems: ReviewProblem[] = [];
  if (content.basics.title.trim() === '') {
    problems.push({ step: 'basics', path: 'basics.title', code: 'title-missing', message: 'The course needs a title.', severity: 'error' });
  }
  if (content.files.length === 0) {
    problems.push({ step: 'files', path: 'files', code: 'no-files', message: 'The course has no files yet.', severity: 'warning' });
  }
  content.files.forEach((file, index) => {
    const path = `files.${index}`;
    const state = files.get(file.assetId);
    const name = file.title || state?.name || 'A file';
    if (!state || state.state === 'missing') {
      problems.push({ step: 'files', path, code: 'file-missing', message: `${name}: the file is missing. Upload it again.`, severity: 'error' });
    } else if (state.state === 'failed') {
      problems.push({
        step: 'files',
        path,
        code: 'file-failed',
        message: `${name} could not be processed${state.reason ? `: ${state.reason}` : '.'} Remove it or upload it again.`,
        severity: 'error',
      });
    } else if (state.state !== 'ready') {
      problems.push({
        step: 'files',
        path,
        code: 'file-processing',
        message: `${name} is still being processed; learners will see it as soon as it is ready.`,
        severity: 'warning',
      });
    }
  });
  problems.push(...imageProblems(content, files));
  for (const p of validateTestSet(content.test)) {
    problems.push({ step: 'test', path: `test.${p.path}`, code: p.code, message: p.message, severity: p.severity });
  }
  return problems;
}

/** The cover, the test's images and the certificate's signature: one that is gone blocks publishing, one that failed too. */
function imageProblems(content: DraftContent, files: ReadonlyMap<string, FileState>): ReviewProblem[] {
  const problems: ReviewProblem[] = [];
  const check = (assetId: string, step: ReviewProblem['step'], path: string, what: string) => {
    const state = files.get(assetId);
    if (!state || state.state === 'missing') {
      problems.push({ step, path, code: 'image-missing', message: `${what}: the image is missing. Choose it again or remove it.`, severity: 'error' });
    } else if (state.state === 'failed') {
      problems.push({
        step,
        path,
        code: 'image-failed',
        message: `${what}: the image could not be processed${state.reason ? ` (${state.reason.replace(/\.$/, '')})` : ''}. Choose another one.`,
        severity: 'error',
      });
    }
  };
  if (content.basics.coverAssetId) check(content.basics.coverAssetId, 'basics', 'basics.coverAssetId', 'The cover image');
  const signature = content.certificate?.template.signatureAssetId;
  if (signature) check(signature, 'review', 'certificate.template.signatureAssetId', 'The certificate signature');
  walkCategories(content.test.categories, (category, categoryPath) => {
    category.questions.forEach((question, q) => {
      const path = `test.${categoryPath}.questions.${q}`;
      if (question.image) check(question.image.assetId, 'test', `${path}.image`, `${category.name}, question ${q + 1}`);
      question.answers.forEach((answer, a) => {
        if (answer.image) check(answer.image.assetId, 'test', `${path}.answers.${a}.image`, `${category.name}, question ${q + 1}, answer ${a + 1}`);
      });
    });
  });
  return problems;
}
