// What an import file becomes before it joins a test set: categories of questions in the test set's
// own shape (images still named by file, not yet assets), the images' bytes, the questions left out
// with the reason, and each question's problems. The parsers (src/server/quizzes/import/) build it;
// the preview shows it; `placeImport` adds it to a test set once the images are assets.
import { z } from 'zod';
import { draftViewSchema } from './drafts.ts';
import { MAX_CATEGORY_DEPTH, type Question, type QuizCategory, type TestSet } from './quiz.ts';
import { matchFraction } from './quiz-editing.ts';
import { validateQuestion } from './quiz-rules.ts';

export const IMPORT_FORMATS = ['moodle-xml', 'gift', 'aiken'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const IMPORT_FORMAT_NAMES: Record<ImportFormat, string> = {
  'moodle-xml': 'Moodle XML',
  gift: 'GIFT',
  aiken: 'Aiken',
};

/** The largest import file read: refused before parsing (a Moodle export with images is rarely past a few MB). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** An image as a question names it before it is stored: the file's name in the import, and its alt text ('' = flagged). */
export interface ImportImageRef {
  file: string;
  alt: string;
}

export interface ImportAnswer {
  text: string;
  image: ImportImageRef | null;
  fraction: number;
  feedback: string;
}

export interface ImportProblem {
  severity: 'error' | 'warning';
  message: string;
}

export interface ImportQuestion {
  /** The question's name in the source (Moodle's name, GIFT's ::title::), or its first words. */
  name: string;
  kind: Question['kind'];
  text: string;
  image: ImportImageRef | null;
  allOrNothing: boolean;
  generalFeedback: string;
  answers: ImportAnswer[];
  /** Moodle's per-question "shuffle answers" (Lectern decides it for the whole test). */
  shuffleAnswers: boolean;
  /** What the author should check: the publishing rules on the question, and what the import changed. */
  problems: ImportProblem[];
}

export interface ImportCategory {
  name: string;
  questions: ImportQuestion[];
  children: ImportCategory[];
}

/** A question that was left out: named, with its kind in the source and the reason. */
export interface SkippedQuestion {
  name: string;
  kind: string;
  reason: string;
}

export interface ImportImage {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

export interface ParsedImport {
  format: ImportFormat;
  /** Questions outside any category of the file (GIFT or Aiken without $CATEGORY): they go into the target category. */
  questions: ImportQuestion[];
  categories: ImportCategory[];
  images: ImportImage[];
  skipped: SkippedQuestion[];
  /** Notes about the file as a whole (categories nested too deep, images GIFT cannot carry…). */
  notes: string[];
}

/** Where confirmed questions go: a new top-level category, or an existing one (by id). */
export const importTargetSchema = z.union([
  z.object({ newCategory: z.string().trim().min(1).max(200) }),
  z.object({ categoryId: z.uuid() }),
]);
export type ImportTarget = z.infer<typeof importTargetSchema>;

// ---- what the preview sends to the browser (images without their bytes) ----

const importImageRefSchema = z.object({ file: z.string(), alt: z.string() });
const importProblemSchema = z.object({ severity: z.enum(['error', 'warning']), message: z.string() });
const importQuestionSchema = z.object({
  name: z.string(),
  kind: z.enum(['single', 'multiple', 'true-false']),
  text: z.string(),
  image: importImageRefSchema.nullable(),
  allOrNothing: z.boolean(),
  generalFeedback: z.string(),
  answers: z.array(
    z.object({ text: z.string(), image: importImageRefSchema.nullable(), fraction: z.number(), feedback: z.string() }),
  ),
  shuffleAnswers: z.boolean(),
  problems: z.array(importProblemSchema),
});
export interface ImportCategoryView {
  name: string;
  questions: ImportQuestion[];
  children: ImportCategoryView[];
}
/**
 * One level per depth, not z.lazy: the parsers flatten below MAX_CATEGORY_DEPTH, and a recursive
 * schema would make a $ref the OpenAPI document cannot resolve.
 */
function importCategorySchemaAt(depth: number): z.ZodType<ImportCategoryView> {
  return z.object({
    name: z.string(),
    questions: z.array(importQuestionSchema),
    children: depth < MAX_CATEGORY_DEPTH ? z.array(importCategorySchemaAt(depth + 1)) : z.array(z.never()).max(0),
  });
}
const importCategorySchema = importCategorySchemaAt(1);
export const importPreviewSchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  fileName: z.string(),
  questions: z.array(importQuestionSchema),
  categories: z.array(importCategorySchema),
  images: z.array(z.object({ name: z.string(), mime: z.string(), size: z.number(), dataUrl: z.string() })),
  skipped: z.array(z.object({ name: z.string(), kind: z.string(), reason: z.string() })),
  notes: z.array(z.string()),
  questionCount: z.number(),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

/** POST /api/drafts/:id/test/import/preview: what the file holds; nothing is stored. */
export const importPreviewResponseSchema = z.object({ preview: importPreviewSchema });
/** POST /api/drafts/:id/test/import: the draft with the questions added, how many, and into which category. */
export const importConfirmResponseSchema = z.object({
  draft: draftViewSchema,
  added: z.number(),
  categoryId: z.string(),
});

// ---- helpers the parsers share ----

/**
 * A grade as a Moodle file writes it (percent: 100, 50, 33.33333, -25) as the test set's fraction:
 * one of Moodle's grade choices when it is one (33.33333 → 0.3333333), else the exact value with a
 * note; null when it is out of -100…100 (the question cannot hold it).
 */
export function fractionFromPercent(percent: number): { fraction: number; note: string | null } | null {
  if (!Number.isFinite(percent) || percent > 100.0001 || percent < -100.0001) return null;
  const exact = Math.max(-1, Math.min(1, percent / 100));
  const choice = matchFraction(exact);
  if (choice !== null) return { fraction: choice, note: null };
  return { fraction: exact, note: `${percent}% is not one of Moodle’s grades; it was kept as it is.` };
}

/** A new question's problems: the publishing rules (with ids and images filled in to check the shape) plus notes. */
export function questionProblems(question: Omit<ImportQuestion, 'problems' | 'name'>): ImportProblem[] {
  const asQuestion: Question = {
    id: '00000000-0000-4000-8000-000000000000',
    kind: question.kind,
    text: question.text,
    image: question.image ? { assetId: '00000000-0000-4000-8000-000000000001', alt: question.image.alt } : null,
    allOrNothing: question.allOrNothing,
    generalFeedback: question.generalFeedback,
    answers: question.answers.map((a, i) => ({
      id: `00000000-0000-4000-8000-${String(i + 2).padStart(12, '0')}`,
      text: a.text,
      image: a.image ? { assetId: '00000000-0000-4000-8000-000000000001', alt: a.image.alt } : null,
      fraction: a.fraction,
      feedback: a.feedback,
    })),
  };
  return validateQuestion(asQuestion, 'question').map((p) => ({ severity: p.severity, message: p.message }));
}

/** What limits a question must meet to be saved in a draft at all (else it is skipped, never cut). */
export function unfitReason(question: Omit<ImportQuestion, 'problems'>): string | null {
  if (question.text.trim() === '' && !question.image) return 'it has no text.';
  if (question.text.length > 5000) return 'its text is longer than 5,000 characters.';
  if (question.generalFeedback.length > 2000) return 'its general feedback is longer than 2,000 characters.';
  if (question.answers.length < 2) return 'it has fewer than two answers.';
  if (question.answers.length > 20) return 'it has more than 20 answers.';
  for (const a of question.answers) {
    if (a.text.trim() === '') return 'one of its answers has no text.';
    if (a.text.length > 1000) return 'one of its answers is longer than 1,000 characters.';
    if (a.feedback.length > 2000) return 'the feedback of one of its answers is longer than 2,000 characters.';
  }
  for (const image of [question.image, ...question.answers.map((a) => a.image)]) {
    if (image && image.alt.length > 300) return 'an image’s alt text is longer than 300 characters.';
  }
  return null;
}

/** "$course$/top/A//B/C" → ["A/B", "C"]: the context and Moodle's "top" dropped, "//" is a slash in a name. */
export function categoryPath(raw: string): string[] {
  const withoutContext = raw.trim().replace(/^\$[a-z0-9]+\$\/?/i, '');
  const parts = withoutContext
    .replace(/\/\//g, '\ue000')
    .split('/')
    .map((p) => p.replace(/\ue000/g, '/').trim())
    .filter((p) => p !== '');
  if (parts[0] === 'top') parts.shift();
  return parts;
}

/**
 * Collects questions into a category tree by path; a child may come before its parent. Empty
 * categories (all their questions skipped) are pruned at the end by `finishCategories`.
 */
export class CategoryTree {
  readonly root: ImportCategory = { name: '', questions: [], children: [] };

  at(path: readonly string[]): ImportCategory {
    let node = this.root;
    for (const name of path) {
      let child = node.children.find((c) => c.name === name);
      if (!child) {
        child = { name: name.slice(0, 200), questions: [], children: [] };
        node.children.push(child);
      }
      node = child;
    }
    return node;
  }

  /** The tree without empty branches, flattened below `maxDepth` (deeper names joined with " / "). */
  finish(maxDepth: number, notes: string[]): ImportCategory[] {
    let flattened = false;
    const prune = (c: ImportCategory, depth: number): ImportCategory | null => {
      let children = c.children.map((child) => prune(child, depth + 1)).filter((x): x is ImportCategory => x !== null);
      let questions = c.questions;
      if (depth >= maxDepth && children.length > 0) {
        // Too deep to nest further: the subcategories' questions join this one, named in their text.
        flattened = true;
        const lifted: ImportQuestion[] = [];
        const lift = (x: ImportCategory) => {
          lifted.push(...x.questions);
          for (const y of x.children) lift(y);
        };
        for (const child of children) lift(child);
        questions = [...questions, ...lifted];
        children = [];
      }
      if (questions.length === 0 && children.length === 0) return null;
      return { name: c.name, questions, children };
    };
    const out = this.root.children.map((c) => prune(c, 1)).filter((x): x is ImportCategory => x !== null);
    if (flattened) {
      notes.push(
        `Categories are nested at most ${MAX_CATEGORY_DEPTH} deep in a test; the questions of deeper categories were put in the deepest category that fits.`,
      );
    }
    return out;
  }
}

/** Every question of a parsed import, categories included, in file order. */
export function importedQuestions(parsed: Pick<ParsedImport, 'questions' | 'categories'>): ImportQuestion[] {
  const out = [...parsed.questions];
  const walk = (c: ImportCategory) => {
    out.push(...c.questions);
    for (const child of c.children) walk(child);
  };
  for (const c of parsed.categories) walk(c);
  return out;
}

/** The depth (1 = top) of the category with this id, or null. */
function depthOf(categories: readonly QuizCategory[], id: string, depth = 1): number | null {
  for (const c of categories) {
    if (c.id === id) return depth;
    const below = depthOf(c.children, id, depth + 1);
    if (below !== null) return below;
  }
  return null;
}

/** The import's categories cut to fit `room` levels (deeper questions lifted into the last level that fits). */
function fitDepth(
  categories: ImportCategory[],
  room: number,
): { categories: ImportCategory[]; lifted: ImportQuestion[] } {
  if (room <= 0) return { categories: [], lifted: importedQuestions({ questions: [], categories }) };
  const tree = new CategoryTree();
  tree.root.children = categories;
  return { categories: tree.finish(room, []), lifted: [] };
}

export type ImageAssets = ReadonlyMap<string, string>;

function toQuestion(q: ImportQuestion, assets: ImageAssets): Question {
  const image = (ref: ImportImageRef | null) => {
    if (!ref) return null;
    const assetId = assets.get(ref.file);
    if (!assetId) throw new Error(`No asset for the imported image ${ref.file}`);
    return { assetId, alt: ref.alt };
  };
  return {
    id: crypto.randomUUID(),
    kind: q.kind,
    text: q.text,
    image: image(q.image),
    allOrNothing: q.allOrNothing,
    generalFeedback: q.generalFeedback,
    answers: q.answers.map((a) => ({
      id: crypto.randomUUID(),
      text: a.text,
      image: image(a.image),
      fraction: a.fraction,
      feedback: a.feedback,
    })),
  };
}

function toCategory(c: ImportCategory, assets: ImageAssets): QuizCategory {
  return {
    id: crypto.randomUUID(),
    name: c.name,
    drawCount: null,
    questions: c.questions.map((q) => toQuestion(q, assets)),
    children: c.children.map((child) => toCategory(child, assets)),
  };
}

/**
 * The test set with the import added (new ids everywhere): into a new top-level category, or into
 * an existing one, its categories nested below as far as the nesting limit allows (deeper questions
 * join the deepest category that fits). Throws when the existing category is not in the test set.
 */
export function placeImport(
  testSet: TestSet,
  parsed: Pick<ParsedImport, 'questions' | 'categories'>,
  target: ImportTarget,
  assets: ImageAssets,
): { testSet: TestSet; categoryId: string } {
  if ('newCategory' in target) {
    const { categories, lifted } = fitDepth(parsed.categories, MAX_CATEGORY_DEPTH - 1);
    const category: QuizCategory = {
      id: crypto.randomUUID(),
      name: target.newCategory,
      drawCount: null,
      questions: [...parsed.questions, ...lifted].map((q) => toQuestion(q, assets)),
      children: categories.map((c) => toCategory(c, assets)),
    };
    return { testSet: { ...testSet, categories: [...testSet.categories, category] }, categoryId: category.id };
  }
  const depth = depthOf(testSet.categories, target.categoryId);
  if (depth === null) throw new Error('No such category');
  const { categories, lifted } = fitDepth(parsed.categories, MAX_CATEGORY_DEPTH - depth);
  const add = (list: QuizCategory[]): QuizCategory[] =>
    list.map((c) =>
      c.id === target.categoryId
        ? {
            ...c,
            questions: [...c.questions, ...[...parsed.questions, ...lifted].map((q) => toQuestion(q, assets))],
            children: [...c.children, ...categories.map((x) => toCategory(x, assets))],
          }
        : c.children.length > 0
          ? { ...c, children: add(c.children) }
          : c,
    );
  return { testSet: { ...testSet, categories: add(testSet.categories) }, categoryId: target.categoryId };
}
