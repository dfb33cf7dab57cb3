// GIFT (Moodle's question/format/gift): our own small parser, written to Moodle's reading of the
// format (docs/decisions/0010-question-import.md): $CATEGORY, ::title::, [html]/[markdown]/[plain]/
// [moodle], single choice (= ~), multiple choice with ~%50% weights, {T}/{TRUE}/{F}/{FALSE} with
// their two feedbacks, # feedback, #### general feedback, escapes \~ \= \# \{ \} \: and \n.
import {
  CategoryTree,
  categoryPath,
  fractionFromPercent,
  type ImportAnswer,
  type ImportProblem,
  type ImportQuestion,
  type ParsedImport,
  questionProblems,
  type SkippedQuestion,
  unfitReason,
} from '../../../shared/quiz-import.ts';
import { MAX_CATEGORY_DEPTH } from '../../../shared/quiz.ts';
import { asMarkdown, asPlain, firstWords, type TextFormat, textFormat } from './text.ts';

// Escaped specials are swapped for private-use characters while the text is split, then put back.
const ESCAPES: Record<string, string> = {
  '\\\\': '\ue000',
  '\\~': '\ue001',
  '\\=': '\ue002',
  '\\#': '\ue003',
  '\\{': '\ue004',
  '\\}': '\ue005',
  '\\:': '\ue006',
  '\\n': '\ue007',
};
const UNESCAPE: Record<string, string> = {
  '\ue000': '\\',
  '\ue001': '~',
  '\ue002': '=',
  '\ue003': '#',
  '\ue004': '{',
  '\ue005': '}',
  '\ue006': ':',
  '\ue007': '\n',
};

