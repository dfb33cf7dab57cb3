import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_DRAFT_CONTENT } from '../../shared/drafts.ts';
import { type FileState, reviewDraft } from './review.ts';

const file = (assetId: string, title: string) => ({ assetId, title, description: '', required: true });
const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'] as const;

describe('draft review', () => {
  it('blocks an empty title and a test without questions, and warns about a course without files', () => {
    const problems = reviewDraft(EMPTY_DRAFT_CONTENT, new Map());
    assert.deepEqual(
      problems.map((p) => `${p.severity} ${p.step} ${p.code}`),
      ['error basics title-missing', 'warning files no-files', 'error test no-questions'],
    );
  });

  it('blocks a failed or missing file and only warns about one still processing', () => {
    const content = {
      ...EMPTY_DRAFT_CONTENT,
      basics: { ...EMPTY_DRAFT_CONTENT.basics, title: 'Safety' },
      files: [file(ids[0], 'Lecture video'), file(ids[1], 'Handout'), file(ids[2], 'Slides')],
      test: { ...EMPTY_DRAFT_CONTENT.test, settings: { ...EMPTY_DRAFT_CONTENT.test.settings, enabled: false } },
    };
    const states = new Map<string, FileState>([
      [ids[0], { name: 'lecture.mp4', state: 'processing', reason: null }],
      [ids[1], { name: 'handout.pdf', state: 'failed', reason: 'The PDF is damaged or is not a PDF.' }],
    ]);
    const problems = reviewDraft(content, states);
    assert.deepEqual(
      problems.filter((p) => p.step === 'files').map((p) => [p.path, p.severity, p.code]),
      [
        ['files.0', 'warning', 'file-processing'],
        ['files.1', 'error', 'file-failed'],
        ['files.2', 'error', 'file-missing'],
      ],
    );
    assert.match(problems.find((p) => p.code === 'file-failed')?.message ?? '', /^Handout could not be processed: The PDF is damaged/);
  });

  it('blocks a cover or a question or answer image that is gone or failed', () => {
    const answer = (text: string, fraction: number, image: string | null) => ({
      id: crypto.randomUUID(),
      text,
      fraction,
      feedback: '',
      image: image ? { assetId: image, alt: 'A picture' } : null,
    });
    const content = {
      ...EMPTY_DRAFT_CONTENT,
      basics: { ...EMPTY_DRAFT_CONTENT.basics, title: 'Safety', coverAssetId: ids[0] },
      test: {
        ...EMPTY_DRAFT_CONTENT.test,
        categories: [
          {
            id: crypto.randomUUID(),
            name: 'Fire',
            drawCount: null,
            children: [],
            questions: [
              {
                id: crypto.randomUUID(),
                kind: 'single' as const,
                text: 'Which?',
                image: { assetId: ids[1], alt: 'An extinguisher' },
                allOrNothing: false,
                generalFeedback: '',
                answers: [answer('CO2', 1, ids[2]), answer('Water', 0, null)],
              },
            ],
          },
        ],
      },
    };
    const states = new Map<string, FileState>([[ids[1], { name: 'q.png', state: 'failed', reason: 'Not an image.' }]]);
    assert.deepEqual(
      reviewDraft(content, states)
        .filter((p) => p.code.startsWith('image-'))
        .map((p) => [p.step, p.path, p.code]),
      [
        ['basics', 'basics.coverAssetId', 'image-missing'],
        ['test', 'test.categories.0.questions.0.image', 'image-failed'],
        ['test', 'test.categories.0.questions.0.answers.0.image', 'image-missing'],
      ],
    );
  });

  it('blocks a certificate signature image that failed or is gone, on the Review step itself', () => {
    const withSignature = {
      ...EMPTY_DRAFT_CONTENT,
      certificate: {
        ...EMPTY_DRAFT_CONTENT.certificate,
        template: { ...EMPTY_DRAFT_CONTENT.certificate.template, signatureAssetId: ids[0] },
      },
    };
    const signatureProblems = (states: Map<string, FileState>) =>
      reviewDraft(withSignature, states)
        .filter((p) => p.code.startsWith('image-'))
        .map((p) => [p.step, p.path, p.code, p.severity]);
    const path = 'certificate.template.signatureAssetId';
    assert.deepEqual(signatureProblems(new Map([[ids[0], { name: 's.png', state: 'failed', reason: 'Not an image.' }]])), [
      ['review', path, 'image-failed', 'error'],
    ]);
    assert.deepEqual(signatureProblems(new Map()), [['review', path, 'image-missing', 'error']]);
    assert.deepEqual(signatureProblems(new Map([[ids[0], { name: 's.png', state: 'ready', reason: null }]])), []);
  });
});
