// Images are never served as uploaded: the `web` and `thumbnail` copies are re-encoded by sharp, which
// applies the EXIF orientation and drops every metadata block (EXIF incl. GPS, XMP, IPTC, ICC → sRGB).
//
// Choices:
// - Output is WebP (alpha kept, every current browser) at quality 82; `web` fits inside 2048×2048,
//   `thumbnail` inside 320×320, neither enlarged.
// - Animated GIF/WebP: `web` is an animated WebP (same frames, resized, usually far smaller than the GIF and
//   without the GIF's comment/XMP extensions) as long as all frames together stay within the pixel limit;
//   otherwise only the first frame (metadata.animationDropped). The thumbnail is always the first frame.
// - SVG is rasterized to PNG (librsvg runs no scripts and fetches nothing from the network), at a density
//   that keeps the raster within 2048 px, so a huge declared size is not a bomb. It is rendered from memory,
//   not from its path: librsvg resolves <image href="…"> against the file's folder, which would let an SVG
//   draw other stored files into its preview. The original is only ever served as an attachment.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import type { Processor, ProcessResult } from './types.ts';

const MAX_PIXELS = 100_000_000;
const WEB_SIZE = 2048;
const THUMB_SIZE = 320;
const QUALITY = 82;
const MAX_SVG_BYTES = 20 * 1024 * 1024;
const DAMAGED = 'The image file is damaged or incomplete.';

const tooLarge = (width: number, height: number): ProcessResult => ({
  ok: false,
  reason: `The image is too large (${width} × ${height} pixels; the limit is ${MAX_PIXELS / 1_000_000} megapixels).`,
});

function isDecodeError(err: unknown): boolean {
  // sharp/libvips report bad input as plain Errors; anything else (EACCES, a missing file, out of memory…) is ours.
  return err instanceof Error && !('code' in err) && !/memory|input file is missing/i.test(err.message);
}

export const processImage: Processor = async ({ file, workDir, signal }) => {
  let meta: Metadata;
  try {
    // Header only: no pixel is decoded, so a declared 100000×100000 image is refused before any allocation.
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (err) {
    if (!isDecodeError(err)) throw err;
    return /unsupported image format/i.test((err as Error).message)
      ? { ok: false, reason: 'This image format cannot be read on this server.' }
      : { ok: false, reason: DAMAGED };
  }
  const { width, height } = meta;
  if (!width || !height) return { ok: false, reason: DAMAGED };
  const svg = meta.format === 'svg';
  let density: number | undefined;
  if (svg) {
    // Render at the density that makes the long side at most 2048 px (72 dpi = the declared size).
    density = Math.min(72, Math.max(1, (72 * WEB_SIZE) / Math.max(width, height)));
    const scale = density / 72;
    if (width * scale * height * scale > MAX_PIXELS) return tooLarge(width, height);
  } else if (width * height > MAX_PIXELS) {
    return tooLarge(width, height);
  }
  const frames = meta.pages ?? 1;
  const animatable = frames > 1 && (meta.format === 'gif' || meta.format === 'webp');
  const animated = animatable && width * height * frames <= MAX_PIXELS;

  let source: string | Buffer = file;
  if (svg) {
    if ((await stat(file)).size > MAX_SVG_BYTES)
      return { ok: false, reason: 'The SVG file is too large (over 20 MB).' };
    source = await readFile(file); // no base path: references to local files resolve to nothing
  }
  const open = (allFrames: boolean) =>
    sharp(source, {
      limitInputPixels: MAX_PIXELS,
      failOn: 'error',
      animated: allFrames,
      ...(density !== undefined ? { density } : {}),
    })
      .timeout({ seconds: 120 })
      .rotate(); // auto-orient from EXIF, before resizing

  const web = path.join(workDir, svg ? 'web.png' : 'web.webp');
  const thumbnail = path.join(workDir, svg ? 'thumbnail.png' : 'thumbnail.webp');
  try {
    signal.throwIfAborted();
    const resizedWeb = open(animated).resize(WEB_SIZE, WEB_SIZE, { fit: 'inside', withoutEnlargement: true });
    await (svg ? resizedWeb.png() : resizedWeb.webp({ quality: QUALITY })).toFile(web);
    signal.throwIfAborted();
    const resizedThumb = open(false).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true });
    await (svg ? resizedThumb.png() : resizedThumb.webp({ quality: QUALITY })).toFile(thumbnail);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (isDecodeError(err)) {
      return /pixel limit/i.test((err as Error).message) ? tooLarge(width, height) : { ok: false, reason: DAMAGED };
    }
    throw err;
  }

  // Orientations 5–8 turn the picture by 90°, so width and height swap.
  const turned = (meta.orientation ?? 1) >= 5;
  const scale = density !== undefined ? density / 72 : 1;
  const metadata: Record<string, unknown> = {
    width: Math.round((turned ? height : width) * scale),
    height: Math.round((turned ? width : height) * scale),
    format: meta.format,
    hasAlpha: meta.hasAlpha ?? false,
  };
  if (svg) {
    metadata.svg = true;
    // The declared size, in case the raster was scaled down to fit.
    metadata.declaredWidth = width;
    metadata.declaredHeight = height;
  }
  if (animatable) {
    metadata.animated = true;
    metadata.frames = frames;
    if (!animated) metadata.animationDropped = true;
  }
  const mime = svg ? 'image/png' : 'image/webp';
  return {
    ok: true,
    derivatives: [
      { role: 'web', path: web, mime },
      { role: 'thumbnail', path: thumbnail, mime },
    ],
    metadata,
  };
};
