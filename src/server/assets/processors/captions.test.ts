import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decodeSubtitleBytes, parseSubtitles, processCaptions } from './captions.ts';
import { inputFor, tempDir } from './test-support.ts';

const SRT = [
  '1',
  '00:00:01,000 --> 00:00:03,500',
  'Hello & <i>welcome</i>',
  '<font color="#ff0000">to the course</font>',
  '',
  '2',
  '00:00:04,000 --> 00:00:02,000',
  'ends before it starts: dropped',
  '',
  '3',
  'not a timing line',
  'dropped',
  '',
  '4',
  '00:01:05,5 --> 00:01:07,250 X1:100 X2:200',
  '{\\an8}Arrows --> and <3',
  '',
  '',
].join('\r\n');

describe('captions processor', () => {
  it('converts SRT (BOM, CRLF) to WebVTT and drops invalid cues', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'lesson.srt');
    await writeFile(file, `\uFEFF${SRT}`);
    const result = await processCaptions(inputFor(file, dir));
    assert.ok(result.ok);
    assert.deepEqual(result.metadata, { cues: 2, format: 'srt', encoding: 'utf-8', durationSeconds: 67.25 });
    assert.deepEqual(
      result.derivatives.map(({ role, mime }) => ({ role, mime })),
      [{ role: 'vtt', mime: 'text/vtt' }],
    );
    assert.equal(
      await readFile(result.derivatives[0]?.path ?? '', 'utf8'),
      'WEBVTT\n\n' +
        '00:00:01.000 --> 00:00:03.500\nHello &amp; <i>welcome</i>\nto the course\n\n' +
        '00:01:05.500 --> 00:01:07.250\nArrows --&gt; and &lt;3\n',
    );
  });

  it('validates and normalizes WebVTT', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'lesson.vtt');
    const vtt = [
      'WEBVTT - a course',
      '',
      'STYLE',
      '::cue { background: url(https://tracker.example/x) }',
      '',
      'NOTE a comment',
      '',
      'intro',
      '01:02.500 --> 01:04.000 align:start position:10% region:fred evil:1',
      'Second <b>cue</b>',
      '',
      '00:00:00.000 --> 00:00:01.000',
      'First cue',
      '',
      '00:00:05.000 --> bad',
      'broken',
    ].join('\n');
    await writeFile(file, vtt);
    const result = await processCaptions(inputFor(file, dir));
    assert.ok(result.ok);
    assert.equal(result.metadata.cues, 2);
    assert.equal(result.metadata.format, 'vtt');
    assert.equal(
      await readFile(result.derivatives[0]?.path ?? '', 'utf8'),
      'WEBVTT\n\n' +
        '00:00:00.000 --> 00:00:01.000\nFirst cue\n\n' +
        'intro\n00:01:02.500 --> 00:01:04.000 align:start position:10%\nSecond <b>cue</b>\n',
    );
  });

  it('refuses a file with no readable cue', async (t) => {
    const dir = await tempDir(t);
    for (const [name, text] of [
      ['empty.srt', ''],
      ['prose.srt', 'Just some text\nwith no timings at all\n'],
      ['header-only.vtt', 'WEBVTT\n\n'],
    ] as const) {
      const file = path.join(dir, name);
      await writeFile(file, text);
      assert.deepEqual(await processCaptions(inputFor(file, dir)), {
        ok: false,
        reason: 'No subtitles could be read from this file.',
      });
    }
  });

  it('reads UTF-16 and Windows-1252 subtitles', () => {
    const cue = '1\n00:00:01,000 --> 00:00:02,000\nCafé crème\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(cue, 'utf16le')]);
    assert.deepEqual(decodeSubtitleBytes(utf16), { text: cue, encoding: 'utf-16le' });
    const latin = Buffer.from(cue, 'latin1'); // é = 0xE9, not valid UTF-8
    assert.deepEqual(decodeSubtitleBytes(latin), { text: cue, encoding: 'windows-1252' });
    assert.equal(parseSubtitles(decodeSubtitleBytes(latin).text).cues[0]?.text, 'Café crème');
  });

  it('sorts cues by start time, as WebVTT requires', () => {
    const { cues } = parseSubtitles('2\n00:00:05,000 --> 00:00:06,000\nB\n\n1\n00:00:01,000 --> 00:00:02,000\nA\n');
    assert.deepEqual(
      cues.map((c) => [c.text, c.start]),
      [
        ['A', 1000],
        ['B', 5000],
      ],
    );
  });
});
