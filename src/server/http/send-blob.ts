// Sends a stored blob the way browsers and players expect: Range (one range), ETag, nosniff,
// the detected Content-Type, and a disposition chosen by the caller.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FileToServe } from '../blobs/file-to-serve.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { contentDisposition } from '../uploads/names.ts';

// Types that could run script in our origin if rendered: always downloaded, never shown inline.
const ACTIVE_TYPES = /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|application\/javascript|text\/javascript)/i;

export function isActiveContent(mime: string): boolean {
  return ACTIVE_TYPES.test(mime);
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

export async function sendBlob(
  request: FastifyRequest,
  reply: FastifyReply,
  store: BlobStore,
  blob: FileToServe,
): Promise<FastifyReply> {
  const etag = `"${blob.etag}"`;
  const type = isActiveContent(blob.mime) && !blob.sanitizedMarkup ? 'attachment' : blob.disposition;
  const disposition = blob.fileName === undefined ? type : contentDisposition(type, blob.fileName);
  reply
    .header('etag', etag)
    .header('accept-ranges', 'bytes')
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', disposition)
    .header('cache-control', 'private, max-age=3600')
    // A stored file is never a page of ours: no script, no plugins, even if opened directly;
    // only our own pages may frame it (the document preview).
    .header('content-security-policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'")
    .header('x-frame-options', 'SAMEORIGIN');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();

  const ifRange = request.headers['if-range'];
  const range = ifRange && ifRange !== etag ? null : parseRange(request.headers.range, blob.size);
  if (range === 'invalid') {
    return reply.code(416).header('content-range', `bytes */${blob.size}`).send();
  }
  reply.type(blob.mime);
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${blob.size}`);
    reply.header('content-length', String(range.end - range.start + 1));
    return reply.send(await store.read(blob.key, range));
  }
  reply.header('content-length', String(blob.size));
  if (request.method === 'HEAD') return reply.send();
  return reply.send(await store.read(blob.key));
}
