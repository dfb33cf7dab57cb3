// The transfer queue's rules, with a fake clock and a fake tus server (testing/fake-tus.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../testing/fake-clock.ts';
import {
  CHUNK_MS,
  type FakeFile,
  FakeServer,
  FakeStorage,
  FakeTransport,
  RETRY_DELAYS,
} from '../../testing/fake-tus.ts';
import { CONNECTION_LOST, type QueueEvent, RECONNECT_MS, TransferQueue } from './transfer-queue.ts';

function setup(shared?: { server: FakeServer; storage: FakeStorage; clock: FakeClock }) {
  const clock = shared?.clock ?? new FakeClock();
  const server = shared?.server ?? new FakeServer();
  const storage = shared?.storage ?? new FakeStorage();
  const events: QueueEvent[] = [];
  const queue = new TransferQueue<FakeFile>({
    transport: new FakeTransport(server, storage, clock),
    timers: clock,
    onEvent: (event) => events.push(event),
  });
  const status = (name: string) => queue.items.find((i) => i.name === name)?.status;
  const item = (name: string) => {
    const found = queue.items.find((i) => i.name === name);
    assert.ok(found, `no row for ${name}`);
    return found;
  };
  return { clock, server, storage, queue, events, status, item };
}

const file = (name: string, size = 1000): FakeFile => ({ name, size });

