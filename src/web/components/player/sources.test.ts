import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AssetView } from '../../../shared/assets.ts';
import { resumeAt } from '../../../shared/video.ts';
import { formatTime, playbackErrorMessage, playbackFailure, shouldSave, videoSource } from './sources.ts';

const video = (state: AssetView['state'], roles: string[]): AssetView => ({
  id: 'v1',
  kind: 'video',
  originalName: 'lecture.mp4',
  state,
  reason: null,
  progress: null,
  size: 1,
  mime: 'video/mp4',
  metadata: {},
  derivatives: roles.map((role) => ({ role, mime: 'x', size: 1 })),
  viewer: 'video',
  createdAt: '2026-11-25T00:00:00.000Z',
});

describe('the video player', () => {
  it('plays HLS once there, the fast-path MP4 before, the original when nothing was made', () => {
    assert.deepEqual(videoSource(video('ready', ['hls', 'hls-360', 'poster'])), {
      kind: 'hls',
      url: '/api/assets/v1/derivatives/hls',
    });
    assert.deepEqual(videoSource(video('processing', ['mp4'])), {
      kind: 'file',
      url: '/api/assets/v1/derivatives/mp4',
    });
    assert.equal(videoSource(video('ready', ['mp4', 'hls']))?.kind, 'hls');
    assert.deepEqual(videoSource(video('ready', [])), { kind: 'file', url: '/api/assets/v1/original' });
    assert.equal(videoSource(video('processing', [])), null);
  });

  it('resumes unless the viewer barely started or had finished', () => {
    assert.equal(resumeAt(null, 600), 0);
    assert.equal(resumeAt(3, 600), 0);
    assert.equal(resumeAt(125.5, 600), 125.5);
    assert.equal(resumeAt(595, 600), 0);
    assert.equal(resumeAt(125, null), 125);
  });

  it('formats times and saves every few seconds', () => {
    assert.equal(formatTime(65.4), '1:05');
    assert.equal(formatTime(3725), '1:02:05');
    assert.equal(shouldSave(null, 0.2), true);
    assert.equal(shouldSave(10, 12), false);
    assert.equal(shouldSave(10, 15), true);
    assert.equal(shouldSave(10, 2), true); // a seek back
  });
});

describe('playback errors', () => {
  it('names the same failure for the native player and hls.js', () => {
    assert.equal(playbackFailure({ mediaErrorCode: 3 }), 'decode');
    assert.equal(playbackFailure({ hlsType: 'mediaError' }), 'decode');
    assert.equal(playbackFailure({ mediaErrorCode: 2 }), 'network');
    assert.equal(playbackFailure({ hlsType: 'networkError' }), 'network');
    assert.equal(playbackFailure({ mediaErrorCode: 4 }), 'unsupported');
    assert.equal(playbackFailure({ hlsType: 'muxError' }), 'other');
    assert.match(playbackErrorMessage('decode'), /video cannot be played: the file is damaged/);
    assert.match(playbackErrorMessage('network', 'audio'), /^The audio stopped loading/);
  });
});
