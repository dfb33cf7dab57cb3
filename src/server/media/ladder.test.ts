import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { avcCodecString, masterPlaylist, mediaPlaylistStats, rewriteMediaPlaylist } from './hls.ts';
import { canCopyVideo, ladderCommand, maxrateFor, type ProbedVideo, planAudio, planRenditions } from './ladder.ts';

function probed(video: Partial<ProbedVideo['video']> = {}, audio: ProbedVideo['audio'] = null): ProbedVideo {
  return {
    ok: true,
    container: 'mp4',
    durationSeconds: 60,
    fastPath: true,
    video: {
      index: 0,
      codec: 'h264',
      width: 1920,
      height: 1080,
      pixFmt: 'yuv420p',
      fps: 30,
      rotation: 0,
      bitDepth: 8,
      bitRate: 8e6,
      ...video,
    },
    audio,
  };
}
const ladder = { heights: [360, 720, 1080] };
const sizes = (p: ProbedVideo, copy = false) =>
  planRenditions(p, ladder, copy).map((r) => `${r.width}x${r.height}${r.copy ? ' copy' : ''}`);
const keyframesEvery = (seconds: number) => ({ maxGapSeconds: seconds, firstIsKeyframe: true });

describe('the ladder', () => {
  it('has every configured height at or below the source, and the source size on top', () => {
    assert.deepEqual(sizes(probed()), ['1920x1080', '1280x720', '640x360']);
    assert.deepEqual(sizes(probed({ width: 3840, height: 2160 })), ['1920x1080', '1280x720', '640x360']);
    assert.deepEqual(sizes(probed({ width: 1600, height: 900 })), ['1600x900', '1280x720', '640x360']);
    assert.deepEqual(sizes(probed({ width: 320, height: 240 })), ['320x240']);
    // Portrait: the short side names the rendition; odd sizes become even.
    assert.deepEqual(sizes(probed({ width: 1080, height: 1920 })), ['1080x1920', '720x1280', '360x640']);
    assert.deepEqual(sizes(probed({ width: 161, height: 121 })), ['160x120']);
    // A 90° rotation is shown upright, so the ladder is portrait.
    assert.deepEqual(sizes(probed({ rotation: 90 })), ['1080x1920', '720x1280', '360x640']);
    assert.deepEqual(sizes(probed(), true), ['1920x1080 copy', '1280x720', '640x360']);
  });

  it('caps bitrates with PeerTube bits-per-pixel table, never far above the source', () => {
    assert.equal(maxrateFor({ width: 1920, height: 1080 }, 30), 6_220_800);
    assert.equal(maxrateFor({ width: 1280, height: 720 }, 30), 3_041_280);
    assert.equal(maxrateFor({ width: 640, height: 360 }, 30), 1_036_800);
    assert.equal(maxrateFor({ width: 1280, height: 720 }, 30, 1e6), 1_300_000);
    assert.equal(maxrateFor({ width: 1280, height: 720 }, 30, 1000), 552_960); // at least 0.02 bpp
  });

  it('reuses the source video stream only when it streams well as it is', () => {
    const ok = keyframesEvery(2);
    assert.equal(canCopyVideo(probed(), ladder, ok), true);
    assert.equal(canCopyVideo(probed({ codec: 'hevc' }), ladder, ok), false);
    assert.equal(canCopyVideo(probed({ pixFmt: 'yuv420p10le', bitDepth: 10 }), ladder, ok), false);
    assert.equal(canCopyVideo(probed({ rotation: 90 }), ladder, ok), false);
    assert.equal(canCopyVideo(probed({ width: 3840, height: 2160 }), ladder, ok), false);
    assert.equal(canCopyVideo(probed({ bitRate: 40e6 }), ladder, ok), false);
    assert.equal(canCopyVideo(probed({ bitRate: undefined }), ladder, ok), false);
    assert.equal(canCopyVideo(probed(), ladder, keyframesEvery(10)), false);
    assert.equal(canCopyVideo(probed(), ladder, { maxGapSeconds: 1, firstIsKeyframe: false }), false);
    assert.equal(canCopyVideo(probed(), ladder, null), false);
  });

  it('keeps AAC-LC stereo and encodes other sound', () => {
    const aac = { index: 1, codec: 'aac', channels: 2, sampleRate: 48000, profile: 'LC' };
    assert.equal(planAudio(probed({}, aac)), 'copy');
    assert.equal(planAudio(probed({}, { ...aac, channels: 6 })), 'encode');
    assert.equal(planAudio(probed({}, { ...aac, profile: 'HE-AAC' })), 'encode');
    assert.equal(planAudio(probed({}, { ...aac, codec: 'opus' })), 'encode');
    assert.equal(planAudio(probed()), 'none');
  });

  it('decodes once and forces keyframes where segments start', () => {
    const p = probed({}, { index: 1, codec: 'opus', channels: 2, sampleRate: 48000 });
    const encoded = ladderCommand({
      probe: p,
      demuxer: 'mov',
      input: 'file:/in.mp4',
      outDir: '/out',
      renditions: planRenditions(p, ladder, false),
      audio: 'encode',
      webm: false,
    });
    const args = encoded.args.join(' ');
    assert.equal(encoded.args.filter((a) => a === '-i').length, 1);
    assert.match(args, /-protocol_whitelist file -format_whitelist mov -f mov -i file:\/in\.mp4/);
    assert.match(
      args,
      /\[0:0\]null\[s0\];\[s0\]scale=1920:1080:[^;]*,split=2\[v0\]\[s1\];\[s1\]scale=1280:720:[^;]*,split=2\[v1\]\[s2\];\[s2\]scale=640:360:[^;]*\[v2\] /,
    );
    assert.match(args, /-force_key_frames expr:gte\(t,n_forced\*2\)/);
    assert.match(
      args,
      /-var_stream_map v:0,name:1080,agroup:audio v:1,name:720,agroup:audio v:2,name:360,agroup:audio a:0,name:audio,agroup:audio/,
    );
    assert.deepEqual(
      encoded.outputs.map((o) => o.name),
      ['1080', '720', '360', 'audio'],
    );

    const copied = ladderCommand({
      probe: p,
      demuxer: 'mov',
      input: 'file:/in.mp4',
      outDir: '/out',
      renditions: planRenditions(p, ladder, true),
      audio: 'copy',
      webm: false,
    });
    const copyArgs = copied.args.join(' ');
    assert.match(copyArgs, /-map 0:0 -map \[v0\] -map \[v1\] -map 0:1 -c:v:0 copy -c:v:1 libx264/);
    assert.match(copyArgs, /-force_key_frames source/);
    assert.match(copyArgs, /-c:a:0 copy/);
  });
});