function protect(text: string): string {
  return text.replace(/\\[\\~=#{}:n]/g, (m) => ESCAPES[m] ?? m);
}

function restore(text: string): string {
  return text.replace(/[\ue000-\ue007]/g, (c) => UNESCAPE[c] ?? c);
}

/** "[html]text" → the format and the text. */
function withFormat(raw: string, fallback: TextFormat): { format: TextFormat; text: string } {
  const m = /^\s*\[(html|markdown|plain|moodle)\]/i.exec(raw);
  if (!m) return { format: fallback, text: raw };
  return { format: textFormat(m[1]), text: raw.slice(m[0].length) };
}

const plain = (raw: string, fallback: TextFormat) => {
  const { format, text } = withFormat(raw, fallback);
  return asPlain(restore(text), format);
};

class Skip extends Error {
  readonly kind: string;
  constructor(kind: string, reason: string) {
    super(reason);
    this.kind = kind;
  }
}

/** Splits at unescaped `#`: the text and its feedback. */
function splitFeedback(raw: string): [string, string] {
  const at = raw.indexOf('#');
  return at < 0 ? [raw, ''] : [raw.slice(0, at), raw.slice(at + 1)];
}

function trueFalse(body: string): { answers: ImportAnswer[]; generalFeedback: string } {
  const [main = '', general = ''] = body.split('####');
  const [word = '', wrongFeedback = '', rightFeedback = ''] = main.split('#');
  const correct = /^t(rue)?$/i.test(word.trim());
  const wrong = plain(wrongFeedback, 'moodle');
  const right = plain(rightFeedback, 'moodle');
  return {
    answers: [
      { text: 'True', image: null, fraction: correct ? 1 : 0, feedback: correct ? right : wrong },
      { text: 'False', image: null, fraction: correct ? 0 : 1, feedback: correct ? wrong : right },
    ],
    generalFeedback: plain(general, 'moodle'),
  };
}

function choices(body: string, problems: ImportProblem[]): { answers: ImportAnswer[]; generalFeedback: string } {
  const [main = '', general = ''] = body.split('####');
  const parts = main.split(/(?=[=~])/).filter((p) => /^[=~]/.test(p));
  const answers = parts.map((part, i): ImportAnswer => {
    const right = part[0] === '=';
    let rest = part.slice(1);
    let fraction = right ? 1 : 0;
    const weight = /^\s*%(-?[0-9]+(?:\.[0-9]+)?)%/.exec(rest);
    if (weight) {
      const grade = fractionFromPercent(Number(weight[1]));
      if (!grade) throw new Skip('multichoice', `Answer ${i + 1} is worth ${weight[1]}%, outside -100%…100%.`);
      if (grade.note) problems.push({ severity: 'warning', message: `Answer ${i + 1}: ${grade.note}` });
      fraction = grade.fraction;
      rest = rest.slice(weight[0].length);
    }
    const [text, feedback] = splitFeedback(rest);
    return { text: plain(text, 'moodle'), image: null, fraction, feedback: plain(feedback, 'moodle') };
  });
  return { answers, generalFeedback: plain(general, 'moodle') };
}

/** What kind of GIFT question the answer block makes, as Moodle decides it. */
function kindOf(body: string): string {
  const b = body.trim();
  if (b === '') return 'essay';
  if (/^(T|TRUE|F|FALSE)\s*(#|$)/i.test(b)) return 'truefalse';
  if (b.startsWith('#')) return 'numerical';
  if (b.includes('->')) return 'matching';
  if (b.includes('~')) return 'multichoice';
  return 'shortanswer';
}

const REASONS: Record<string, string> = {
  essay: 'Lectern has no essay questions (they are marked by hand).',
  numerical: 'Lectern has no numerical questions (typed answers).',
  matching: 'Lectern has no matching questions.',
  shortanswer: 'Lectern has no short-answer questions (typed answers).',
  description: 'A description is not a question; Lectern has no place for it in a test.',
};

function questionOf(block: string): ImportQuestion {
  const problems: ImportProblem[] = [];
  let text = block;
  let name = '';
  const title = /^::([\s\S]*?)::/.exec(text);
  if (title) {
    name = restore(title[1] ?? '').trim();
    text = text.slice(title[0].length);
  }
  const open = text.indexOf('{');
  const close = text.lastIndexOf('}');
  if (open < 0 || close < open) {
    throw new Skip('description', REASONS.description as string);
  }
  const body = text.slice(open + 1, close);
  const after = text.slice(close + 1).trim();
  const { format, text: before } = withFormat(text.slice(0, open), 'moodle');
  // Text after the answers makes a "missing word" question: the blank is where the answers were.
  const rawText = after === '' ? before : `${before}_____${text.slice(close + 1)}`;
  const questionText = format === 'plain' ? restore(rawText).trim() : asMarkdown(restore(rawText), format);
  name = name || firstWords(questionText) || 'Untitled question';
  const kind = kindOf(body);
  if (kind !== 'truefalse' && kind !== 'multichoice')
    throw new Skip(kind, REASONS[kind] ?? `Lectern has no ${kind} questions.`);
  const parsed = kind === 'truefalse' ? trueFalse(body) : choices(body, problems);
  const full = parsed.answers.filter((a) => Math.abs(a.fraction - 1) <= 0.0001).length;
  const question: Omit<ImportQuestion, 'problems'> = {
    name,
    kind: kind === 'truefalse' ? 'true-false' : full === 1 ? 'single' : 'multiple',
    text: questionText,
    image: null,
    allOrNothing: false,
    generalFeedback: parsed.generalFeedback,
    answers: parsed.answers,
    shuffleAnswers: true,
  };
  const unfit = unfitReason(question);
  if (unfit) throw new Skip(kind, `${unfit[0]?.toUpperCase()}${unfit.slice(1)}`);
  return { ...question, problems: [...problems, ...questionProblems(question)] };
}

export function parseGift(source: string): ParsedImport {
  // Comment lines go first (Moodle drops lines starting with //), then blank lines separate questions.
  const lines = source
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line));
  const blocks: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') {
      if (current.length > 0) blocks.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.length > 0) blocks.push(current.join('\n'));

  const tree = new CategoryTree();
  const loose: ImportQuestion[] = [];
  let target = loose;
  const skipped: SkippedQuestion[] = [];
  const notes: string[] = [];
  for (const raw of blocks) {
    let block = protect(raw.trim());
    const category = /^\$CATEGORY:[ \t]*(.*)(?:\n|$)/.exec(block);
    if (category) {
      const parts = categoryPath(restore(category[1] ?? ''));
      target = parts.length > 0 ? tree.at(parts).questions : loose;
      // A question written on the next line, without a blank line between, is still read.
      block = block.slice(category[0].length).trim();
      if (block === '') continue;
    }
    try {
      target.push(questionOf(block));
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      const title = /^::([\s\S]*?)::/.exec(block);
      const name = title ? restore(title[1] ?? '').trim() : firstWords(restore(block.replace(/\{[\s\S]*$/, '')));
      skipped.push({ name: name || 'Untitled question', kind: err.kind, reason: err.message });
    }
  }
  return {
    format: 'gift',
    questions: loose,
    categories: tree.finish(MAX_CATEGORY_DEPTH, notes),
    images: [],
    skipped,
    notes,
  };
}
