import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ffmpegProgressParser } from './ffmpeg-progress.ts';

describe('ffmpeg progress', () => {
  it('reports rising percentages from out_time_us lines split across chunks, never 100', () => {
    const seen: number[] = [];
    const feed = ffmpegProgressParser(10, (p) => seen.push(p));
    feed('frame=1\nout_time_us=2500');
    feed('000\nprogress=continue\nout_time_us=1000000\n');
    feed('out_time_us=N/A\nout_time_us=9990000\nout_time_us=12000000\nprogress=end\n');
    assert.deepEqual(seen, [25, 99]);
  });

  it('reports nothing without a known duration', () => {
    const seen: number[] = [];
    ffmpegProgressParser(null, (p) => seen.push(p))('out_time_us=5000000\n');
    ffmpegProgressParser(0, (p) => seen.push(p))('out_time_us=5000000\n');
    assert.deepEqual(seen, []);
  });
});
