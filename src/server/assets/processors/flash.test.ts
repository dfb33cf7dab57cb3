import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { processFlash } from './flash.ts';
import { FIXTURES, inputFor, tempDir } from './test-support.ts';

const swf = (name: string) => path.join(FIXTURES, 'swf', name);

describe('flash processor', () => {
  it('describes an ActionScript 3 movie without converting it', async (t) => {
    const result = await processFlash(inputFor(swf('ZeroClipboard.swf'), await tempDir(t)));
    assert.deepEqual(result, {
      ok: true,
      derivatives: [],
      metadata: {
        version: 14,
        compression: 'zlib',
        width: 500,
        height: 375,
        frameRate: 24,
        frameCount: 1,
        actionScript3: true,
      },
    });
  });

  it('reads AS1/2 movies, and prefers what type detection found', async (t) => {
    const dir = await tempDir(t);
    const result = await processFlash(
      inputFor(swf('expressInstall.swf'), dir, { details: { version: 6, avm: 1, nested: {} } }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.metadata, {
      version: 6,
      compression: 'zlib',
      width: 310,
      height: 130,
      frameRate: 12,
      frameCount: 1,
      actionScript3: false,
      avm: 1,
    });
    const other = await processFlash(inputFor(swf('swfobject_test.swf'), dir));
    assert.ok(other.ok);
    assert.deepEqual([other.metadata.width, other.metadata.height, other.metadata.version], [300, 120, 6]);
  });

  it('reads an uncompressed (FWS) movie', async (t) => {
    const dir = await tempDir(t);
    const cws = await readFile(swf('expressInstall.swf'));
    const file = path.join(dir, 'plain.swf');
    await writeFile(file, Buffer.concat([Buffer.from('FWS'), cws.subarray(3, 8), zlib.inflateSync(cws.subarray(8))]));
    const result = await processFlash(inputFor(file, dir));
    assert.ok(result.ok);
    assert.equal(result.metadata.compression, 'none');
    assert.deepEqual([result.metadata.width, result.metadata.height], [310, 130]);
  });

  it('refuses a file that is not a SWF', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'fake.swf');
    await writeFile(file, 'GIF89a definitely not flash');
    assert.deepEqual(await processFlash(inputFor(file, dir)), {
      ok: false,
      reason: 'The file is not a Flash (SWF) file.',
    });
  });
});
