import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyReport,
  type CompletionRule,
  completionRule,
  courseProgress,
  coveredSeconds,
  type ItemFacts,
  type ItemMeasure,
  itemProgress,
  MAX_STORED_RANGES,
  mergeRanges,
  NO_FACTS,
} from './progress.ts';

const video = (durationSeconds: number | null): ItemMeasure => ({ rule: 'media', durationSeconds, pageCount: null });
const pdf = (pageCount: number | null): ItemMeasure => ({ rule: 'pages', durationSeconds: null, pageCount });
const only = (rule: CompletionRule): ItemMeasure => ({ rule, durationSeconds: null, pageCount: null });
const report = (facts: ItemFacts, measure: ItemMeasure, ...reports: Parameters<typeof applyReport>[1][]) =>
  reports.reduce((f, r) => applyReport(f, r, measure), facts);

describe('played ranges', () => {
  it('merges overlaps, touching ranges and out-of-order reports into a sorted disjoint union', () => {
    assert.deepEqual(
      mergeRanges([
        [10, 20],
        [0, 5],
        [15, 30],
        [5.1, 8],
        [40, 41],
      ]),
      [
        [0, 8],
        [10, 30],
        [40, 41],
      ],
    );
  });

  it('drops empty, reversed, negative and non-finite ranges', () => {
    assert.deepEqual(
      mergeRanges([
        [5, 5],
        [9, 3],
        [-4, -1],
        [Number.NaN, 3],
        [-2, 2],
      ]),
      [[0, 2]],
    );
  });

  it('counts what overlaps only once and nothing past the duration', () => {
    assert.equal(
      coveredSeconds(
        [
          [0, 60],
          [30, 90],
          [80, 200],
        ],
        100,
      ),
      100,
    );
    assert.equal(coveredSeconds([[0, 10]], null), 10);
  });
});

describe('video and audio: 90 % of the duration actually played', () => {
  it('is done when the union of played ranges covers 90 %, however it was played', () => {
    const m = video(100);
    const facts = report(NO_FACTS, m, { played: [[0, 50]] }, { played: [[45, 91]] });
    assert.deepEqual(itemProgress(facts, m), { state: 'done', fraction: 1 });
  });

  it('does not count scrubbing to the end: a seek adds no played range', () => {
    const m = video(100);
    // Played 0–5 s, then jumped to 98 s and let it finish.
    const facts = report(NO_FACTS, m, { played: [[0, 5], [98, 100]], position: 100 });
    const p = itemProgress(facts, m);
    assert.equal(p.state, 'in_progress');
    assert.ok(p.fraction < 0.1);
  });

  it('does not count the same part watched twice', () => {
    const m = video(100);
    const facts = report(NO_FACTS, m, { played: [[0, 50]] }, { played: [[0, 50]] }, { played: [[10, 40]] });
    assert.equal(itemProgress(facts, m).state, 'in_progress');
    assert.equal(coveredSeconds(facts.played, 100), 50);
  });

  it('is idempotent: the same report twice stores the same facts', () => {
    const m = video(100);
    const once = report(NO_FACTS, m, { played: [[3, 17]], position: 17 });
    assert.deepEqual(report(once, m, { played: [[3, 17]], position: 17 }), once);
  });

  it('clips ranges past the duration, so an inflated report cannot exceed the media', () => {
    const m = video(10);
    const facts = report(NO_FACTS, m, { played: [[0, 5000]], position: 9000 });
    assert.deepEqual(facts.played, [[0, 10]]);
    assert.equal(facts.position, 10);
  });

  it('treats zero-length and unknown-length media as done once opened', () => {
    for (const m of [video(0), video(null)]) {
      assert.equal(itemProgress(NO_FACTS, m).state, 'not_started');
      assert.equal(itemProgress(report(NO_FACTS, m, { opened: true }), m).state, 'done');
    }
  });

  it('keeps at most a bounded number of ranges, dropping the shortest', () => {
    const m = video(100_000);
    const many = Array.from({ length: MAX_STORED_RANGES + 50 }, (_, i): [number, number] => [i * 10, i * 10 + (i % 2 ? 2 : 1)]);
    let facts = NO_FACTS;
    for (let i = 0; i < many.length; i += 100) facts = applyReport(facts, { played: many.slice(i, i + 100) }, m);
    assert.equal(facts.played.length, MAX_STORED_RANGES);
    assert.ok(facts.played.every(([s, e], i) => e > s && (i === 0 || s > (facts.played[i - 1]?.[1] ?? 0))));
  });
});

