import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { processImage } from './image.ts';
import { inputFor, tempDir } from './test-support.ts';
import type { ProcessResult } from './types.ts';

function derivative(result: ProcessResult, role: string) {
  assert.ok(result.ok, JSON.stringify(result));
  const found = result.derivatives.find((d) => d.role === role);
  assert.ok(found, `no ${role} derivative`);
  return found;
}

/** A valid PNG header declaring any size, with a tiny (wrong-sized) IDAT: a decompression bomb's shape. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('image processor', () => {
  it('applies the EXIF orientation and strips EXIF, including GPS', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'photo.jpg');
    await sharp({ create: { width: 600, height: 400, channels: 3, background: '#c33' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Camera', Model: 'X' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
      .withMetadata({ orientation: 6 })
      .toFile(file);
    const original = await sharp(file).metadata();
    assert.equal(original.orientation, 6);
    assert.ok(original.exif && original.exif.length > 100, 'the test input carries EXIF');

    const result = await processImage(inputFor(file, dir, { mime: 'image/jpeg' }));
    assert.ok(result.ok);
    assert.deepEqual(result.metadata, { width: 400, height: 600, format: 'jpeg', hasAlpha: false });
    for (const role of ['web', 'thumbnail']) {
      const d = derivative(result, role);
      assert.equal(d.mime, 'image/webp');
      assert.ok(d.path.startsWith(dir));
      const meta = await sharp(d.path).metadata();
      assert.equal(meta.format, 'webp');
      assert.equal(meta.exif, undefined, `${role} has no EXIF`);
      assert.equal(meta.xmp, undefined);
      assert.equal(meta.orientation, undefined);
      assert.ok(meta.height > meta.width, `${role} is upright (${meta.width}×${meta.height})`);
    }
    const thumb = await sharp(derivative(result, 'thumbnail').path).metadata();
    assert.deepEqual([thumb.width, thumb.height], [213, 320]);
  });

  it('fits large images inside 2048 and never enlarges small ones', async (t) => {
    const dir = await tempDir(t);
    const big = path.join(dir, 'big.png');
    await sharp({ create: { width: 3000, height: 1000, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } })
      .png()
      .toFile(big);
    const result = await processImage(inputFor(big, dir));
    assert.ok(result.ok);
    assert.deepEqual(result.metadata, { width: 3000, height: 1000, format: 'png', hasAlpha: true });
    const web = await sharp(derivative(result, 'web').path).metadata();
    assert.deepEqual([web.width, web.height, web.hasAlpha], [2048, 683, true]);

    const smallDir = await tempDir(t);
    const small = path.join(smallDir, 'small.png');
    await sharp({ create: { width: 100, height: 50, channels: 3, background: '#00f' } })
      .png()
      .toFile(small);
    const smallResult = await processImage(inputFor(small, smallDir));
    for (const role of ['web', 'thumbnail']) {
      const meta = await sharp(derivative(smallResult, role).path).metadata();
      assert.deepEqual([meta.width, meta.height], [100, 50]);
    }
  });

  it('refuses a decompression bomb from its header alone, fast', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'bomb.png');
    await writeFile(file, pngHeader(100_000, 100_000));
    const started = Date.now();
    const result = await processImage(inputFor(file, dir));
    assert.deepEqual(result, {
      ok: false,
      reason: 'The image is too large (100000 × 100000 pixels; the limit is 100 megapixels).',
    });
    assert.ok(Date.now() - started < 1000);
  });

  it('reports a truncated or unreadable image in plain words', async (t) => {
    const dir = await tempDir(t);
    const noise = Buffer.from(Array.from({ length: 400 * 300 * 3 }, () => Math.floor(Math.random() * 256)));
    const jpeg = await sharp(noise, { raw: { width: 400, height: 300, channels: 3 } })
      .jpeg()
      .toBuffer();
    const truncated = path.join(dir, 'truncated.jpg');
    await writeFile(truncated, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    assert.deepEqual(await processImage(inputFor(truncated, dir)), {
      ok: false,
      reason: 'The image file is damaged or incomplete.',
    });
    const garbage = path.join(dir, 'garbage.png');
    await writeFile(garbage, 'this is not an image at all');
    assert.deepEqual(await processImage(inputFor(garbage, dir)), {
      ok: false,
      reason: 'This image format cannot be read on this server.',
    });
  });

  it('keeps a GIF animation as animated WebP, with a still thumbnail', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'anim.gif');
    const frames = await Promise.all(
      [0, 1, 2].map((i) =>
        sharp({ create: { width: 80, height: 60, channels: 3, background: { r: i * 100, g: 50, b: 0 } } })
          .png()
          .toBuffer(),
      ),
    );
    await sharp(frames, { join: { animated: true } })
      .gif()
      .toFile(file);
    const result = await processImage(inputFor(file, dir, { mime: 'image/gif' }));
    assert.ok(result.ok);
    assert.deepEqual(result.metadata, {
      width: 80,
      height: 60,
      format: 'gif',
      hasAlpha: true, // libvips always decodes GIF with an alpha channel
      animated: true,
      frames: 3,
    });
    const web = await sharp(derivative(result, 'web').path).metadata();
    assert.deepEqual([web.format, web.pages, web.width], ['webp', 3, 80]);
    const thumb = await sharp(derivative(result, 'thumbnail').path).metadata();
    assert.equal(thumb.pages ?? 1, 1);
  });

  it('rasterizes SVG to PNG without running its script, even at a huge declared size', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'drawing.svg');
    await writeFile(
      file,
      '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="50000" viewBox="0 0 200 100">' +
        '<script>alert(1)</script><image href="https://example.invalid/x.png" width="10" height="10"/>' +
        '<rect width="200" height="100" fill="red"/></svg>',
    );
    const result = await processImage(inputFor(file, dir, { mime: 'image/svg+xml' }));
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.metadata.svg, true);
    assert.deepEqual([result.metadata.declaredWidth, result.metadata.declaredHeight], [100000, 50000]);
    const web = derivative(result, 'web');
    assert.equal(web.mime, 'image/png');
    const meta = await sharp(web.path).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 2048, 1024]);
    const thumb = await sharp(derivative(result, 'thumbnail').path).metadata();
    assert.deepEqual([thumb.width, thumb.height], [320, 160]);
  });

  it('does not let an SVG draw other files from the server into its preview', async (t) => {
    const dir = await tempDir(t);
    await sharp({ create: { width: 100, height: 100, channels: 3, background: '#00ff00' } })
      .png()
      .toFile(path.join(dir, 'someone-elses.png'));
    const file = path.join(dir, 'spy.svg');
    await writeFile(
      file,
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">' +
        '<rect width="100" height="100" fill="#ff0000"/>' +
        '<image href="someone-elses.png" width="100" height="100"/>' +
        `<image xlink:href="file://${path.join(dir, 'someone-elses.png')}" width="100" height="100"/>` +
        '</svg>',
    );
    const work = await tempDir(t);
    const result = await processImage(inputFor(file, work, { mime: 'image/svg+xml' }));
    const { data } = await sharp(derivative(result, 'web').path).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([...data.subarray(0, 3)], [255, 0, 0], 'only the red rectangle, not the other file');
  });
});
