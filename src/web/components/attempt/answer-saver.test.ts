import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SaveAnswerBody, SaveAnswerResult } from '../../../shared/attempts.ts';
import { FakeClock, settle } from '../../testing/fake-clock.ts';
import { AnswerSaver, type KeyValueStorage, type SaveFailure, storageKey } from './answer-saver.ts';

class MemoryStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => {
    this.map.set(k, v);
  };
  removeItem = (k: string) => {
    this.map.delete(k);
  };
}

const NETWORK = new Error('network');
class Refusal extends Error {
  readonly code: string;
  constructor(code: string) {
    super(`refused: ${code}`);
    this.code = code;
  }
}

/** A fake server keeping the latest answer per question by sequence number, as the real one does. */
function fakeServer() {
  const stored = new Map<string, { answerIds: string[]; flagged: boolean; sequence: number }>();
  const calls: { questionId: string; body: SaveAnswerBody }[] = [];
  let down = false;
  let refuseWith: string | null = null;
  const held: (() => void)[] = [];
  let hold = false;
  const send = async (questionId: string, body: SaveAnswerBody): Promise<SaveAnswerResult> => {
    calls.push({ questionId, body });
    if (hold) await new Promise<void>((r) => held.push(r));
    if (down) throw NETWORK;
    if (refuseWith) throw new Refusal(refuseWith);
    const before = stored.get(questionId);
    const applied = !before || body.sequence > before.sequence;
    if (applied)
      stored.set(questionId, { answerIds: body.answerIds, flagged: body.flagged ?? false, sequence: body.sequence });
    const now = stored.get(questionId) as { answerIds: string[]; flagged: boolean; sequence: number };
    return {
      questionId,
      applied,
      response: { ...now, savedAt: new Date(0).toISOString() },
      deadline: null,
      serverNow: new Date(0).toISOString(),
    };
  };
  return {
    stored,
    calls,
    send,
    setDown: (v: boolean) => {
      down = v;
    },
    refuse: (code: string | null) => {
      refuseWith = code;
    },
    hold: (v: boolean) => {
      hold = v;
    },
    release: () => {
      for (const r of held.splice(0)) r();
    },
  };
}

const classify = (error: unknown): SaveFailure =>
  error instanceof Refusal
    ? { kind: 'refused', code: error.code, message: `Refused (${error.code}).` }
    : { kind: 'network' };

function setup() {
  const clock = new FakeClock();
  clock.time = 1_000_000;
  const server = fakeServer();
  const storage = new MemoryStorage();
  const over: string[] = [];
  const make = () =>
    new AnswerSaver({
      attemptId: 'a1',
      send: server.send,
      classify,
      storage,
      timers: clock,
      backoffMs: [1_000, 5_000],
      onAttemptOver: (c) => over.push(c),
    });
  return { clock, server, storage, saver: make(), make, over };
}

