// Moodle XML question files (question/format/xml): categories, multichoice (single and multiple),
// multichoiceset (all-or-nothing), truefalse; images as base64 <file> (@@PLUGINFILE@@) or Moodle
// 1.9's <image>/<image_base64>. The XML parser never resolves entities, and a file with a DOCTYPE
// is refused before parsing, so neither external entities nor entity expansion can happen.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  CategoryTree,
  categoryPath as categoryParts,
  fractionFromPercent,
  type ImportAnswer,
  type ImportImage,
  type ImportImageRef,
  type ImportProblem,
  type ImportQuestion,
  type ParsedImport,
  questionProblems,
  type SkippedQuestion,
  unfitReason,
} from '../../../shared/quiz-import.ts';
import { MAX_CATEGORY_DEPTH } from '../../../shared/quiz.ts';
import { ImportError } from './errors.ts';
import {
  asMarkdown,
  asPlain,
  decodeEntities,
  decodePath,
  embeddedLinks,
  type FoundImage,
  firstWords,
  imageMimeFromName,
  takeImages,
  type TextFormat,
  textFormat,
} from './text.ts';

type Node = Record<string, unknown>;

const KIND_REASONS: Record<string, string> = {
  essay: 'Lectern has no essay questions (they are marked by hand).',
  shortanswer: 'Lectern has no short-answer questions (typed answers).',
  numerical: 'Lectern has no numerical questions (typed answers).',
  calculated: 'Lectern has no calculated questions.',
  calculatedsimple: 'Lectern has no calculated questions.',
  calculatedmulti: 'Lectern has no calculated questions.',
  matching: 'Lectern has no matching questions.',
  randomsamatch: 'Lectern has no matching questions.',
  cloze: 'Lectern has no embedded-answers (cloze) questions.',
  multianswer: 'Lectern has no embedded-answers (cloze) questions.',
  description: 'A description is not a question; Lectern has no place for it in a test.',
  ddwtos: 'Lectern has no drag-and-drop questions.',
  ddimageortext: 'Lectern has no drag-and-drop questions.',
  ddmarker: 'Lectern has no drag-and-drop questions.',
  gapselect: 'Lectern has no select-missing-words questions.',
  random: 'Lectern has no random-question placeholders; use a category’s draw count.',
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Entities are never expanded; the five XML ones and character references are decoded by us.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '__cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ['question', 'answer', 'file', 'text', 'tag'].includes(name),
});

/** The text of an element: its CDATA raw, its other text with XML character references decoded. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return decodeEntities(value);
  if (Array.isArray(value)) return value.map(textOf).join('');
  if (typeof value === 'object') {
    const node = value as Node;
    let out = '';
    if (node['#text'] !== undefined) out += textOf(node['#text']);
    if (node.__cdata !== undefined) {
      const cdata = node.__cdata;
      out += Array.isArray(cdata) ? cdata.map(String).join('') : String(cdata);
    }
    return out;
  }
  return String(value);
}

/** `<x format="…"><text>…</text><file …/></x>` → its text, format and files. */
function richText(node: unknown): { text: string; format: string | undefined; files: Node[] } {
  if (node === undefined || node === null) return { text: '', format: undefined, files: [] };
  if (typeof node !== 'object' || Array.isArray(node)) return { text: textOf(node), format: undefined, files: [] };
  const n = node as Node;
  return {
    text: textOf(n.text),
    format: typeof n['@_format'] === 'string' ? (n['@_format'] as string) : undefined,
    files: (n.file as Node[] | undefined) ?? [],
  };
}

function plainChild(node: Node, name: string): string {
  // A repeated element (old exports write <shuffleanswers> twice): the first counts.
  const child = Array.isArray(node[name]) ? (node[name] as unknown[])[0] : node[name];
  if (child === undefined) return '';
  if (typeof child === 'object' && child !== null && !Array.isArray(child) && 'text' in (child as Node)) {
    return textOf((child as Node).text).trim();
  }
  return textOf(child).trim();
}

function flag(value: string, fallback: boolean): boolean {
  const v = value.trim().toLowerCase();
  if (v === '') return fallback;
  return v === '1' || v === 'true';
}

