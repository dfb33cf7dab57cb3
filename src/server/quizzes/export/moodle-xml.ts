// A test set as a Moodle XML question file: one category element per category (full path), then
// its questions; question texts as Markdown, answers and feedback as plain text; images embedded
// as base64 <file> elements named by @@PLUGINFILE@@. Settings and draw counts have no place in it.
import type { Question, QuizCategory, TestSet } from '../../../shared/quiz.ts';
import type { ExportImage } from './images.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
/** Moodle writes percentages with up to 7 decimals, no trailing zeros. */
const percent = (fraction: number) => String(Math.round(fraction * 100 * 1e5) / 1e5);
const segment = (name: string) => name.replace(/\//g, '//');

function words(text: string): string {
  const flat = text
    .replace(/[#*_`>[\]()!]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length <= 60 ? flat || 'Question' : `${flat.slice(0, 59).trimEnd()}…`;
}

export function toMoodleXml(testSet: TestSet, images: ReadonlyMap<string, ExportImage>): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<quiz>'];
  const imageTag = (image: { assetId: string; alt: string } | null) => {
    if (!image) return { ref: '', file: '' };
    const file = images.get(image.assetId);
    if (!file) return { ref: '', file: '' };
    return {
      ref: `<img src="@@PLUGINFILE@@/${encodeURIComponent(file.name)}" alt="${xml(image.alt)}" />`,
      file: `<file name="${xml(file.name)}" path="/" encoding="base64">${Buffer.from(file.bytes).toString('base64')}</file>`,
    };
  };

  const question = (q: Question) => {
    const type =
      q.kind === 'true-false'
        ? 'truefalse'
        : q.kind === 'multiple' && q.allOrNothing
          ? 'multichoiceset'
          : 'multichoice';
    const img = imageTag(q.image);
    const text = img.ref ? `${q.text}\n\n${img.ref}` : q.text;
    out.push(`  <question type="${type}">`);
    out.push(`    <name><text>${xml(words(q.text))}</text></name>`);
    out.push(`    <questiontext format="markdown"><text>${cdata(text)}</text>${img.file}</questiontext>`);
    out.push(`    <generalfeedback format="plain_text"><text>${cdata(q.generalFeedback)}</text></generalfeedback>`);
    out.push(
      '    <defaultgrade>1.0000000</defaultgrade>',
      '    <penalty>0.0000000</penalty>',
      '    <hidden>0</hidden>',
    );
    if (type !== 'truefalse') {
      out.push(`    <single>${q.kind === 'single' ? 'true' : 'false'}</single>`);
      out.push(`    <shuffleanswers>${shuffle ? 'true' : 'false'}</shuffleanswers>`);
      out.push('    <answernumbering>abc</answernumbering>');
    }
    for (const a of q.answers) {
      const aImg = imageTag(a.image);
      const format = aImg.ref ? 'markdown' : 'plain_text';
      const aText = aImg.ref ? `${a.text}\n\n${aImg.ref}` : a.text;
      out.push(`    <answer fraction="${percent(a.fraction)}" format="${format}">`);
      out.push(`      <text>${cdata(aText)}</text>${aImg.file}`);
      out.push(`      <feedback format="plain_text"><text>${cdata(a.feedback)}</text></feedback>`);
      out.push('    </answer>');
    }
    out.push('  </question>');
  };

  const shuffle = testSet.settings.shuffleAnswers;
  const category = (c: QuizCategory, path: string[]) => {
    const here = [...path, segment(c.name)];
    out.push('  <question type="category">');
    out.push(`    <category><text>${xml(`$course$/top/${here.join('/')}`)}</text></category>`);
    out.push('  </question>');
    for (const q of c.questions) question(q);
    for (const child of c.children) category(child, here);
  };
  for (const c of testSet.categories) category(c, []);
  out.push('</quiz>', '');
  return out.join('\n');
}
