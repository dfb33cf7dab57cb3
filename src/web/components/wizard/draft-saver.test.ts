// The wizard's autosave rules, with a fake clock and a fake server that keeps revisions like the
// real one (a save with a stale revision is refused).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DraftUpdate, type DraftView, EMPTY_DRAFT_CONTENT } from '../../../shared/drafts.ts';
import { FakeClock } from '../../testing/fake-clock.ts';
import { DraftSaver, type SaveFailure } from './draft-saver.ts';

class NetworkDown extends Error {}
class Conflict extends Error {
  readonly current: DraftView;
  constructor(current: DraftView) {
    super('conflict');
    this.current = current;
  }
}

/** The server's side: revisions, and the saves it received. */
class FakeServer {
  draft: DraftView = {
    id: '11111111-1111-4111-8111-111111111111',
    courseId: null,
    baseVersion: null,
    revision: 1,
    step: 'basics',
  visitedSteps: ['basics'],
    content: EMPTY_DRAFT_CONTENT,
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
  };
  received: DraftUpdate[] = [];
  offline = false;
  /** Resolves the next save only when released (to edit while a save is on its way). */
  hold: Promise<void> | null = null;

  send = async (_id: string, update: DraftUpdate): Promise<DraftView> => {
    if (this.hold) await this.hold;
    if (this.offline) throw new NetworkDown();
    if (update.revision !== this.draft.revision) throw new Conflict(this.draft);
    this.received.push(update);
    const { revision: _, step, ...sections } = update;
    this.draft = {
      ...this.draft,
      revision: this.draft.revision + 1,
      step: step ?? this.draft.step,
      content: { ...this.draft.content, ...sections },
      updatedAt: new Date(this.draft.revision * 1000).toISOString(),
    };
    return this.draft;
  };

  /** Another tab saves. */
  saveElsewhere(title: string): void {
    this.draft = {
      ...this.draft,
      revision: this.draft.revision + 1,
      content: { ...this.draft.content, basics: { ...this.draft.content.basics, title } },
    };
  }
}

function classify(error: unknown): SaveFailure {
  if (error instanceof NetworkDown) return { kind: 'network' };
  if (error instanceof Conflict) return { kind: 'conflict', message: 'Changed elsewhere.', current: error.current };
  return { kind: 'refused', message: String(error) };
}

function setup() {
  const clock = new FakeClock();
  const server = new FakeServer();
  const saver = new DraftSaver(server.draft, {
    send: server.send,
    classify,
    timers: clock,
    debounceMs: 500,
    backoffMs: [1000, 4000],
  });
  const basics = () => saver.getSnapshot().content.basics;
  const setTitle = (title: string) => saver.update('basics', { ...basics(), title });
  return { clock, server, saver, setTitle };
}

