// Aiken (Moodle's question/format/aiken): single choice only. A question is its text lines, then
// options "A) …" or "A. …", then "ANSWER: B"; plain text throughout.
import {
  type ImportQuestion,
  type ParsedImport,
  questionProblems,
  type SkippedQuestion,
  unfitReason,
} from '../../../shared/quiz-import.ts';
import { firstWords } from './text.ts';

const OPTION = /^([A-Z])[.)]\s+(.*)$/;
const ANSWER = /^ANSWER:\s*([A-Z])\s*$/i;

export function parseAiken(source: string): ParsedImport {
  const lines = source
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const questions: ImportQuestion[] = [];
  const skipped: SkippedQuestion[] = [];
  let text: string[] = [];
  let options: { letter: string; text: string }[] = [];

  const reset = () => {
    text = [];
    options = [];
  };
  const skip = (reason: string) => {
    const name = firstWords(text.join(' ')) || 'Untitled question';
    skipped.push({ name, kind: 'aiken', reason });
    reset();
  };

  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    const answer = ANSWER.exec(line);
    if (answer) {
      const letter = (answer[1] ?? '').toUpperCase();
      if (text.length === 0) {
        skipped.push({
          name: `ANSWER: ${letter}`,
          kind: 'aiken',
          reason: 'An ANSWER line came without a question before it.',
        });
        reset();
        continue;
      }
      if (!options.some((o) => o.letter === letter)) {
        skip(`Its answer ${letter} is not one of its options.`);
        continue;
      }
      const questionText = text.join('\n');
      const question: Omit<ImportQuestion, 'problems'> = {
        name: firstWords(questionText),
        kind: 'single',
        text: questionText,
        image: null,
        allOrNothing: false,
        generalFeedback: '',
        answers: options.map((o) => ({
          text: o.text,
          image: null,
          fraction: o.letter === letter ? 1 : 0,
          feedback: '',
        })),
        shuffleAnswers: true,
      };
      const unfit = unfitReason(question);
      if (unfit) skip(`${unfit[0]?.toUpperCase()}${unfit.slice(1)}`);
      else {
        questions.push({ ...question, problems: questionProblems(question) });
        reset();
      }
      continue;
    }
    const option = OPTION.exec(line);
    if (option && text.length > 0) {
      options.push({ letter: option[1] ?? '', text: (option[2] ?? '').trim() });
      continue;
    }
    if (options.length > 0) {
      // Text after the options without an ANSWER line: the question before was never finished.
      skip('It has no ANSWER line.');
    }
    text.push(line);
  }
  if (text.length > 0) skip('It has no ANSWER line.');
  return { format: 'aiken', questions, categories: [], images: [], skipped, notes: [] };
}