describe('HLS playlists', () => {
  const MEDIA = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-MAP:URI="720.mp4",BYTERANGE="800@0"',
    '#EXTINF:2.000000,',
    '#EXT-X-BYTERANGE:500000@800',
    '720.mp4',
    '#EXTINF:1.000000,',
    '#EXT-X-BYTERANGE:100000@500800',
    '720.mp4',
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');

  it('reads segment sizes and durations', () => {
    assert.deepEqual(mediaPlaylistStats(MEDIA), {
      durationSeconds: 3,
      segments: 2,
      peakBitRate: 2_000_000,
      averageBitRate: 1_600_000,
      init: { offset: 0, length: 800 },
    });
  });

  it('names the media file by its role', () => {
    const text = rewriteMediaPlaylist(MEDIA, '720.mp4', 'hls-720-data');
    assert.match(text, /URI="hls-720-data",BYTERANGE="800@0"/);
    assert.equal(text.split('\n').filter((l) => l === 'hls-720-data').length, 2);
    assert.doesNotMatch(text, /720\.mp4/);
  });

  it('writes a master playlist with one audio rendition', () => {
    const master = masterPlaylist(
      [
        {
          role: 'hls-360',
          width: 640,
          height: 360,
          fps: 30,
          codec: 'avc1.64001E',
          peakBitRate: 900_000,
          averageBitRate: 700_000,
        },
      ],
      { role: 'hls-audio', codec: 'mp4a.40.2', peakBitRate: 130_000, averageBitRate: 128_000 },
    );
    assert.equal(
      master,
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Sound",DEFAULT=YES,AUTOSELECT=YES,URI="hls-audio"',
        '#EXT-X-STREAM-INF:BANDWIDTH=1030000,AVERAGE-BANDWIDTH=828000,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.64001E,mp4a.40.2",AUDIO="audio"',
        'hls-360',
        '',
      ].join('\n'),
    );
  });

  it('reads the H.264 profile and level from avcC', () => {
    const init = Uint8Array.from([0, 0, 0, 20, ...Buffer.from('avcC'), 1, 0x64, 0x00, 0x28, 0xff]);
    assert.equal(avcCodecString(init), 'avc1.640028');
    assert.equal(avcCodecString(new Uint8Array(10)), null);
  });
});
