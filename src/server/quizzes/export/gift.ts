// A test set as GIFT text. GIFT has no images, no all-or-nothing grading and no draw counts: what
// it cannot hold is said in a comment above the question it concerns.
import type { Question, QuizCategory, TestSet } from '../../../shared/quiz.ts';

/** GIFT's special characters escaped, newlines as \n (a blank line would end the question). */
const esc = (s: string) => s.replace(/[\\~=#{}:]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');
const percent = (fraction: number) => String(Math.round(fraction * 100 * 1e5) / 1e5);
const comment = (s: string) => `// ${s.replace(/\s+/g, ' ')}`;
/** An answer or feedback that looks like markup is marked as plain so nothing reads it as HTML. */
const plain = (s: string) => (/[<>&]/.test(s) ? `[plain]${esc(s)}` : esc(s));

function words(text: string): string {
  const flat = text
    .replace(/[#*_`>[\]()!]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length <= 60 ? flat || 'Question' : `${flat.slice(0, 59).trimEnd()}…`;
}

function question(q: Question): string[] {
  const lines: string[] = [];
  const images = [q.image, ...q.answers.map((a) => a.image)].filter((i) => i !== null);
  for (const image of images)
    lines.push(
      comment(`The image “${image.alt || 'without alt text'}” is not included: GIFT files cannot hold images.`),
    );
  if (q.kind === 'multiple' && q.allOrNothing) {
    lines.push(comment('All-or-nothing grading is not included: GIFT cannot say it; the answers keep their marks.'));
  }
  const general = q.generalFeedback ? `####${plain(q.generalFeedback)}` : '';
  const head = `::${esc(words(q.text))}::[markdown]${esc(q.text)}`;
  if (q.kind === 'true-false') {
    const trueAnswer = q.answers.find((a) => a.text.trim().toLowerCase() === 'true') ?? q.answers[0];
    const falseAnswer = q.answers.find((a) => a !== trueAnswer);
    const correctIsTrue = (trueAnswer?.fraction ?? 0) > 0;
    // GIFT: {T#shown when the answer is wrong#shown when it is right}.
    const right = (correctIsTrue ? trueAnswer : falseAnswer)?.feedback ?? '';
    const wrong = (correctIsTrue ? falseAnswer : trueAnswer)?.feedback ?? '';
    const feedback = right || wrong ? `#${plain(wrong)}#${plain(right)}` : '';
    lines.push(`${head}{${correctIsTrue ? 'TRUE' : 'FALSE'}${feedback}${general}}`);
    return lines;
  }
  lines.push(`${head}{`);
  for (const a of q.answers) {
    const mark = q.kind === 'single' && a.fraction === 1 ? '=' : a.fraction === 0 ? '~' : `~%${percent(a.fraction)}%`;
    lines.push(`\t${mark}${plain(a.text)}${a.feedback ? `#${plain(a.feedback)}` : ''}`);
  }
  if (general) lines.push(`\t${general}`);
  lines.push('}');
  return lines;
}

export function toGift(testSet: TestSet, title: string): string {
  const out: string[] = [
    comment(`${title}: exported from Lectern as GIFT. Images are not included (GIFT cannot hold them).`),
    '',
  ];
  const category = (c: QuizCategory, path: string[]) => {
    const here = [...path, c.name.replace(/\//g, '//')];
    out.push(`$CATEGORY: $course$/top/${here.join('/')}`, '');
    for (const q of c.questions) out.push(...question(q), '');
    for (const child of c.children) category(child, here);
  };
  for (const c of testSet.categories) category(c, []);
  return out.join('\n');
}
