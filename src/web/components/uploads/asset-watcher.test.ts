// The asset watcher's rules, with a fake clock, a fake event stream and a fake server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AssetView } from '../../../shared/assets.ts';
import { FakeClock } from '../../testing/fake-clock.ts';
import { AssetWatcher, type LiveAssets, POLL_MS } from './asset-watcher.ts';

function asset(id: string, state: AssetView['state'], progress: number | null = null): AssetView {
  return {
    id,
    kind: 'video',
    originalName: `${id}.mp4`,
    state,
    reason: state === 'failed' ? 'Not a video.' : null,
    progress,
    size: 1000,
    mime: 'video/mp4',
    metadata: {},
    derivatives: [],
    viewer: 'video',
    createdAt: new Date(0).toISOString(),
  };
}

class FakeLive implements LiveAssets {
  listeners = new Set<(asset: AssetView) => void>();
  statusListeners = new Set<() => void>();
  current: 'open' | 'paused' = 'open';
  subscribe = (listener: (asset: AssetView) => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  subscribeStatus = (notify: () => void) => {
    this.statusListeners.add(notify);
    return () => this.statusListeners.delete(notify);
  };
  paused = () => this.current === 'paused';
  send(asset: AssetView): void {
    for (const listener of [...this.listeners]) listener(asset);
  }
  setStatus(status: 'open' | 'paused'): void {
    this.current = status;
    for (const notify of [...this.statusListeners]) notify();
  }
}

class FakeServer {
  assets = new Map<string, AssetView>();
  requests: string[] = [];
  /** Answers describing the asset as it was this many changes ago (a slow answer). */
  stale: AssetView | null = null;
  fetchAsset = async (id: string): Promise<AssetView> => {
    this.requests.push(id);
    const found = this.stale ?? this.assets.get(id);
    if (!found) throw new Error('404');
    return found;
  };
}

function setup() {
  const clock = new FakeClock();
  const live = new FakeLive();
  const server = new FakeServer();
  const changes: { id: string; state: string; before: string | null }[] = [];
  const watcher = new AssetWatcher({
    live,
    fetchAsset: server.fetchAsset,
    timers: clock,
    onChange: (a, before) => changes.push({ id: a.id, state: a.state, before: before?.state ?? null }),
  });
  return { clock, live, server, watcher, changes };
}

describe('asset watcher', () => {
  it('follows processing through live events and stops listening once the file is settled', async () => {
    const { clock, live, server, watcher, changes } = setup();
    watcher.watch('a');
    assert.equal(live.listeners.size, 1, 'listens from the upload on');
    live.send(asset('other', 'ready'));
    assert.equal(changes.length, 0, 'files it does not watch are ignored');
    server.assets.set('a', asset('a', 'processing', 0));
    watcher.uploaded('a');
    await clock.advance(0);
    assert.deepEqual(watcher.get('a')?.state, 'processing');
    live.send(asset('a', 'processing', 40));
    assert.equal(watcher.get('a')?.progress, 40);
    live.send(asset('a', 'ready'));
    assert.equal(watcher.get('a')?.state, 'ready');
    assert.deepEqual(
      changes.map((c) => `${c.before}→${c.state}`),
      ['null→processing', 'processing→processing', 'processing→ready'],
    );
    assert.equal(live.listeners.size, 0, 'nothing more to hear');
    assert.equal(clock.pending, 0);
  });

  it('an answer that left the server before a live event does not take the state back', async () => {
    const { clock, live, server, watcher } = setup();
    watcher.watch('a');
    live.send(asset('a', 'processing', 60));
    server.stale = asset('a', 'processing', 10);
    watcher.uploaded('a');
    await clock.advance(0);
    assert.equal(watcher.get('a')?.progress, 60);
    live.send(asset('a', 'ready'));
    server.stale = asset('a', 'processing', 90);
    watcher.uploaded('a');
    await clock.advance(0);
    assert.equal(watcher.get('a')?.state, 'ready');
  });

  it('polls the uploaded files while the event stream is down, and stops when it is back', async () => {
    const { clock, live, server, watcher } = setup();
    server.assets.set('a', asset('a', 'processing', 0));
    watcher.uploaded('a');
    watcher.watch('b'); // still uploading: the server has nothing to say yet
    await clock.advance(0);
    assert.deepEqual(server.requests, ['a']);
    live.setStatus('paused');
    await clock.advance(POLL_MS);
    await clock.advance(POLL_MS);
    assert.deepEqual(server.requests, ['a', 'a', 'a']);
    server.assets.set('a', asset('a', 'processing', 50));
    await clock.advance(POLL_MS);
    assert.equal(watcher.get('a')?.progress, 50);
    live.setStatus('open');
    await clock.advance(3 * POLL_MS);
    assert.equal(server.requests.length, 4, 'no polling while events flow');
    live.setStatus('paused');
    server.assets.set('a', asset('a', 'failed'));
    await clock.advance(POLL_MS);
    assert.equal(watcher.get('a')?.state, 'failed');
    watcher.unwatch('b');
    assert.equal(live.listeners.size, 0);
    assert.equal(clock.pending, 0, 'no more polling once every file is settled');
  });

  it('forgets everything on clear', async () => {
    const { live, watcher } = setup();
    watcher.watch('a');
    live.send(asset('a', 'processing'));
    watcher.clear();
    assert.equal(watcher.get('a'), null);
    assert.equal(live.listeners.size, 0);
  });
});