class Skip extends Error {}

/** Files embedded in this file, by name; an image's bytes are checked for being an image by the server. */
class Files {
  readonly images = new Map<string, ImportImage>();

  add(name: string, base64: string): void {
    const mime = imageMimeFromName(name);
    if (!mime) return;
    const clean = base64.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
      throw new ImportError(`The embedded image ${name} is not valid base64.`, 'import_bad_image');
    }
    const bytes = Buffer.from(clean, 'base64');
    const existing = this.images.get(name);
    if (existing && !Buffer.from(existing.bytes).equals(bytes)) {
      // Two different pictures with one name (in two questions): the second gets a name of its own.
      let i = 2;
      while (this.images.has(`${i}-${name}`)) i++;
      this.images.set(`${i}-${name}`, { name: `${i}-${name}`, mime, bytes });
      this.renamed.set(name, `${i}-${name}`);
      return;
    }
    this.images.set(name, { name, mime, bytes });
  }

  /** Per question: names that had to change because another question's file had the name. */
  renamed = new Map<string, string>();
}

interface Context {
  files: Files;
  problems: ImportProblem[];
}

function collectFiles(ctx: Context, files: Node[]): void {
  ctx.files.renamed = new Map();
  for (const f of files) {
    const name = typeof f['@_name'] === 'string' ? (f['@_name'] as string) : '';
    if (name) ctx.files.add(name, textOf(f['#text'] ?? f));
  }
}

/** The image of a text (at most one), as a reference to an embedded file. */
function oneImage(ctx: Context, images: FoundImage[], where: string): ImportImageRef | null {
  if (images.length === 0) return null;
  if (images.length > 1) throw new Skip(`${where} has ${images.length} images; Lectern holds one image there.`);
  const [image] = images as [FoundImage];
  const prefix = '@@PLUGINFILE@@/';
  if (!image.src.startsWith(prefix)) {
    throw new Skip(
      `${where} shows an image from another site (${firstWords(image.src, 80)}); only images embedded in the file can be imported.`,
    );
  }
  let file = decodePath(image.src.slice(prefix.length));
  file = ctx.files.renamed.get(file) ?? file;
  if (!ctx.files.images.has(file))
    throw new Skip(`${where} shows ${file}, which is not embedded in the file as an image.`);
  const alt = (image.alt ?? '').trim();
  if (alt === '')
    ctx.problems.push({
      severity: 'error',
      message: `The image ${file} has no alt text: describe it for learners who cannot see it.`,
    });
  return { file, alt };
}

function refuseOtherFiles(text: string, where: string): void {
  for (const link of embeddedLinks(text)) {
    if (!imageMimeFromName(link)) {
      throw new Skip(`${where} uses ${link}, which is not an image; Lectern questions hold images only.`);
    }
  }
}

/** A question's text as Markdown with its image taken out. */
function questionText(ctx: Context, node: Node): { text: string; image: ImportImageRef | null } {
  const rich = richText(node.questiontext);
  collectFiles(ctx, rich.files);
  const format = textFormat(rich.format, 'moodle');
  refuseOtherFiles(rich.text, 'The question text');
  const taken = takeImages(rich.text, format);
  // Moodle 1.9: the picture is outside the text, in <image> with its bytes in <image_base64>.
  const oldName = plainChild(node, 'image');
  const oldData = textOf(node.image_base64);
  if (oldName && oldData.trim()) {
    const name = oldName.split('/').pop() ?? oldName;
    ctx.files.add(name, oldData);
    taken.images.push({ src: `@@PLUGINFILE@@/${ctx.files.renamed.get(name) ?? name}`, alt: null });
  }
  const image = oneImage(ctx, taken.images, 'The question text');
  return { text: asMarkdown(taken.text, format), image };
}