describe('upload transfer queue', () => {
  it('sends three files at a time; the fourth waits for a free slot', async () => {
    const { clock, queue, status, events } = setup();
    queue.add([file('a.pdf', 300), file('b.pdf'), file('c.pdf'), file('d.pdf')], 'files');
    await clock.advance(0);
    assert.deepEqual(
      queue.items.map((i) => i.status),
      ['uploading', 'uploading', 'uploading', 'queued'],
    );
    await clock.advance(4 * CHUNK_MS);
    assert.equal(status('a.pdf'), 'uploaded');
    assert.equal(status('d.pdf'), 'uploading', 'the freed slot goes to the waiting file');
    await clock.advance(20 * CHUNK_MS);
    assert.deepEqual(
      queue.items.map((i) => i.status),
      ['uploaded', 'uploaded', 'uploaded', 'uploaded'],
    );
    assert.equal(events.filter((e) => e.type === 'uploaded').length, 4);
    assert.equal(events.filter((e) => e.type === 'created').length, 4);
  });

  it('pauses: nothing more is sent and the slot goes to a waiting file', async () => {
    const { clock, server, queue, item, status } = setup();
    queue.add([file('a.pdf'), file('b.pdf'), file('c.pdf'), file('d.pdf')], 'files');
    await clock.advance(4 * CHUNK_MS);
    const a = item('a.pdf');
    assert.ok(a.assetId);
    const sentBefore = server.patches.filter((p) => p.url.endsWith(a.assetId ?? '')).length;
    queue.pause(a.key);
    assert.equal(status('a.pdf'), 'paused');
    assert.equal(status('d.pdf'), 'uploading');
    await clock.advance(10 * CHUNK_MS);
    assert.equal(server.patches.filter((p) => p.url.endsWith(a.assetId ?? '')).length, sentBefore);
    assert.equal(status('a.pdf'), 'paused');
  });

  it('resumes from the bytes the server has, without sending any again', async () => {
    const { clock, server, queue, item, status } = setup();
    queue.add([file('a.pdf')], 'files');
    await clock.advance(4 * CHUNK_MS); // created, then 300 bytes
    const { key, assetId } = item('a.pdf');
    queue.pause(key);
    await clock.advance(5_000);
    const upload = server.uploads.get(`/api/uploads/${assetId}`);
    assert.equal(upload?.offset, 300);
    queue.resume(key);
    assert.equal(status('a.pdf'), 'uploading');
    await clock.advance(7 * CHUNK_MS);
    assert.equal(status('a.pdf'), 'uploaded');
    assert.deepEqual(
      server.patches.map((p) => p.from),
      [0, 100, 200, 300, 400, 500, 600, 700, 800, 900],
    );
    assert.equal(item('a.pdf').bytesSent, 1000);
  });

  it('after a lost connection says so, keeps trying, and goes on where it stopped once the server answers', async () => {
    const { clock, server, queue, item, status } = setup();
    queue.add([file('a.pdf')], 'files');
    await clock.advance(3 * CHUNK_MS); // created, then 200 bytes
    server.offline = true;
    await clock.advance(CHUNK_MS);
    assert.equal(status('a.pdf'), 'retrying');
    assert.equal(item('a.pdf').error, CONNECTION_LOST);
    // The transport gives up after its own retries; the queue waits and tries again, slowly.
    await clock.advance(RETRY_DELAYS.reduce((a, b) => a + b, 0));
    assert.equal(status('a.pdf'), 'retrying');
    await clock.advance(RECONNECT_MS);
    assert.equal(status('a.pdf'), 'retrying', 'still offline: still waiting, never failed');
    server.offline = false;
    await clock.advance(RECONNECT_MS + 10 * CHUNK_MS);
    assert.equal(status('a.pdf'), 'uploaded');
    assert.equal(item('a.pdf').error, null);
    assert.deepEqual(
      server.patches.map((p) => p.from),
      [0, 100, 200, 300, 400, 500, 600, 700, 800, 900],
      'no byte sent twice',
    );
  });

  it('tries at once when the browser is back online', async () => {
    const { clock, server, queue, status } = setup();
    queue.add([file('a.pdf', 200)], 'files');
    await clock.advance(CHUNK_MS);
    server.offline = true;
    await clock.advance(CHUNK_MS + RETRY_DELAYS.reduce((a, b) => a + b, 0));
    assert.equal(status('a.pdf'), 'retrying');
    server.offline = false;
    queue.reconnectNow();
    await clock.advance(3 * CHUNK_MS);
    assert.equal(status('a.pdf'), 'uploaded');
  });

  it('a refused file fails alone, and the others go on', async () => {
    const { clock, server, queue, item, status, events } = setup();
    server.refused.add('b.exe');
    queue.add([file('a.pdf'), file('b.exe'), file('c.pdf'), file('d.pdf')], 'files');
    await clock.advance(CHUNK_MS);
    assert.equal(status('b.exe'), 'failed');
    assert.equal(item('b.exe').error, 'Files of this kind are not allowed.');
    assert.equal(item('b.exe').retryable, false);
    assert.equal(status('d.pdf'), 'uploading', 'its slot goes to the next file');
    await clock.advance(20 * CHUNK_MS);
    assert.deepEqual(
      queue.items.map((i) => i.status),
      ['uploaded', 'failed', 'uploaded', 'uploaded'],
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'failed').map((e) => e.item.name),
      ['b.exe'],
    );
  });

  it('after a reload offers the unfinished upload and resumes it when its file is chosen again', async () => {
    const first = setup();
    first.queue.add([file('a.pdf'), file('done.pdf', 100)], 'files');
    await first.clock.advance(4 * CHUNK_MS); // a.pdf: 300 of 1000 bytes; done.pdf finished
    const assetId = first.item('a.pdf').assetId;
    // A stored upload that the server no longer has (e.g. cleaned up) is forgotten.
    first.storage.add({ uploadUrl: '/api/uploads/lost', assetId: 'lost', name: 'lost.pdf', size: 5, createdAt: '2026-12-04' });

    // The page reloads: the queue starts again on the same storage; the old page's transfers are gone.
    first.queue.reset();
    const second = setup(first);
    assert.equal(second.queue.unfinished.length, 0);
    await second.queue.loadUnfinished();
    assert.deepEqual(
      second.queue.unfinished.map((u) => ({ name: u.name, offset: u.offset, assetId: u.assetId })),
      [{ name: 'a.pdf', offset: 300, assetId }],
    );
    assert.equal(second.storage.entries.length, 1, 'the lost one is forgotten');

    second.queue.add([file('a.pdf')], 'files');
    await second.clock.advance(0);
    assert.equal(second.item('a.pdf').resumed, true);
    assert.equal(second.queue.unfinished.length, 0);
    await second.clock.advance(8 * CHUNK_MS);
    assert.equal(second.status('a.pdf'), 'uploaded');
    assert.equal(second.item('a.pdf').assetId, assetId, 'the same upload, so the same asset');
    assert.deepEqual(
      second.server.patches.filter((p) => p.url.endsWith(assetId ?? '')).map((p) => p.from),
      [0, 100, 200, 300, 400, 500, 600, 700, 800, 900],
    );
    assert.equal(second.storage.entries.length, 0);
  });

  it('discards an unfinished upload on the server', async () => {
    const first = setup();
    first.queue.add([file('a.pdf')], 'files');
    await first.clock.advance(3 * CHUNK_MS);
    first.queue.reset();
    const second = setup(first);
    await second.queue.loadUnfinished();
    const [entry] = second.queue.unfinished;
    assert.ok(entry);
    await second.queue.discardUnfinished(entry.storageKey);
    assert.equal(second.queue.unfinished.length, 0);
    assert.equal(second.server.uploads.size, 0);
    assert.equal(second.storage.entries.length, 0);
  });

  it('cancel terminates the upload on the server and removes the row', async () => {
    const { clock, server, queue, item, events } = setup();
    queue.add([file('a.pdf')], 'files');
    await clock.advance(3 * CHUNK_MS);
    const { key, assetId } = item('a.pdf');
    await queue.cancel(key);
    assert.equal(queue.items.length, 0);
    assert.equal(server.uploads.size, 0);
    const removed = events.find((e) => e.type === 'removed');
    assert.ok(removed && removed.type === 'removed' && removed.deleted);
    assert.equal(removed.item.assetId, assetId);
  });

  it('deletes the asset instead when the upload cannot be terminated', async () => {
    const { clock, server, queue, item } = setup();
    queue.add([file('a.pdf')], 'files');
    await clock.advance(3 * CHUNK_MS);
    const { key, assetId } = item('a.pdf');
    server.offline = true;
    await queue.cancel(key);
    assert.equal(queue.items.length, 0);
    assert.deepEqual(server.deletedAssets, [assetId]);
  });
});