describe('draft autosave', () => {
  it('waits for a pause in typing, then saves the latest text once', async () => {
    const { clock, server, saver, setTitle } = setup();
    setTitle('I');
    await clock.advance(300);
    setTitle('Intro');
    assert.equal(saver.getSnapshot().status.kind, 'saving');
    await clock.advance(499);
    assert.equal(server.received.length, 0);
    await clock.advance(1);
    assert.equal(server.received.length, 1);
    assert.equal(server.received[0]?.basics?.title, 'Intro');
    assert.equal(server.received[0]?.files, undefined, 'only the changed section is sent');
    assert.deepEqual(saver.getSnapshot().status, { kind: 'saved' });
    assert.equal(saver.getSnapshot().revision, 2);
  });

  it('keeps changes made while a save is on its way and sends them next, with the new revision', async () => {
    const { clock, server, saver, setTitle } = setup();
    let release = () => {};
    server.hold = new Promise((resolve) => {
      release = resolve;
    });
    setTitle('First');
    await clock.advance(500);
    setTitle('Second');
    server.hold = null;
    release();
    await clock.advance(0);
    assert.equal(server.draft.content.basics.title, 'First');
    assert.equal(saver.getSnapshot().status.kind, 'saving', 'the second change still waits');
    await clock.advance(500);
    assert.equal(server.draft.content.basics.title, 'Second');
    assert.deepEqual(
      server.received.map((u) => u.revision),
      [1, 2],
    );
    assert.equal(saver.hasUnsavedChanges, false);
  });

  it('says offline and retries with backoff until the network is back', async () => {
    const { clock, server, saver, setTitle } = setup();
    server.offline = true;
    setTitle('Offline edit');
    await clock.advance(500);
    assert.equal(saver.getSnapshot().status.kind, 'offline');
    await clock.advance(1000);
    assert.equal(saver.getSnapshot().status.kind, 'offline', 'still down at the first retry');
    server.offline = false;
    await clock.advance(3999);
    assert.equal(server.received.length, 0, 'the second wait is longer');
    await clock.advance(1);
    assert.equal(server.draft.content.basics.title, 'Offline edit');
    assert.deepEqual(saver.getSnapshot().status, { kind: 'saved' });
  });

  it('retries at once when asked (the browser is online again)', async () => {
    const { clock, server, saver, setTitle } = setup();
    server.offline = true;
    setTitle('Back soon');
    await clock.advance(500);
    server.offline = false;
    saver.retryNow();
    await clock.advance(0);
    assert.equal(server.draft.content.basics.title, 'Back soon');
  });

  it('stops on a conflict instead of overwriting, until the latest version is loaded', async () => {
    const { clock, server, saver, setTitle } = setup();
    server.saveElsewhere('From the other tab');
    setTitle('From this tab');
    await clock.advance(500);
    const status = saver.getSnapshot().status;
    assert.equal(status.kind, 'conflict');
    assert.equal(server.draft.content.basics.title, 'From the other tab');
    setTitle('Typing on');
    await clock.advance(5000);
    assert.equal(server.received.length, 0, 'nothing is sent during a conflict');
    if (status.kind !== 'conflict') throw new Error('unreachable');
    saver.replace(status.current);
    assert.equal(saver.getSnapshot().content.basics.title, 'From the other tab');
    setTitle('Edited after loading');
    await clock.advance(500);
    assert.equal(server.draft.content.basics.title, 'Edited after loading');
  });

  it('takes a newer version from elsewhere only when nothing here is unsaved', async () => {
    const { clock, server, saver, setTitle } = setup();
    server.saveElsewhere('From the other device');
    assert.equal(saver.adopt(server.draft), true);
    assert.equal(saver.getSnapshot().content.basics.title, 'From the other device');
    assert.equal(saver.adopt(server.draft), false, 'not the same revision again');
    setTitle('Typing here');
    server.saveElsewhere('Newer still');
    assert.equal(saver.adopt(server.draft), false, 'local changes are never dropped silently');
    assert.equal(saver.getSnapshot().content.basics.title, 'Typing here');
    await clock.advance(500);
    assert.equal(saver.getSnapshot().status.kind, 'conflict', 'the save then meets the conflict');
  });

  it('holds a section that fails the schema, says why, and still saves the others', async () => {
    const { clock, server, saver } = setup();
    const { basics } = saver.getSnapshot().content;
    saver.update('basics', { ...basics, language: 'not a tag!' });
    saver.setStep('files');
    await clock.advance(500);
    assert.equal(server.received.length, 1);
    assert.equal(server.received[0]?.basics, undefined);
    assert.equal(server.received[0]?.step, 'files');
    const status = saver.getSnapshot().status;
    assert.equal(status.kind, 'invalid');
    assert.match(status.kind === 'invalid' ? status.message : '', /^Basics: Language must be a language tag/);
    saver.update('basics', { ...basics, language: 'pt-BR' });
    await clock.advance(500);
    assert.equal(server.draft.content.basics.language, 'pt-BR');
    assert.deepEqual(saver.getSnapshot().status, { kind: 'saved' });
  });

  it('flushes at once and tells whether everything reached the server', async () => {
    const { server, saver, setTitle } = setup();
    setTitle('Publish me');
    assert.equal(await saver.flush(), true);
    assert.equal(server.draft.content.basics.title, 'Publish me');
    server.offline = true;
    setTitle('Not yet');
    assert.equal(await saver.flush(), false);
    assert.equal(saver.getSnapshot().status.kind, 'offline');
    saver.stop();
  });
});