/** Feedback as plain text; a picture in it is left out, with a note (feedback holds text only). */
function feedbackText(ctx: Context, node: unknown, where: string): string {
  const rich = richText(node);
  collectFiles(ctx, rich.files);
  const format = textFormat(rich.format, 'moodle');
  refuseOtherFiles(rich.text, where);
  const taken = takeImages(rich.text, format);
  for (const image of taken.images) {
    const name = image.src.replace(/^@@PLUGINFILE@@\//, '');
    ctx.problems.push({
      severity: 'warning',
      message: `${where} showed the image ${decodePath(name)}${image.alt ? ` (“${image.alt}”)` : ''}; feedback holds text only, so it was left out.`,
    });
  }
  return asPlain(taken.text, format);
}

function answerOf(ctx: Context, node: Node, index: number): ImportAnswer {
  const where = `Answer ${index + 1}`;
  const percent = Number(String(node['@_fraction'] ?? '0').trim());
  const grade = fractionFromPercent(percent);
  if (!grade) throw new Skip(`${where} is worth ${node['@_fraction']}%, outside -100%…100%.`);
  if (grade.note) ctx.problems.push({ severity: 'warning', message: `${where}: ${grade.note}` });
  const format: TextFormat = textFormat(
    typeof node['@_format'] === 'string' ? (node['@_format'] as string) : undefined,
    'moodle',
  );
  collectFiles(ctx, (node.file as Node[] | undefined) ?? []);
  const raw = textOf(node.text);
  refuseOtherFiles(raw, where);
  const taken = takeImages(raw, format);
  const image = oneImage(ctx, taken.images, where);
  const feedback = feedbackText(ctx, node.feedback, `${where}’s feedback`);
  return { text: asPlain(taken.text, format), image, fraction: grade.fraction, feedback };
}

function questionOf(node: Node, type: string, files: Files): ImportQuestion {
  const ctx: Context = { files, problems: [] };
  const { text, image } = questionText(ctx, node);
  const name = plainChild(node, 'name') || firstWords(text) || 'Untitled question';
  const generalFeedback = feedbackText(ctx, node.generalfeedback, 'The general feedback');
  let answers = ((node.answer as Node[] | undefined) ?? []).map((a, i) => answerOf(ctx, a, i));
  if (type === 'truefalse') {
    // Moodle shows its own True/False whatever the stored words ("true", "false").
    answers = answers.map((a) => ({
      ...a,
      text: /^true$/i.test(a.text) ? 'True' : /^false$/i.test(a.text) ? 'False' : a.text,
    }));
  }
  let kind: ImportQuestion['kind'];
  let allOrNothing = false;
  if (type === 'truefalse') kind = 'true-false';
  else if (type === 'multichoiceset') {
    kind = 'multiple';
    allOrNothing = true;
  } else kind = flag(plainChild(node, 'single'), true) ? 'single' : 'multiple';
  const shuffleAnswers = flag(plainChild(node, 'shuffleanswers'), true);
  const question: Omit<ImportQuestion, 'problems'> = {
    name,
    kind,
    text,
    image,
    allOrNothing,
    generalFeedback,
    answers,
    shuffleAnswers,
  };
  const unfit = unfitReason(question);
  if (unfit) throw new Skip(`${unfit[0]?.toUpperCase()}${unfit.slice(1)}`);
  if (!shuffleAnswers && kind !== 'true-false') {
    ctx.problems.push({
      severity: 'warning',
      message:
        'In Moodle this question kept its answers in order; in Lectern the test’s “Shuffle answers” setting decides for every question.',
    });
  }
  const problems = [...ctx.problems, ...questionProblems(question)];
  // The rules already flag a blank alt text; the import's own message says which file.
  const seen = new Set<string>();
  return {
    ...question,
    problems: problems.filter((p) => {
      const key = p.message.startsWith('Describe the image') ? 'alt' : p.message;
      if (key === 'alt' && problems.some((q) => q.message.startsWith('The image '))) return false;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
}

/** The name of the document's root element (after the prolog and comments). */
function rootName(text: string): string | null {
  const m = /^(?:\uFEFF)?(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<([A-Za-z_][\w.-]*)/.exec(text);
  return m?.[1] ?? null;
}

/**
 * The text of each `<question …>…</question>` child of the root, in order, skipping comments and
 * CDATA sections (which may contain anything). Only for well-formed text (validated before).
 */
export function* questionElements(text: string): Generator<string> {
  let i = 0;
  let start = -1;
  let depth = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) return;
    if (text.startsWith('<!--', lt)) {
      i = text.indexOf('-->', lt + 4) + 3;
      if (i < 3) return;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      i = text.indexOf(']]>', lt + 9) + 3;
      if (i < 3) return;
      continue;
    }
    const gt = text.indexOf('>', lt);
    if (gt < 0) return;
    const closing = text[lt + 1] === '/';
    const nameAt = closing ? lt + 2 : lt + 1;
    const after = text[nameAt + 8] ?? '';
    if (text.startsWith('question', nameAt) && (after === '>' || after === '/' || after.trim() === '')) {
      const selfClosing = text[gt - 1] === '/';
      if (closing) {
        depth -= 1;
        if (depth === 0 && start >= 0) {
          yield text.slice(start, gt + 1);
          start = -1;
        }
      } else if (!selfClosing) {
        if (depth === 0) start = lt;
        depth += 1;
      }
    }
    i = gt + 1;
  }
}

/** Refuses what must never reach the parser: a DOCTYPE (entities, external or expanding). */
function refuseDoctype(text: string): void {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new ImportError(
      'This XML file declares a DOCTYPE or entities, which question files never need; it was refused for safety (XXE and entity expansion).',
      'import_doctype',
    );
  }
}

export function parseMoodleXml(text: string): ParsedImport {
  refuseDoctype(text);
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) {
    throw new ImportError(
      `This is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col}).`,
      'import_malformed',
    );
  }
  if (rootName(text) !== 'quiz') {
    throw new ImportError(
      'This XML file is not a Moodle question file (it has no <quiz> element).',
      'import_not_moodle',
    );
  }
  const files = new Files();
  const tree = new CategoryTree();
  const skipped: SkippedQuestion[] = [];
  const notes: string[] = [];
  const loose: ImportQuestion[] = [];
  let current: ImportQuestion[] = loose;
  // One question parsed at a time (the file is known to be well-formed): a bank of thousands never
  // lives in memory as one tree.
  for (const segment of questionElements(text)) {
    let node: Node | undefined;
    try {
      node = ((parser.parse(segment) as Node).question as Node[] | undefined)?.[0];
    } catch (err) {
      // The parser's own limits (elements nested hundreds deep): the file is refused whole.
      throw new ImportError(
        `This XML file cannot be read: ${err instanceof Error ? err.message : String(err)}.`,
        'import_malformed',
      );
    }
    if (!node) continue;
    const type = String(node['@_type'] ?? '').trim();
    if (type === 'category') {
      const path = richText(node.category).text;
      const parts = path ? categoryParts(path) : [];
      current = parts.length > 0 ? tree.at(parts).questions : loose;
      continue;
    }
    const name =
      plainChild(node, 'name') ||
      firstWords(decodeEntities(richText(node.questiontext).text.replace(/<[^<>]*>/g, ''))) ||
      'Untitled question';
    if (type !== 'multichoice' && type !== 'truefalse' && type !== 'multichoiceset') {
      skipped.push({
        name,
        kind: type || 'unknown',
        reason: KIND_REASONS[type] ?? `Lectern has no ${type || 'unnamed'} questions.`,
      });
      continue;
    }
    try {
      current.push(questionOf(node, type, files));
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      skipped.push({ name, kind: type, reason: err.message });
    }
  }
  const categories = tree.finish(MAX_CATEGORY_DEPTH, notes);
  // Only the images a kept question shows are imported.
  const used = new Set<string>();
  const mark = (q: ImportQuestion) => {
    if (q.image) used.add(q.image.file);
    for (const a of q.answers) if (a.image) used.add(a.image.file);
  };
  loose.forEach(mark);
  const walk = (c: { questions: ImportQuestion[]; children: typeof categories }) => {
    c.questions.forEach(mark);
    c.children.forEach(walk);
  };
  categories.forEach(walk);
  const images = [...files.images.values()].filter((i) => used.has(i.name));
  return { format: 'moodle-xml', questions: loose, categories, images, skipped, notes };
}
