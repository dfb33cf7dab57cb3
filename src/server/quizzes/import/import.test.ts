// Import of every Moodle, GIFT and Aiken fixture the repository carries, question by question; the
// hostile inputs each refused with a clear error; and the round trip import(export(x)) = x.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ImportCategory, ImportQuestion, ParsedImport } from '../../../shared/quiz-import.ts';
import { importedQuestions, MAX_IMPORT_BYTES, placeImport } from '../../../shared/quiz-import.ts';
import { type TestSet, testSetSchema } from '../../../shared/quiz.ts';
import { FIXTURES } from '../../testing/fixtures.ts';
import { toGift } from '../export/gift.ts';
import type { ExportImage } from '../export/images.ts';
import { toMoodleXml } from '../export/moodle-xml.ts';
import { ImportError, parseImport } from './index.ts';

const fixture = (name: string) => readFileSync(path.join(FIXTURES, 'moodle', name));
const parse = (name: string) => parseImport(fixture(name), name);
const text = (s: string) => new TextEncoder().encode(s);

function only<T>(items: readonly T[], what: string): T {
  assert.equal(items.length, 1, `exactly one ${what}`);
  return items[0] as T;
}
const answers = (q: ImportQuestion) => q.answers.map((a) => [a.text, a.fraction, a.feedback]);
const names = (cs: readonly ImportCategory[]): unknown =>
  cs.map((c) => [c.name, c.questions.map((q) => q.name), names(c.children)]);

