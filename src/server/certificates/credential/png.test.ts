import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { badgeSvg, renderBadgePng, titleLines } from './badge.ts';
import { BADGE_KEYWORD, bakePng, encodeChunk, extractFromPng, PngError, readChunks } from './png.ts';

const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJ0ZXN0Ijoiw7Z6In0.c2lnbmF0dXJl';

// CRC-32 (ISO 3309, as PNG uses it) written out bit by bit here, independent of zlib's.
function referenceCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunksByHand(png: Uint8Array): { type: string; data: Buffer; crc: number; expected: number }[] {
  const buf = Buffer.from(png);
  const out = [];
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    out.push({
      type,
      data: buf.subarray(at + 8, at + 8 + length),
      crc: buf.readUInt32BE(at + 8 + length),
      expected: referenceCrc(buf.subarray(at + 4, at + 8 + length)),
    });
    at += 12 + length;
  }
  return out;
}

const smallPng = () =>
  sharp({ create: { width: 4, height: 3, channels: 3, background: '#1864ab' } })
    .png()
    .toBuffer();

describe('baked PNG badge', () => {
  it('bake → extract round-trips; the PNG still decodes and every CRC is right', async () => {
    const png = await smallPng();
    const baked = bakePng(png, jwt);
    assert.equal(extractFromPng(baked), jwt);
    const meta = await sharp(baked).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 4);
    assert.equal(meta.height, 3);
    const { info } = await sharp(baked).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.width, 4);
    const chunks = chunksByHand(baked);
    for (const c of chunks) assert.equal(c.crc, c.expected, `CRC of ${c.type}`);
    const itxt = chunks.filter((c) => c.type === 'iTXt');
    assert.equal(itxt.length, 1);
    assert.equal(chunks.at(-1)?.type, 'IEND');
    assert.equal(chunks.at(-2)?.type, 'iTXt');
    // keyword NUL, uncompressed (0, 0), empty language tag NUL, empty translated keyword NUL, text
    assert.deepEqual(
      itxt[0]?.data,
      Buffer.concat([Buffer.from(`${BADGE_KEYWORD}\0\0\0\0\0`, 'latin1'), Buffer.from(jwt)]),
    );
  });

  it('baking again replaces the credential; other chunks are kept as they were', async () => {
    const png = await smallPng();
    const twice = bakePng(bakePng(png, jwt), 'second.credential.jwt');
    assert.equal(extractFromPng(twice), 'second.credential.jwt');
    assert.equal(chunksByHand(twice).filter((c) => c.type === 'iTXt').length, 1);
    const before = chunksByHand(png).filter((c) => c.type !== 'IEND');
    const after = chunksByHand(twice).filter((c) => c.type !== 'IEND' && c.type !== 'iTXt');
    assert.deepEqual(after, before);
  });

  it('reads a compressed iTXt, ignores other keywords and a chunk whose CRC is wrong', async () => {
    const png = await smallPng();
    const iend = png.length - 12;
    const compressed = encodeChunk(
      'iTXt',
      Buffer.concat([Buffer.from(`${BADGE_KEYWORD}\0\x01\x00en\0\0`, 'latin1'), deflateSync(Buffer.from(jwt))]),
    );
    const other = encodeChunk('iTXt', Buffer.from('Comment\0\0\0\0\0hello', 'latin1'));
    const withCompressed = Buffer.concat([png.subarray(0, iend), other, compressed, png.subarray(iend)]);
    assert.equal(extractFromPng(withCompressed), jwt);
    const broken = Buffer.from(bakePng(png, jwt));
    broken[broken.length - 13] = (broken[broken.length - 13] as number) ^ 0xff; // last CRC byte of the iTXt
    assert.equal(extractFromPng(broken), null);
    assert.equal(extractFromPng(png), null);
  });

  it('refuses what is not a PNG', () => {
    assert.throws(() => bakePng(new TextEncoder().encode('GIF89a'), jwt), PngError);
    assert.throws(
      () => readChunks(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 99])),
      PngError,
    );
    assert.equal(extractFromPng(new Uint8Array(3)), null);
  });
});

describe('badge image', () => {
  it('renders a 512 px PNG with the course title, ready for baking', async () => {
    const png = await renderBadgePng('Zoë Ångström-Łukasiewicz & <friends>');
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 512, 512]);
    assert.equal(extractFromPng(bakePng(png, jwt)), jwt);
    assert.match(badgeSvg('a & <b>'), /a &amp; &lt;b&gt;/);
  });

  it('breaks a title into at most three lines and marks a cut', () => {
    assert.deepEqual(titleLines('Fire safety'), ['Fire safety']);
    assert.deepEqual(titleLines('Handling chemicals safely in the lab'), ['Handling', 'chemicals', 'safely in the…']);
    const long = titleLines('Supercalifragilisticexpialidocious');
    assert.ok(long.every((l) => [...l].length <= 15));
    assert.deepEqual(titleLines('   '), ['Course']);
  });
});
