// Question import: a generated Moodle XML file of 5,000 questions (single, multiple and true/false
// in nested categories, with HTML, feedback, entities, 20 embedded images and 250 essays to skip)
// is posted to the real server's preview route (SQLite) and previewed: parsed, images checked from
// their bytes, the preview answered as JSON. Figures: the preview's time (median of 3), and the
// process's peak resident memory. Goals: import_ms < 3,000, peak_rss_mb < 300.
import sharp from 'sharp';
import { createSignedInUser, createTestApp, setUpAdmin } from '../src/server/testing/app.ts';
import { median, round } from './_stats.ts';

const QUESTIONS = 5_000;
const ROUNDS = 3;

async function generate(): Promise<Buffer> {
  const png = (
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2266aa' } })
      .png()
      .toBuffer()
  ).toString('base64');
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<quiz>'];
  const answer = (fraction: string, text: string, feedback: string) =>
    `<answer fraction="${fraction}" format="html"><text><![CDATA[<p>${text}</p>]]></text><feedback format="html"><text>${feedback}</text></feedback></answer>`;
  for (let i = 0; i < QUESTIONS; i++) {
    if (i % 100 === 0) {
      parts.push(
        `<question type="category"><category><text>$course$/top/Bank ${Math.floor(i / 1000)}/Topic ${Math.floor(i / 100)}</text></category></question>`,
      );
    }
    const image = i % 250 === 0 ? `<img src="@@PLUGINFILE@@/figure-${i}.png" alt="Figure ${i}" />` : '';
    const file = image ? `<file name="figure-${i}.png" path="/" encoding="base64">${png}</file>` : '';
    const text = `<questiontext format="html"><text><![CDATA[<p>Question ${i}: which of these is <strong>right</strong> &amp; why? ${image}</p>]]></text>${file}</questiontext>`;
    const general = '<generalfeedback format="html"><text>&lt;Because&gt; it is.</text></generalfeedback>';
    const name = `<name><text>Question ${i}</text></name>`;
    switch (i % 4) {
      case 0:
        parts.push(
          `<question type="multichoice">${name}${text}${general}<single>true</single><shuffleanswers>1</shuffleanswers>${answer('100', 'Right', 'Yes')}${answer('0', 'Wrong', 'No')}${answer('-33.33333', 'Worse', 'No')}${answer('0', 'Other', '')}</question>`,
        );
        break;
      case 1:
        parts.push(
          `<question type="multichoice">${name}${text}${general}<single>false</single><shuffleanswers>0</shuffleanswers>${answer('33.33333', 'A', 'a')}${answer('33.33333', 'B', 'b')}${answer('33.33333', 'C', 'c')}${answer('-100', 'D', 'd')}</question>`,
        );
        break;
      case 2:
        parts.push(
          `<question type="truefalse">${name}${text}${general}${answer('100', 'true', 'Yes')}${answer('0', 'false', 'No')}</question>`,
        );
        break;
      default:
        parts.push(
          i % 20 === 3
            ? `<question type="essay">${name}${text}</question>`
            : `<question type="multichoice">${name}${text}${general}<single>true</single>${answer('0', 'x', '')}${answer('100', 'y', '')}${answer('0', 'z', '')}</question>`,
        );
    }
  }
  parts.push('</quiz>');
  return Buffer.from(parts.join('\n'));
}

const file = await generate();
const app = await createTestApp('sqlite');
try {
  const admin = await setUpAdmin(app);
  const { client: author } = await createSignedInUser(app, admin, 'author');
  const draft = (await author.post('/api/drafts')).json().draft as { id: string };
  const times: number[] = [];
  let summary = '';
  for (let round = 0; round < ROUNDS; round++) {
    globalThis.gc?.();
    const started = performance.now();
    const res = await author.request('POST', `/api/drafts/${draft.id}/test/import/preview?name=bank.xml`, file, {
      headers: { 'content-type': 'application/octet-stream' },
    });
    times.push(performance.now() - started);
    if (res.statusCode !== 200) throw new Error(`preview: ${res.statusCode} ${res.body.slice(0, 300)}`);
    const preview = res.json().preview as { questionCount: number; skipped: unknown[]; images: unknown[] };
    summary = `${preview.questionCount} questions, ${preview.skipped.length} skipped, ${preview.images.length} images`;
  }
  console.log(
    `file ${round(file.byteLength / 1024 / 1024)} MB: ${summary}; preview ms ${times.map((t) => Math.round(t)).join(', ')}`,
  );
  console.log(
    JSON.stringify({
      questions: QUESTIONS,
      file_mb: round(file.byteLength / 1024 / 1024),
      import_ms: Math.round(median(times)),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  await app.close();
}
