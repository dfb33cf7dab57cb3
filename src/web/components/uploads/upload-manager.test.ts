// The upload manager joins the transfer queue and the asset watcher: each row carries its asset's
// state, the pages hear one stream of events, and screen readers one grouped announcement.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AssetView } from '../../../shared/assets.ts';
import { FakeClock } from '../../testing/fake-clock.ts';
import { CHUNK_MS, type FakeFile, FakeServer, FakeStorage, FakeTransport } from '../../testing/fake-tus.ts';
import { ANNOUNCE_INTERVAL_MS } from './announcer.ts';
import type { LiveAssets } from './asset-watcher.ts';
import type { Transport } from './transfer-types.ts';
import { type UploadEvent, UploadManager } from './upload-manager.ts';

function asset(id: string, state: AssetView['state']): AssetView {
  return {
    id,
    kind: 'pdf',
    originalName: `${id}.pdf`,
    state,
    reason: state === 'failed' ? 'The file is damaged.' : null,
    progress: null,
    size: 300,
    mime: 'application/pdf',
    metadata: {},
    derivatives: [],
    viewer: 'pdf',
    createdAt: new Date(0).toISOString(),
  };
}

function setup() {
  const clock = new FakeClock();
  const server = new FakeServer();
  const listeners = new Set<(asset: AssetView) => void>();
  const live: LiveAssets = {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribeStatus: () => () => {},
    paused: () => false,
  };
  const send = (a: AssetView) => {
    for (const listener of [...listeners]) listener(a);
  };
  const manager = new UploadManager({
    transport: new FakeTransport(server, new FakeStorage(), clock) as unknown as Transport<File>,
    live,
    fetchAsset: async (id) => asset(id, 'processing'),
    timers: clock,
  });
  const events: UploadEvent[] = [];
  manager.onEvent((event) => events.push(event));
  const add = (...files: FakeFile[]) => manager.add(files as unknown as File[], 'files');
  const row = (name: string) => manager.getSnapshot().items.find((i) => i.name === name);
  return { clock, server, manager, events, send, add, row, listeners };
}

describe('upload manager', () => {
  it("shows each upload with its file's state on the server, and tells the pages and screen readers", async () => {
    const { clock, events, send, add, row, manager, listeners } = setup();
    add({ name: 'a.pdf', size: 300 }, { name: 'b.pdf', size: 300 });
    await clock.advance(5 * CHUNK_MS);
    const a = row('a.pdf');
    assert.equal(a?.status, 'uploaded');
    assert.equal(manager.getSnapshot().announcement, 'a.pdf uploaded. b.pdf uploaded');
    assert.equal(a?.asset?.state, 'processing', 'asked for at once when the upload finished');
    const untouched = row('b.pdf');
    send(asset(a?.assetId ?? '', 'ready'));
    assert.equal(row('a.pdf')?.asset?.state, 'ready');
    assert.equal(row('b.pdf'), untouched, 'a row that did not change stays the same object');
    send(asset(row('b.pdf')?.assetId ?? '', 'failed'));
    assert.equal(listeners.size, 0, 'no more listening once both are settled');
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.item.name}`),
      [
        'created a.pdf',
        'created b.pdf',
        'uploaded a.pdf',
        'asset a.pdf',
        'uploaded b.pdf',
        'asset b.pdf',
        'asset a.pdf',
        'asset b.pdf',
      ],
    );
    await clock.advance(ANNOUNCE_INTERVAL_MS);
    assert.equal(manager.getSnapshot().announcement, 'a.pdf is ready. b.pdf failed: The file is damaged.');
    manager.clearFinished('files');
    assert.equal(manager.getSnapshot().items.length, 0);
  });

  it('says a cancelled upload was removed, but not a dismissed row', async () => {
    const { clock, server, events, add, row, manager } = setup();
    server.refused.add('bad.exe');
    add({ name: 'a.pdf', size: 1000 }, { name: 'bad.exe', size: 10 });
    await clock.advance(2 * CHUNK_MS);
    manager.dismiss(row('bad.exe')?.key ?? '');
    await manager.cancel(row('a.pdf')?.key ?? '');
    assert.deepEqual(
      events.filter((e) => e.type === 'removed' || e.type === 'failed').map((e) => `${e.type} ${e.item.name}`),
      ['failed bad.exe', 'removed a.pdf'],
    );
    assert.equal(manager.getSnapshot().items.length, 0);
    assert.equal(server.uploads.size, 0);
  });
});