describe('documents: every page on screen', () => {
  it('is in progress until every page has been seen, in any order', () => {
    const m = pdf(3);
    const some = report(NO_FACTS, m, { pagesSeen: [1] }, { pagesSeen: [3] });
    assert.deepEqual(itemProgress(some, m).state, 'in_progress');
    assert.equal(itemProgress(some, m).fraction.toFixed(2), '0.67');
    assert.equal(itemProgress(report(some, m, { pagesSeen: [2] }), m).state, 'done');
  });

  it('ignores pages the document does not have and remembers the page to resume at', () => {
    const m = pdf(2);
    const facts = report(NO_FACTS, m, { pagesSeen: [1, 7, 2, 2], position: 9 });
    assert.deepEqual(facts.pagesSeen, [1, 2]);
    assert.equal(facts.position, 2);
  });

  it('counts as opened when the page count is unknown', () => {
    const m = pdf(null);
    assert.equal(itemProgress(report(NO_FACTS, m, { opened: true }), m).state, 'done');
  });
});

describe('other files and the learner’s own mark', () => {
  it('an image, a Flash movie, a download is done once opened', () => {
    assert.equal(itemProgress(NO_FACTS, only('opened')).state, 'not_started');
    assert.equal(itemProgress(report(NO_FACTS, only('opened'), { opened: true }), only('opened')).state, 'done');
  });

  it('a file the learner marks is done only when marked, and can be unmarked', () => {
    const m = only('manual');
    const opened = report(NO_FACTS, m, { opened: true });
    assert.equal(itemProgress(opened, m).state, 'in_progress');
    const marked = report(opened, m, { markedDone: true });
    assert.equal(itemProgress(marked, m).state, 'done');
    assert.equal(itemProgress(report(marked, m, { markedDone: false }), m).state, 'in_progress');
  });

  it('picks the rule from the kind and the viewer', () => {
    assert.equal(completionRule('video', 'video'), 'media');
    assert.equal(completionRule('audio', 'audio'), 'media');
    assert.equal(completionRule('video', 'download'), 'opened');
    assert.equal(completionRule('pdf', 'pdf'), 'pages');
    assert.equal(completionRule('office', 'pdf'), 'pages');
    assert.equal(completionRule('office', 'html'), 'opened');
    assert.equal(completionRule('flash', 'flash'), 'opened');
    assert.equal(completionRule('pdf', 'pdf', true), 'manual');
  });
});

describe('the course', () => {
  const item = (assetId: string, required: boolean, state: 'not_started' | 'in_progress' | 'done') => ({ assetId, required, state });

  it('is complete when every required file is done; optional ones only move the bar', () => {
    const p = courseProgress([item('a', true, 'done'), item('b', false, 'not_started'), item('c', true, 'done')], null);
    assert.equal(p.complete, true);
    assert.equal(p.percent, 66);
    assert.equal(p.nextAssetId, 'b');
  });

  it('needs the test passed too when it has one', () => {
    const items = [item('a', true, 'done')];
    assert.equal(courseProgress(items, { passed: false }).complete, false);
    assert.equal(courseProgress(items, { passed: false }).filesComplete, true);
    assert.equal(courseProgress(items, { passed: true }).complete, true);
  });

  it('counts every file when none is marked required, so enrolling is not completing', () => {
    const p = courseProgress([item('a', false, 'done'), item('b', false, 'in_progress')], null);
    assert.equal(p.complete, false);
    assert.equal(p.requiredCount, 2);
    assert.equal(p.nextAssetId, 'b');
  });

  it('suggests the first required file not done before optional ones', () => {
    const p = courseProgress([item('a', false, 'not_started'), item('b', true, 'in_progress'), item('c', true, 'not_started')], null);
    assert.equal(p.nextAssetId, 'b');
    assert.equal(p.complete, false);
  });
});
