// Uploaded files join the course in the order the author chose them, whichever upload starts first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DraftFile } from '../../../shared/drafts.ts';
import { placeUploadedFile, uploadSequence } from './file-order.ts';

const file = (assetId: string): DraftFile => ({ assetId, title: assetId, description: '', required: true });

describe('placing an uploaded file', () => {
  it('keeps the drop order when a later file’s upload starts first', () => {
    // a, b, c dropped at once (uploads 1, 2, 3); the server creates c, then a, then b.
    const sequences = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const sequenceOf = (id: string) => sequences.get(id);
    let files: DraftFile[] = [file('old')];
    for (const id of ['c', 'a', 'b']) files = placeUploadedFile(files, file(id), sequences.get(id), sequenceOf);
    assert.deepEqual(
      files.map((f) => f.assetId),
      ['old', 'a', 'b', 'c'],
    );
  });

  it('respects the author’s reordering and adds a file only once', () => {
    const sequences = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const sequenceOf = (id: string) => sequences.get(id);
    // The author moved c above an older file; b arrives later and goes before c, its later pick.
    const files = [file('c'), file('old'), file('a')];
    assert.deepEqual(
      placeUploadedFile(files, file('b'), 2, sequenceOf).map((f) => f.assetId),
      ['b', 'c', 'old', 'a'],
    );
    assert.deepEqual(
      placeUploadedFile(files, file('a'), 1, sequenceOf).map((f) => f.assetId),
      ['c', 'old', 'a'],
    );
    assert.deepEqual(
      placeUploadedFile(files, file('x'), undefined, sequenceOf).map((f) => f.assetId),
      ['c', 'old', 'a', 'x'],
    );
  });

  it('reads an upload’s sequence from its key', () => {
    assert.equal(uploadSequence('upload-12'), 12);
    assert.equal(uploadSequence('other'), undefined);
  });
});
