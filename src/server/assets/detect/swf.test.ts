import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { detectFile } from './index.ts';
import { parseFrame } from './swf.ts';
import { FIXTURES, put, tempDir } from './testkit.ts';

const dir = await tempDir();
const swf = (name: string) => path.join(FIXTURES, 'swf', name);
const MIME = 'application/x-shockwave-flash';
const CUT = 'This Flash file is cut off: its header is incomplete (incomplete upload or damaged file).';

describe('detectFile: Flash fixtures', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'ZeroClipboard.swf',
      {
        compression: 'zlib',
        version: 14,
        declaredLength: 12229,
        width: 500,
        height: 375,
        frameRate: 24,
        frameCount: 1,
      },
    ],
    [
      'expressInstall.swf',
      { compression: 'zlib', version: 6, declaredLength: 1331, width: 310, height: 130, frameRate: 12, frameCount: 1 },
    ],
    [
      'swfobject_test.swf',
      { compression: 'zlib', version: 6, declaredLength: 8890, width: 300, height: 120, frameRate: 12, frameCount: 1 },
    ],
  ];
  for (const [name, details] of cases) {
    it(`reads the header of ${name}`, async () => {
      assert.deepEqual(await detectFile(swf(name), 'flash'), {
        ok: true,
        kind: 'flash',
        mime: MIME,
        ext: 'swf',
        details,
      });
    });
  }

  it('files an SWF uploaded as "image" as flash', async () => {
    const result = await detectFile(swf('expressInstall.swf'), 'image');
    assert.equal(result.ok && result.kind, 'flash');
  });
});

describe('detectFile: other SWF headers', () => {
  it('reads an uncompressed (FWS) file', async () => {
    const cws = await readFile(swf('expressInstall.swf'));
    const fws = Buffer.concat([Buffer.from('FWS'), cws.subarray(3, 8), inflateSync(cws.subarray(8))]);
    assert.equal(fws.length, cws.readUInt32LE(4));
    const result = await detectFile(await put(dir, 'fws.swf', fws), 'flash');
    assert.deepEqual(result.ok && result.details, {
      compression: 'none',
      version: 6,
      declaredLength: 1331,
      width: 310,
      height: 130,
      frameRate: 12,
      frameCount: 1,
      actualLength: 1331,
    });
  });

  it('accepts an LZMA (ZWS) file without decoding its frame', async () => {
    const zws = Buffer.alloc(40);
    zws.write('ZWS', 0, 'latin1');
    zws[3] = 13;
    zws.writeUInt32LE(5000, 4);
    zws.writeUInt32LE(23, 8);
    const result = await detectFile(await put(dir, 'zws.swf', zws), 'flash');
    assert.deepEqual(result.ok && result.details, { compression: 'lzma', version: 13, declaredLength: 5000 });
  });

  it('refuses a truncated SWF (first 5 bytes)', async () => {
    const head = (await readFile(swf('ZeroClipboard.swf'))).subarray(0, 5);
    assert.deepEqual(await detectFile(await put(dir, 'cut5.swf', head), 'flash'), { ok: false, reason: CUT });
  });

  it('refuses an SWF cut inside its compressed header', async () => {
    const head = (await readFile(swf('ZeroClipboard.swf'))).subarray(0, 12);
    assert.deepEqual(await detectFile(await put(dir, 'cut12.swf', head), 'flash'), { ok: false, reason: CUT });
  });

  it('refuses a declared length under 8 bytes', async () => {
    const data = Buffer.from(await readFile(swf('expressInstall.swf')));
    data.writeUInt32LE(7, 4);
    assert.deepEqual(await detectFile(await put(dir, 'len.swf', data), 'flash'), {
      ok: false,
      reason: "This Flash file's header is invalid (it declares a length of 7 bytes).",
    });
  });

  it('refuses an SWF whose header declares far more than the file holds (2 GB declared, 40 bytes held)', async () => {
    for (const signature of ['FWS', 'CWS', 'ZWS']) {
      const data = Buffer.from(await readFile(swf('expressInstall.swf'))).subarray(0, 40);
      data.write(signature, 0, 'latin1');
      data.writeUInt32LE(2 * 1024 ** 3, 4);
      assert.deepEqual(
        await detectFile(await put(dir, `huge-${signature}.swf`, data), 'flash'),
        {
          ok: false,
          reason: 'This Flash file is damaged or cut off: its header declares 2.0 GB but the file holds 40 bytes.',
        },
        signature,
      );
    }
  });

  it("refuses an uncompressed SWF cut short, and accepts a compressed one within deflate's ratio", async () => {
    const cws = await readFile(swf('expressInstall.swf'));
    const fws = Buffer.concat([Buffer.from('FWS'), cws.subarray(3, 8), inflateSync(cws.subarray(8))]);
    const padded = Buffer.concat([fws, Buffer.alloc(4096)]);
    padded.writeUInt32LE(padded.length, 4);
    const cut = await detectFile(await put(dir, 'cut.swf', padded.subarray(0, 2000)), 'flash');
    assert.deepEqual(cut, {
      ok: false,
      reason: 'This Flash file is damaged or cut off: its header declares 5.3 KB but the file holds 2.0 KB.',
    });
    const ratio = Buffer.from(cws);
    ratio.writeUInt32LE(cws.length * 1000, 4);
    assert.equal((await detectFile(await put(dir, 'ratio.swf', ratio), 'flash')).ok, true);
  });

  it('refuses a CWS file whose compressed data is garbage', async () => {
    const data = Buffer.concat([Buffer.from('CWS'), Buffer.from([10, 0, 1, 0, 0]), Buffer.alloc(64, 0xff)]);
    assert.deepEqual(await detectFile(await put(dir, 'bad.swf', data), 'flash'), {
      ok: false,
      reason: 'This Flash file is damaged: its compressed data cannot be read.',
    });
  });

  it('parses a RECT with negative coordinates', () => {
    // Nbits = 15: xMin = -200, xMax = 9800, yMin = -20, yMax = 5980 twips; 30 fps; 7 frames.
    const fields: [number, number][] = [
      [15, 5],
      [-200, 15],
      [9800, 15],
      [-20, 15],
      [5980, 15],
    ];
    const bits = fields.map(([value, n]) => (value & ((1 << n) - 1)).toString(2).padStart(n, '0')).join('');
    const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, '0');
    const rect = Buffer.from(
      Array.from({ length: padded.length / 8 }, (_, i) => parseInt(padded.slice(i * 8, i * 8 + 8), 2)),
    );
    const body = Buffer.concat([rect, Buffer.from([0, 30, 7, 0])]);
    assert.deepEqual(parseFrame(body), { width: 500, height: 300, frameRate: 30, frameCount: 7 });
    assert.equal(parseFrame(body.subarray(0, rect.length + 2)), null);
  });
});