describe('Moodle XML fixtures', () => {
  it('multichoice.xml: the question plays an MP3, so it is skipped by name with the reason', () => {
    const parsed = parse('multichoice.xml');
    assert.equal(parsed.format, 'moodle-xml');
    assert.deepEqual(importedQuestions(parsed), []);
    assert.deepEqual(parsed.images, [], 'the flags of a skipped question are not imported');
    const skipped = only(parsed.skipped, 'skipped question');
    assert.equal(skipped.name, 'Greeting');
    assert.equal(skipped.kind, 'multichoice');
    assert.match(skipped.reason, /bonjour\.mp3.*not an image/);
  });

  it('multichoice.xml without its audio: answer images with their alt text, grades and feedback', () => {
    // The same question with the link to the MP3 taken out: everything else is the fixture's.
    const source = fixture('multichoice.xml')
      .toString('utf8')
      .replace('<a href="@@PLUGINFILE@@/bonjour.mp3">Listen to this greeting:</a>', 'Listen:');
    const parsed = parseImport(text(source), 'multichoice.xml');
    assert.deepEqual(parsed.skipped, []);
    assert.deepEqual(names(parsed.categories), [['Default for testhead', [], [['Multichoice', ['Greeting'], []]]]]);
    const q = only(importedQuestions(parsed), 'question');
    assert.equal(q.kind, 'single');
    assert.equal(q.text, 'Listen:\n\nWhat language is being spoken?');
    assert.deepEqual(answers(q), [
      ['English', 0, 'Sorry, listen again.'],
      ['French', 1, 'Yes, well done!'],
      ['German', 0, 'Sorry, listen again.'],
      ['Danish', 0, 'Sorry, listen again.'],
    ]);
    assert.deepEqual(
      q.answers.map((a) => a.image),
      [
        { file: 'flag-uk.jpg', alt: 'British Flag' },
        { file: 'flag-france.jpg', alt: 'French flag' },
        { file: 'flag-german.jpg', alt: 'German flag' },
        { file: 'flag-denmark.jpg', alt: 'Denmark flag' },
      ],
    );
    assert.deepEqual(
      parsed.images.map((i) => [i.name, i.mime, [...i.bytes.subarray(0, 2)]]),
      ['flag-uk.jpg', 'flag-france.jpg', 'flag-german.jpg', 'flag-denmark.jpg'].map((n) => [
        n,
        'image/jpeg',
        [0xff, 0xd8],
      ]),
      'the bytes are the decoded JPEGs',
    );
    assert.equal(q.shuffleAnswers, true);
    assert.deepEqual(q.problems, []);
  });

  it('truefalse.xml: both questions, the question image with its alt, feedback images left out and noted', () => {
    const parsed = parse('truefalse.xml');
    assert.deepEqual(parsed.skipped, []);
    assert.deepEqual(names(parsed.categories), [
      ['Default for testhead', [], [['TrueFalse', ['Moodle acronym (False)', 'Moodle acronym (True)'], []]]],
    ]);
    const [no, yes] = importedQuestions(parsed) as [ImportQuestion, ImportQuestion];
    for (const q of [no, yes]) {
      assert.equal(q.kind, 'true-false');
      assert.deepEqual(q.image, { file: 'logo.jpg', alt: 'Moodle logo' });
      assert.match(
        q.text,
        /^Moodle is an acronym for Modular Object-Oriented Dynamic Learning E(ducation|nvironment)\.$/,
      );
      assert.match(q.generalFeedback, /^For further information, see the documentation about Moodle/);
      assert.equal(q.problems.length, 3);
      assert.ok(q.problems.every((p) => p.severity === 'warning' && /feedback holds text only/.test(p.message)));
    }
    assert.deepEqual(answers(no), [
      ['True', 0, 'Your answer is incorrect.'],
      ['False', 1, 'Your answer is correct.'],
    ]);
    assert.deepEqual(answers(yes), [
      ['True', 1, 'Your answer is correct.'],
      ['False', 0, 'Your answer is incorrect.'],
    ]);
    assert.deepEqual(
      parsed.images.map((i) => i.name),
      ['logo.jpg'],
      'one logo for both questions; feedback images are not imported',
    );
  });

  it('nested_categories_with_questions.xml: the tree, the essay skipped by name', () => {
    const parsed = parse('nested_categories_with_questions.xml');
    assert.deepEqual(names(parsed.categories), [
      [
        'Iota',
        ['Iota Question'],
        [
          ['Kappa', ['Kappa Question'], [['Lambda', ['Lambda Question'], []]]],
          ['Mu', ['Mu Question'], []],
        ],
      ],
    ]);
    assert.deepEqual(parsed.skipped, [
      {
        name: 'Kappa Essay Question',
        kind: 'essay',
        reason: 'Lectern has no essay questions (they are marked by hand).',
      },
    ]);
    for (const q of importedQuestions(parsed)) {
      assert.equal(q.kind, 'true-false');
      assert.equal(q.text, `Testing ${q.name}`);
      assert.deepEqual(answers(q), [
        ['True', 1, ''],
        ['False', 0, ''],
      ]);
      assert.deepEqual(q.problems, []);
    }
  });

  it('sample_questions_with_old_image_tag.xml: the 1.9 <image> imported and flagged for alt text, the cloze skipped', () => {
    const parsed = parse('sample_questions_with_old_image_tag.xml');
    assert.deepEqual(parsed.skipped, [
      {
        name: 'cloze question with image',
        kind: 'cloze',
        reason: 'Lectern has no embedded-answers (cloze) questions.',
      },
    ]);
    const q = only(importedQuestions(parsed), 'question');
    assert.equal(q.name, 'mcq with image');
    assert.equal(q.kind, 'single');
    assert.equal(
      q.text,
      'This is a multichoice question with an image in the old "image" field that was used in Moodle 1.9',
    );
    assert.deepEqual(q.image, { file: 'moodle.png', alt: '' });
    assert.deepEqual(answers(q), [
      ['wrong answer', 0, ''],
      ['another wrong answer', 0, ''],
      ['right answer', 1, ''],
    ]);
    assert.equal(q.shuffleAnswers, true, 'the first of its two <shuffleanswers> says 1');
    assert.deepEqual(q.problems, [
      {
        severity: 'error',
        message: 'The image moodle.png has no alt text: describe it for learners who cannot see it.',
      },
    ]);
    const image = only(parsed.images, 'image');
    assert.equal(image.name, 'moodle.png');
    assert.equal(image.mime, 'image/png');
    assert.deepEqual([...image.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });
});

describe('Moodle XML rules', () => {
  const wrap = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n${body}\n</quiz>`;
  const mc = (answersXml: string, extra = '') =>
    `<question type="multichoice"><name><text>Q</text></name><questiontext format="html"><text>Pick</text></questiontext>${extra}${answersXml}</question>`;
  const answer = (fraction: string, t: string, fb = '') =>
    `<answer fraction="${fraction}" format="html"><text>${t}</text><feedback format="html"><text>${fb}</text></feedback></answer>`;

  it('fractions as Moodle writes them map onto its grade choices; multiple when <single>false', () => {
    const parsed = parseImport(
      text(
        wrap(
          mc(
            [
              answer('33.33333', 'a'),
              answer('33.33333', 'b'),
              answer('33.33333', 'c'),
              answer('-25', 'd'),
              answer('0', 'e'),
            ].join(''),
            '<single>false</single><shuffleanswers>0</shuffleanswers>',
          ),
        ),
      ),
    );
    const q = only(importedQuestions(parsed), 'question');
    assert.equal(q.kind, 'multiple');
    assert.deepEqual(
      q.answers.map((a) => a.fraction),
      [0.3333333, 0.3333333, 0.3333333, -0.25, 0],
    );
    assert.equal(q.shuffleAnswers, false);
    assert.deepEqual(
      q.problems.map((p) => [p.severity, p.message]),
      [
        [
          'warning',
          'In Moodle this question kept its answers in order; in Lectern the test’s “Shuffle answers” setting decides for every question.',
        ],
      ],
    );
  });

  it('a grade outside Moodle’s choices is kept with a note; one outside ±100% skips the question', () => {
    const parsed = parseImport(
      text(wrap(mc(answer('100', 'a') + answer('37', 'b')) + mc(answer('100', 'a') + answer('150', 'b')))),
    );
    const q = only(importedQuestions(parsed), 'question');
    assert.equal(q.answers[1]?.fraction, 0.37);
    assert.match(q.problems[0]?.message ?? '', /37% is not one of Moodle’s grades/);
    assert.match(only(parsed.skipped, 'skip').reason, /150%/);
  });

  it('a child category listed before its parent lands under it; the parent’s questions stay its own', () => {
    const cat = (p: string) => `<question type="category"><category><text>${p}</text></category></question>`;
    const tf = (n: string) =>
      `<question type="truefalse"><name><text>${n}</text></name><questiontext format="plain_text"><text>${n}?</text></questiontext>${answer('100', 'true')}${answer('0', 'false')}</question>`;
    const parsed = parseImport(
      text(
        wrap(
          [
            cat('$course$/top/A/B'),
            tf('b1'),
            cat('$course$/top/A'),
            tf('a1'),
            cat('$course$/top/A/B/C'),
            tf('c1'),
          ].join(''),
        ),
      ),
    );
    assert.deepEqual(names(parsed.categories), [['A', ['a1'], [['B', ['b1'], [['C', ['c1'], []]]]]]]);
  });

  it('general feedback, per-answer feedback, entities and CDATA', () => {
    const parsed = parseImport(
      text(
        wrap(
          mc(
            answer('100', 'Fish &amp; chips', 'Right &lt;3') + answer('0', '<![CDATA[<b>Tea</b> &amp; cake]]>', 'No'),
            '<generalfeedback format="html"><text><![CDATA[<p>Both are <em>British</em>.</p>]]></text></generalfeedback>',
          ),
        ),
      ),
    );
    const q = only(importedQuestions(parsed), 'question');
    assert.deepEqual(answers(q), [
      ['Fish & chips', 1, 'Right <3'],
      ['Tea & cake', 0, 'No'],
    ]);
    assert.equal(q.generalFeedback, 'Both are British.');
  });

  it('an image with no alt text is flagged; two images in one question text skip it', () => {
    const png =
      readFileSync(path.join(FIXTURES, 'moodle', 'sample_questions_with_old_image_tag.xml'), 'utf8')
        .match(/<image_base64>\s*([^<]+)/)?.[1]
        ?.trim() ?? '';
    const withImages = (img: string) =>
      `<question type="multichoice"><name><text>I</text></name><questiontext format="html"><text><![CDATA[<p>See ${img}</p>]]></text><file name="a.png" encoding="base64">${png}</file><file name="b.png" encoding="base64">${png}</file></questiontext>${answer('100', 'x')}${answer('0', 'y')}</question>`;
    const flagged = parseImport(text(wrap(withImages('<img src="@@PLUGINFILE@@/a.png">'))));
    const q = only(importedQuestions(flagged), 'question');
    assert.deepEqual(q.image, { file: 'a.png', alt: '' });
    assert.equal(q.problems[0]?.severity, 'error');
    const two = parseImport(
      text(wrap(withImages('<img src="@@PLUGINFILE@@/a.png" alt="A"><img src="@@PLUGINFILE@@/b.png" alt="B">'))),
    );
    assert.match(only(two.skipped, 'skip').reason, /2 images/);
    assert.deepEqual(two.images, []);
  });

  it('every kind Lectern lacks is skipped by name and kind', () => {
    const kinds = ['essay', 'shortanswer', 'matching', 'numerical', 'cloze', 'description', 'calculated', 'ddwtos'];
    const parsed = parseImport(
      text(
        wrap(
          kinds
            .map(
              (k) =>
                `<question type="${k}"><name><text>${k} one</text></name><questiontext><text>x</text></questiontext></question>`,
            )
            .join(''),
        ),
      ),
    );
    assert.deepEqual(
      parsed.skipped.map((s) => [s.name, s.kind]),
      kinds.map((k) => [`${k} one`, k]),
    );
    assert.ok(parsed.skipped.every((s) => s.reason.length > 10));
  });
});

describe('GIFT fixture (questions.gift.txt)', () => {
  const parsed = parse('questions.gift.txt');

  it('imports the single, multiple and true/false questions in order', () => {
    assert.equal(parsed.format, 'gift');
    assert.deepEqual(
      parsed.questions.map((q) => [q.name, q.kind]),
      [
        ['Q2', 'single'],
        ['colours', 'multiple'],
        ['Q1', 'true-false'],
        ['2-08 TSL', 'true-false'],
        ['2-08 TSL', 'true-false'],
      ],
    );
    const [q2, colours, q1, t1, t2] = parsed.questions as ImportQuestion[];
    assert.equal(q2?.text, 'What’s between orange and green in the spectrum?'.replace('’', "'"));
    assert.deepEqual(answers(q2 as ImportQuestion), [
      ['yellow', 1, 'right; good!'],
      ['red', 0, "wrong, it's yellow"],
      ['blue', 0, "wrong, it's yellow"],
    ]);
    assert.deepEqual(answers(colours as ImportQuestion), [
      ['yellow', 0.5, 'right; good!'],
      ['red', -1, 'wrong'],
      ['off-beige', 0.5, 'right; good!'],
      ['blue', -1, 'wrong'],
    ]);
    // {FALSE#shown when wrong#shown when right####general}
    assert.deepEqual(answers(q1 as ImportQuestion), [
      ['True', 0, '42 is the Ultimate Answer.'],
      ['False', 1, 'You gave the right answer.'],
    ]);
    assert.equal(q1?.generalFeedback, "This is, of course, a Hitchiker's Guide to the Galaxy reference.");
    for (const t of [t1, t2]) {
      assert.equal(t?.text, 'TSL is blablabla.');
      assert.deepEqual(answers(t as ImportQuestion), [
        ['True', 1, ''],
        ['False', 0, ''],
      ]);
    }
    for (const q of parsed.questions) assert.deepEqual(q.problems, [], q.name);
  });

  it('skips the essay, matching, numerical and short-answer questions by name and kind', () => {
    assert.deepEqual(
      parsed.skipped.map((s) => [s.name, s.kind]),
      [
        ['Q8', 'essay'],
        ['Moodle activities', 'matching'],
        ['Q5', 'numerical'],
        ['Shortanswer', 'shortanswer'],
      ],
    );
  });
});

describe('GIFT rules', () => {
  it('a question right below its $CATEGORY line (no blank line) is read into it', () => {
    const parsed = parseImport(text('$CATEGORY: $course$/Quick\n::Q::Is it?{T}\n'), 'q.gift');
    assert.deepEqual(names(parsed.categories), [['Quick', ['Q'], []]]);
  });

  it('$CATEGORY, escapes, [markdown], {F}, and ~%-50% penalties', () => {
    const parsed = parseImport(
      text(
        [
          '$CATEGORY: $course$/top/Maths/Sums',
          '',
          '::Esc\\:aped:: [markdown]Is 1 \\= 1 \\{really\\}? \\# not a comment \\~ tilde{',
          '  =Yes \\= yes#Right \\#1',
          '  ~%-50%No#Wrong',
          '}',
          '',
          '// a comment line',
          '::Flat::The earth is flat.{F}',
        ].join('\n'),
      ),
      'q.gift',
    );
    assert.deepEqual(names(parsed.categories), [['Maths', [], [['Sums', ['Esc:aped', 'Flat'], []]]]]);
    const [esc, flat] = importedQuestions(parsed) as [ImportQuestion, ImportQuestion];
    assert.equal(esc.text, 'Is 1 = 1 {really}? # not a comment ~ tilde');
    assert.deepEqual(answers(esc), [
      ['Yes = yes', 1, 'Right #1'],
      ['No', -0.5, 'Wrong'],
    ]);
    assert.equal(esc.kind, 'single');
    assert.deepEqual(answers(flat), [
      ['True', 0, ''],
      ['False', 1, ''],
    ]);
  });
});

describe('Aiken fixture (questions.aiken.txt)', () => {
  it('two single-choice questions with the right letter', () => {
    const parsed = parse('questions.aiken.txt');
    assert.equal(parsed.format, 'aiken');
    assert.deepEqual(parsed.skipped, []);
    const [first, second] = parsed.questions as [ImportQuestion, ImportQuestion];
    assert.equal(first.text, 'The Moodle project was started by:');
    assert.equal(first.kind, 'single');
    assert.deepEqual(answers(first), [
      ['Petr Skoda', 0, ''],
      ['Martin Dougiamas', 1, ''],
      ['Eloy Lafuente', 0, ''],
      ['Tim Hunt', 0, ''],
    ]);
    assert.equal(
      second.text,
      'Moodle\'s abilities include handling user input that includes <html class="cool"> & images:',
    );
    assert.deepEqual(answers(second), [
      ['True', 1, ''],
      ['False', 0, ''],
    ]);
  });

  it('a question without an ANSWER line is skipped, the next one still imports', () => {
    const parsed = parseImport(text('Broken?\nA) x\nB) y\n\nGood?\nA. yes\nB. no\nANSWER: A\n'), 'q.txt');
    assert.deepEqual(
      parsed.skipped.map((s) => s.reason),
      ['It has no ANSWER line.'],
    );
    assert.deepEqual(
      parsed.questions.map((q) => q.text),
      ['Good?'],
    );
  });
});

describe('hostile input: a clear error, nothing parsed', () => {
  const refuses = (bytes: Uint8Array, code: string, message: RegExp) =>
    assert.throws(
      () => parseImport(bytes, 'x.xml'),
      (err: unknown) => err instanceof ImportError && err.code === code && message.test(err.message),
    );

  it('malformed XML', () => {
    refuses(
      text('<?xml version="1.0"?><quiz><question type="truefalse"><name></question></quiz>'),
      'import_malformed',
      /not well-formed XML.*line/,
    );
  });

  it('an external entity (XXE)', () => {
    refuses(
      text(
        '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><quiz><question type="category"><category><text>&xxe;</text></category></question></quiz>',
      ),
      'import_doctype',
      /DOCTYPE or entities/,
    );
  });

  it('entity expansion ("billion laughs")', () => {
    const lol = [
      '<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
    ].join('');
    refuses(
      text(`<?xml version="1.0"?><!DOCTYPE lolz [${lol}]><quiz>&lol9;</quiz>`),
      'import_doctype',
      /entity expansion/,
    );
  });

  it('an entity reference without a DOCTYPE stays text, never expanded', () => {
    const parsed = parseImport(
      text(
        '<quiz><question type="truefalse"><name><text>&xxe;</text></name><questiontext format="plain_text"><text>&xxe; &amp;amp;</text></questiontext><answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>',
      ),
    );
    assert.equal(importedQuestions(parsed)[0]?.text, '&xxe; &amp;');
  });

  it('a 50 MB file is refused before it is read', () => {
    const big = new Uint8Array(50 * 1024 * 1024);
    assert.ok(big.byteLength > MAX_IMPORT_BYTES);
    refuses(big, 'import_too_large', /50 MB.*at most 20 MB/);
  });

  it('a file in another encoding: UTF-16 (with and without BOM) and Windows-1252 are named', () => {
    const utf16 = Buffer.from('\ufeff::Q::Is it?{T}', 'utf16le');
    refuses(utf16, 'import_encoding', /UTF-16 \(little-endian\)/);
    refuses(Buffer.from('::Q::Is it?{T}', 'utf16le'), 'import_encoding', /UTF-16/);
    refuses(Buffer.from('::Q::Caf\xe9 is French?{T}', 'latin1'), 'import_encoding', /not UTF-8.*Windows-1252/);
  });

  it('an embedded image that is not base64 at all', () => {
    refuses(
      text(
        '<quiz><question type="multichoice"><questiontext><text><![CDATA[<img src="@@PLUGINFILE@@/a.png" alt="a">]]></text><file name="a.png" encoding="base64">not*base64!</file></questiontext></question></quiz>',
      ),
      'import_bad_image',
      /a\.png is not valid base64/,
    );
  });

  it('a broken %-escape in an image link is a skipped question, not a failure', () => {
    const parsed = parseImport(
      text(
        '<quiz><question type="multichoice"><name><text>Bad link</text></name><questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a%E0%A4%A.png" alt="a">]]></text></questiontext><answer fraction="100"><text>x</text></answer><answer fraction="0"><text>y</text></answer></question></quiz>',
      ),
    );
    assert.match(only(parsed.skipped, 'skip').reason, /a%E0%A4%A\.png, which is not embedded/);
  });

  it('elements nested 100,000 deep: refused, no stack overflow', () => {
    const n = 100_000;
    refuses(
      text(`<quiz><question type="truefalse">${'<a>'.repeat(n)}${'</a>'.repeat(n)}</question></quiz>`),
      'import_malformed',
      /cannot be read/,
    );
  });

  it('markup built to make patterns rescan the text (unclosed <a, <!--, <img, ![) is read in linear time', () => {
    const evil = ['<a href="x">', '<!--', '<img src="x"', '![', '<script>', 'href="@@PLUGINFILE@@/']
      .map((piece) => piece.repeat(40_000))
      .join('');
    const started = performance.now();
    const parsed = parseImport(
      text(
        `<quiz><question type="multichoice"><name><text>Evil</text></name><questiontext format="html"><text><![CDATA[${evil}]]></text></questiontext><answer fraction="100"><text>a</text></answer><answer fraction="0"><text>b</text></answer></question></quiz>`,
      ),
    );
    const ms = performance.now() - started;
    assert.equal(parsed.skipped.length + importedQuestions(parsed).length, 1);
    assert.ok(ms < 20_000, `took ${Math.round(ms)} ms`);
  });

  it('a file that is no question file', () => {
    assert.throws(() => parseImport(text('just some words'), 'notes.txt'), /not a Moodle XML, GIFT or Aiken/);
    assert.throws(() => parseImport(text('<html><body>hi</body></html>'), 'page.xml'), /not a Moodle question file/);
  });
});

// ---- round trip ----

const uuid = () => crypto.randomUUID();
const IMG_A = uuid();
const IMG_B = uuid();

function sample(): TestSet {
  return testSetSchema.parse({
    categories: [
      {
        id: uuid(),
        name: 'Basics / intro',
        questions: [
          {
            id: uuid(),
            kind: 'single',
            text: 'What is **2 + 2**?\n\nPick one: {a} = b # c ~ d',
            image: { assetId: IMG_A, alt: 'Two plus "two" & more' },
            generalFeedback: 'Arithmetic <basics>.',
            answers: [
              { id: uuid(), text: '4', fraction: 1, feedback: 'Yes #1' },
              { id: uuid(), text: '5', fraction: -0.3333333, feedback: 'No' },
              { id: uuid(), text: '<b>3</b>', fraction: 0, image: { assetId: IMG_B, alt: 'three' } },
            ],
          },
          {
            id: uuid(),
            kind: 'true-false',
            text: 'The sky is green.',
            answers: [
              { id: uuid(), text: 'True', fraction: 0, feedback: 'Look up.' },
              { id: uuid(), text: 'False', fraction: 1, feedback: 'Right.' },
            ],
          },
        ],
        children: [
          {
            id: uuid(),
            name: 'Deeper',
            questions: [
              {
                id: uuid(),
                kind: 'multiple',
                text: 'Which are primes?',
                answers: [
                  { id: uuid(), text: '2', fraction: 0.5 },
                  { id: uuid(), text: '3', fraction: 0.5 },
                  { id: uuid(), text: '4', fraction: -1, feedback: '2 × 2' },
                ],
              },
              {
                id: uuid(),
                kind: 'multiple',
                allOrNothing: true,
                text: 'All or nothing: vowels?',
                answers: [
                  { id: uuid(), text: 'a', fraction: 1 },
                  { id: uuid(), text: 'b', fraction: 0 },
                  { id: uuid(), text: 'e', fraction: 1 },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

/** The test set's content without ids (import gives new ones) and image asset ids as the image's file. */
function comparable(categories: TestSet['categories'], fileOf: (assetId: string) => string): unknown {
  return categories.map((c) => ({
    name: c.name,
    questions: c.questions.map((q) => ({
      kind: q.kind,
      text: q.text,
      image: q.image && { file: fileOf(q.image.assetId), alt: q.image.alt },
      allOrNothing: q.allOrNothing,
      generalFeedback: q.generalFeedback,
      answers: q.answers.map((a) => ({
        text: a.text,
        image: a.image && { file: fileOf(a.image.assetId), alt: a.image.alt },
        fraction: a.fraction,
        feedback: a.feedback,
      })),
    })),
    children: comparable(c.children, fileOf),
  }));
}

/** Imports `parsed` into an empty test set, each image a new asset id; maps them back for comparing. */
function importInto(parsed: ParsedImport) {
  const assets = new Map<string, string>(parsed.images.map((i) => [i.name, uuid()]));
  const byAsset = new Map<string, string>([...assets].map(([name, id]) => [id, name]));
  const empty = testSetSchema.parse({});
  const placed = placeImport(empty, parsed, { newCategory: 'Imported' }, assets);
  const root = placed.testSet.categories[0];
  assert.ok(root);
  return { categories: root.children, fileOf: (id: string) => byAsset.get(id) ?? 'missing', root };
}

describe('round trip: import(export(x)) = x', () => {
  const png = Buffer.from(
    readFileSync(path.join(FIXTURES, 'moodle', 'sample_questions_with_old_image_tag.xml'), 'utf8')
      .match(/<image_base64>\s*([^<]+)/)?.[1]
      ?.trim() ?? '',
    'base64',
  );
  const images = new Map<string, ExportImage>([
    [IMG_A, { assetId: IMG_A, name: 'two-plus-two.png', mime: 'image/png', bytes: png }],
    [IMG_B, { assetId: IMG_B, name: 'three.png', mime: 'image/png', bytes: png }],
  ]);

  it('Moodle XML: categories, kinds, texts, grades, feedback, all-or-nothing and images', () => {
    const x = sample();
    const xmlText = toMoodleXml(x, images);
    const parsed = parseImport(text(xmlText), 'export.xml');
    assert.deepEqual(parsed.skipped, []);
    assert.deepEqual(
      parsed.images.map((i) => [i.name, Buffer.from(i.bytes).equals(png)]),
      [
        ['two-plus-two.png', true],
        ['three.png', true],
      ],
    );
    const back = importInto(parsed);
    const names = new Map([...images.values()].map((i) => [i.assetId, i.name]));
    assert.deepEqual(
      comparable(back.categories, back.fileOf),
      comparable(x.categories, (id) => names.get(id) ?? 'missing'),
    );
    assert.deepEqual(testSetSchema.parse({ categories: [back.root] }).categories[0], back.root, 'a valid test set');
  });

  it('GIFT: the same, less what GIFT cannot hold (images, all-or-nothing), and it says so', () => {
    const x = sample();
    const gift = toGift(x, 'Sample');
    assert.match(gift, /\/\/ The image “Two plus "two" & more” is not included: GIFT files cannot hold images\./);
    assert.match(gift, /\/\/ All-or-nothing grading is not included/);
    const parsed = parseImport(text(gift), 'export.gift');
    assert.deepEqual(parsed.skipped, []);
    const back = importInto(parsed);
    // What GIFT can hold: no images, no all-or-nothing.
    const holdable = structuredClone(x);
    for (const q of importedQuestionsOf(holdable)) {
      q.image = null;
      q.allOrNothing = false;
      for (const a of q.answers) a.image = null;
    }
    assert.deepEqual(
      comparable(back.categories, back.fileOf),
      comparable(holdable.categories, () => 'none'),
    );
  });
});

function importedQuestionsOf(testSet: TestSet) {
  const out: TestSet['categories'][number]['questions'] = [];
  const walk = (c: TestSet['categories'][number]) => {
    out.push(...c.questions);
    c.children.forEach(walk);
  };
  testSet.categories.forEach(walk);
  return out;
}

describe('reading a Moodle file question by question', () => {
  it('a "</question>" inside CDATA or a comment does not end the question', () => {
    const xmlText = `<quiz><!-- <question type="essay"></question> -->
<question type="truefalse"><name><text>Tricky</text></name><questiontext format="plain_text"><text><![CDATA[Is "</question>" text?]]></text></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>`;
    const parsed = parseImport(text(xmlText));
    assert.deepEqual(parsed.skipped, []);
    assert.equal(only(importedQuestions(parsed), 'question').text, 'Is "</question>" text?');
  });
});

describe('placing an import in the test set', () => {
  const deep = `<quiz><question type="category"><category><text>$course$/top/A/B/C/D/E/F</text></category></question>
<question type="truefalse"><name><text>Deep</text></name><questiontext format="plain_text"><text>Deep?</text></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>`;

  it('categories deeper than the nesting limit join the deepest that fits, with a note', () => {
    const parsed = parseImport(text(deep));
    assert.match(parsed.notes[0] ?? '', /nested at most 5 deep/);
    const placed = placeImport(testSetSchema.parse({}), parsed, { newCategory: 'New' }, new Map());
    const depthOf = (cs: TestSet['categories'], d = 1): number =>
      Math.max(0, ...cs.map((c) => Math.max(d, depthOf(c.children, d + 1))));
    assert.equal(depthOf(placed.testSet.categories), 5);
    assert.equal(importedQuestionsOf(placed.testSet).length, 1);
    assert.deepEqual(testSetSchema.safeParse(placed.testSet).success, true);
  });

  it('into an existing category: its questions and children kept, the import added after them', () => {
    const existing = testSetSchema.parse({
      categories: [{ id: uuid(), name: 'Top', children: [{ id: uuid(), name: 'Mid', questions: [] }] }],
    });
    const midId = existing.categories[0]?.children[0]?.id ?? '';
    const parsed = parseImport(text(deep));
    const placed = placeImport(existing, parsed, { categoryId: midId }, new Map());
    const mid = placed.testSet.categories[0]?.children[0];
    assert.equal(mid?.id, midId);
    assert.equal(placed.categoryId, midId);
    const depthOf = (cs: TestSet['categories'], d = 1): number =>
      Math.max(0, ...cs.map((c) => Math.max(d, depthOf(c.children, d + 1))));
    assert.equal(depthOf(placed.testSet.categories), 5);
    assert.equal(testSetSchema.safeParse(placed.testSet).success, true);
    assert.throws(() => placeImport(existing, parsed, { categoryId: uuid() }, new Map()), /No such category/);
  });
});