describe('the answer saver', () => {
  it('sends each change as its own request and shows it saved only once acknowledged', async () => {
    const { server, saver, clock } = setup();
    saver.load({});
    server.hold(true);
    saver.change('q1', { answerIds: ['a'], flagged: false });
    assert.equal(saver.snapshot().get('q1')?.status.kind, 'saving');
    clock.time += 5;
    saver.change('q1', { answerIds: ['b'], flagged: false });
    assert.equal(server.calls.length, 2);
    assert.ok((server.calls[1]?.body.sequence ?? 0) > (server.calls[0]?.body.sequence ?? 0));
    server.hold(false);
    server.release();
    await settle();
    assert.deepEqual(saver.snapshot().get('q1')?.answerIds, ['b']);
    assert.equal(saver.snapshot().get('q1')?.status.kind, 'saved');
    assert.equal(saver.unsavedCount, 0);
  });

  it('keeps answers chosen offline in storage, shows them unsaved, and sends them when back', async () => {
    const { server, saver, storage, clock, make } = setup();
    saver.load({});
    server.setDown(true);
    saver.change('q1', { answerIds: ['a'], flagged: false });
    await settle();
    saver.change('q2', { answerIds: ['c'], flagged: true });
    saver.change('q3', { answerIds: [], flagged: true });
    await settle();
    for (const q of ['q1', 'q2', 'q3']) assert.equal(saver.snapshot().get(q)?.status.kind, 'unsaved', q);
    assert.equal(server.calls.length, 1, 'while offline, later changes wait for the retry');
    assert.deepEqual(Object.keys(JSON.parse(storage.getItem(storageKey('a1')) ?? '{}')).sort(), ['q1', 'q2', 'q3']);

    // A reload while offline: the new page shows them unsaved again.
    const reloaded = make();
    reloaded.load({});
    await settle();
    assert.equal(reloaded.snapshot().get('q2')?.status.kind, 'unsaved');
    reloaded.stop();

    server.setDown(false);
    await clock.advance(1_000);
    for (const q of ['q1', 'q2', 'q3']) assert.equal(saver.snapshot().get(q)?.status.kind, 'saved', q);
    assert.equal(storage.getItem(storageKey('a1')), null);
    assert.deepEqual(server.stored.get('q2'), {
      answerIds: ['c'],
      flagged: true,
      sequence: saver.snapshot().get('q2')?.sequence,
    });
  });

  it('backs off while the network stays down, and flush sends at once', async () => {
    const { server, saver, clock } = setup();
    saver.load({});
    server.setDown(true);
    saver.change('q1', { answerIds: ['a'], flagged: false });
    await clock.advance(1_000);
    assert.equal(server.calls.length, 2);
    await clock.advance(4_000);
    assert.equal(server.calls.length, 2, 'the second wait is longer');
    await clock.advance(1_000);
    assert.equal(server.calls.length, 3);
    server.setDown(false);
    saver.flush();
    await settle();
    assert.equal(saver.snapshot().get('q1')?.status.kind, 'saved');
  });

  it('shows the newer answer the server holds (another tab) instead of an older one of ours', async () => {
    const { server, saver } = setup();
    saver.load({});
    server.stored.set('q1', { answerIds: ['z'], flagged: false, sequence: Number.MAX_SAFE_INTEGER - 1 });
    saver.change('q1', { answerIds: ['a'], flagged: false });
    await settle();
    const shown = saver.snapshot().get('q1');
    assert.deepEqual(shown?.answerIds, ['z']);
    assert.equal(shown?.status.kind, 'saved');
    assert.equal(shown?.replacedElsewhere, true);
  });

  it('takes the server answer on reload unless ours is newer', async () => {
    const { saver, storage } = setup();
    storage.setItem(
      storageKey('a1'),
      JSON.stringify({
        q1: { answerIds: ['mine'], flagged: false, sequence: 50 },
        q2: { answerIds: ['old'], flagged: false, sequence: 5 },
      }),
    );
    saver.load({
      q1: { answerIds: ['theirs'], flagged: false, sequence: 40, savedAt: new Date(0).toISOString() },
      q2: { answerIds: ['new'], flagged: false, sequence: 9, savedAt: new Date(0).toISOString() },
    });
    assert.deepEqual(saver.snapshot().get('q1')?.answerIds, ['mine']);
    assert.deepEqual(saver.snapshot().get('q2')?.answerIds, ['new']);
    assert.equal(saver.snapshot().get('q2')?.status.kind, 'saved');
  });

  it('shows a refusal with the server message, forgets it, and reports the attempt over', async () => {
    const { server, saver, storage, over } = setup();
    saver.load({});
    server.refuse('attempt_time_over');
    saver.change('q1', { answerIds: ['a'], flagged: false });
    await settle();
    assert.deepEqual(saver.snapshot().get('q1')?.status, { kind: 'refused', message: 'Refused (attempt_time_over).' });
    assert.equal(storage.getItem(storageKey('a1')), null);
    assert.deepEqual(over, ['attempt_time_over']);
  });

  it('when one answer finds the attempt over, one still waiting to be retried is sent and gets its own verdict before the page is told, once', async () => {
    const clock = new FakeClock();
    clock.time = 1_000_000;
    const over: string[] = [];
    const calls: string[] = [];
    let down = true;
    let q2Failures = 0;
    const saver = new AnswerSaver({
      attemptId: 'a1',
      // Back online, q2's first request is lost again; every request that reaches the server is refused.
      send: async (questionId) => {
        calls.push(questionId);
        if (down) throw NETWORK;
        if (questionId === 'q2' && q2Failures-- > 0) throw NETWORK;
        throw new Refusal('attempt_time_over');
      },
      classify,
      storage: new MemoryStorage(),
      timers: clock,
      backoffMs: [60_000],
      onAttemptOver: (c) => over.push(c),
    });
    saver.load({});
    saver.change('q2', { answerIds: ['b'], flagged: false });
    await settle();
    saver.change('q1', { answerIds: ['a'], flagged: false });
    await settle();
    down = false;
    q2Failures = 1;
    saver.flush(); // the browser is back online
    await settle();
    // q1 was refused: q2, lost once more, did not wait a minute for its retry; the page heard of it after both.
    assert.deepEqual(calls, ['q2', 'q2', 'q1', 'q2']);
    for (const q of ['q1', 'q2']) assert.equal(saver.snapshot().get(q)?.status.kind, 'refused', q);
    assert.deepEqual(over, ['attempt_time_over']);
  });
});
