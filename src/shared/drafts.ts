// A course draft as the wizard edits it: saved section by section, with a revision number so a
// stale tab cannot overwrite newer work.
import { z } from 'zod';
import { type CertificateSettings, certificateSettingsSchema, DEFAULT_CERTIFICATE_SETTINGS } from './certificates.ts';
import { allQuestions, type TestSet, testSetSchema } from './quiz.ts';

export const WIZARD_STEPS = ['basics', 'files', 'test', 'review'] as const;
export const wizardStepSchema = z.enum(WIZARD_STEPS);
export type WizardStep = z.infer<typeof wizardStepSchema>;

export const basicsSchema = z.object({
  title: z.string().trim().max(200, 'Title must be at most 200 characters'),
  versionLabel: z.string().trim().max(50, 'Version label must be at most 50 characters'),
  shortDescription: z.string().max(5000, 'Short description must be at most 5000 characters'),
  topics: z.array(z.string().trim().min(1, 'A topic cannot be empty').max(200)).max(50, 'At most 50 topics'),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Language must be a language tag such as en or pt-BR'),
  coverAssetId: z.uuid().nullable(),
});
export type Basics = z.infer<typeof basicsSchema>;

export const draftFileSchema = z.object({
  assetId: z.uuid(),
  title: z.string().trim().min(1, 'A file needs a title').max(200),
  description: z.string().max(5000),
  required: z.boolean(),
  /** The learner marks it as done, instead of the rule its kind follows (played, every page seen, opened). */
  learnerMarksDone: z.boolean().optional(),
});
export type DraftFile = z.infer<typeof draftFileSchema>;

export const draftContentSchema = z.object({
  basics: basicsSchema,
  /** In the order learners see them. */
  files: z.array(draftFileSchema).max(500, 'At most 500 files'),
  test: testSetSchema,
  /** What the course's certificates will look like: written to the course when it is published. */
  certificate: certificateSettingsSchema,
});
export type DraftContent = { basics: Basics; files: DraftFile[]; test: TestSet; certificate: CertificateSettings };

export const EMPTY_DRAFT_CONTENT: DraftContent = {
  basics: { title: '', versionLabel: '', shortDescription: '', topics: [], language: 'en', coverAssetId: null },
  files: [],
  test: testSetSchema.parse({}),
  certificate: DEFAULT_CERTIFICATE_SETTINGS,
};

/** Every asset a draft's content points at: files, the cover, question and answer images, the certificate's signature. */
export function assetIdsOf(content: DraftContent): string[] {
  const ids = content.files.map((f) => f.assetId);
  if (content.basics.coverAssetId) ids.push(content.basics.coverAssetId);
  if (content.certificate?.template.signatureAssetId) ids.push(content.certificate.template.signatureAssetId);
  for (const question of allQuestions(content.test.categories)) {
    if (question.image) ids.push(question.image.assetId);
    for (const answer of question.answers) if (answer.image) ids.push(answer.image.assetId);
  }
  return [...new Set(ids)];
}

/** A save: the revision the browser last saw, and the sections it changes. */
export const draftUpdateSchema = z
  .object({
    revision: z.number().int().min(1),
    step: wizardStepSchema.optional(),
    basics: basicsSchema.optional(),
    files: draftContentSchema.shape.files.optional(),
    test: testSetSchema.optional(),
    certificate: certificateSettingsSchema.optional(),
  })
  .refine(
    (u) =>
      u.step !== undefined ||
      u.basics !== undefined ||
      u.files !== undefined ||
      u.test !== undefined ||
      u.certificate !== undefined,
    'Nothing to save',
  );
export type DraftUpdate = z.infer<typeof draftUpdateSchema>;

export const draftViewSchema = z.object({
  id: z.string(),
  /** The published course this draft edits (its next version), or null for a new course. */
  courseId: z.string().nullable(),
  /** The version it started from, or null. */
  baseVersion: z.number().nullable(),
  revision: z.number(),
  step: wizardStepSchema,
  /** The steps the author has opened, in wizard order (the current one included). */
  visitedSteps: z.array(wizardStepSchema),
  content: draftContentSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DraftView = Omit<z.infer<typeof draftViewSchema>, 'content'> & { content: DraftContent };

/** The answers carrying one draft (create, read, save, start editing a course). */
export const draftResponseSchema = z.object({ draft: draftViewSchema });
/** GET /api/drafts: the signed-in author's drafts. */
export const draftsResponseSchema = z.object({ drafts: z.array(draftViewSchema) });

/** The visited steps once `step` is opened too, in wizard order; anything unknown is dropped. */
export function withVisited(visited: readonly unknown[], step: WizardStep): WizardStep[] {
  return WIZARD_STEPS.filter((s) => s === step || visited.includes(s));
}
