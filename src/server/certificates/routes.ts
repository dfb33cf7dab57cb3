// HTTP for certificates: the learner's own (list, PDF), public verification (by code, by uploaded
// PDF; rate limited, answering only the verification facts), and administration (search, revoke,
// re-issue) with the per-course settings for the course's author or an administrator.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  certificateSettingsSchema,
  certificateTemplateSchema,
  MAX_VERIFY_UPLOAD_BYTES,
  revokeSchema,
} from '../../shared/certificates.ts';
import { rateLimited } from '../errors.ts';
import { parseInput } from '../http/errors.ts';
import { sendBlob } from '../http/send-blob.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { UserRow } from '../users/repository.ts';
import type { RatePolicy } from './rate-limit.ts';
import { createRateLimiter } from './rate-limit.ts';
import type { CertificatesService } from './service.ts';

const idParams = z.object({ id: z.uuid() });
const codeParams = z.object({ code: z.string().min(1).max(64) });
const searchQuery = z.object({ q: z.string().max(200).default('') });
const AUTHORS = ['author', 'admin'] as const;
const ADMINS = ['admin'] as const;

export function registerCertificateRoutes(
  app: FastifyInstance,
  deps: { certificates: CertificatesService; blobStore: BlobStore; verifyRate: RatePolicy },
): void {
  const { certificates, blobStore } = deps;
  const me = (request: FastifyRequest) => request.user as UserRow;
  const limiter = createRateLimiter(deps.verifyRate);
  const throttle = (request: FastifyRequest) => {
    const wait = limiter.take(request.ip);
    if (wait !== null) throw rateLimited('Too many verification requests from your address. Try again shortly.', wait);
  };

  app.get('/api/certificates', { config: { access: 'signed-in' } }, async (request) => ({
    certificates: await certificates.mine(me(request)),
  }));

  // The bytes stored at issue, for ever: the SHA-256 is a strong ETag.
  app.get('/api/certificates/:id/pdf', { config: { access: 'signed-in' } }, async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendBlob(request, reply, blobStore, await certificates.pdf(me(request), id));
  });

  app.get('/api/verify/:code', { config: { access: 'public' } }, async (request, reply) => {
    throttle(request);
    const { code } = parseInput(codeParams, request.params);
    const found = await certificates.verify(code);
    reply.header('cache-control', 'no-store');
    if (!found)
      return reply
        .code(404)
        .send({ error: 'not_issued_here', message: 'No certificate with this code was issued here.' });
    return { certificate: found };
  });

  app.register(async (scope) => {
    // The PDF arrives as the raw body; a larger one is refused before it is read whole.
    scope.addContentTypeParser(
      ['application/pdf', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: MAX_VERIFY_UPLOAD_BYTES },
      (_r, body, done) => done(null, body),
    );
    scope.post(
      '/api/verify/upload',
      { config: { access: 'public' }, bodyLimit: MAX_VERIFY_UPLOAD_BYTES },
      async (request, reply) => {
        throttle(request);
        reply.header('cache-control', 'no-store');
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) {
          return reply
            .code(400)
            .send({ error: 'invalid', message: 'Send the certificate PDF as the request body (application/pdf).' });
        }
        const found = await certificates.verifyPdf(body);
        if (!found)
          return { issuedHere: false, message: 'This PDF was not issued here, or it was changed after it was issued.' };
        return { issuedHere: true, certificate: found };
      },
    );
  });

  app.get('/api/admin/certificates', { config: { access: ADMINS } }, async (request) => {
    const { q } = parseInput(searchQuery, request.query);
    return { certificates: await certificates.search(q) };
  });

  app.post('/api/admin/certificates/:id/revoke', { config: { access: ADMINS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const { reason } = parseInput(revokeSchema, request.body);
    return { certificate: await certificates.revoke(me(request), id, reason) };
  });

  app.post('/api/admin/certificates/:id/reissue', { config: { access: ADMINS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { certificate: await certificates.reissue(me(request), id) };
  });

  // The course's author or an administrator (the service asks the policy).
  app.get('/api/courses/:id/certificate-settings', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { settings: await certificates.settings(me(request), id) };
  });

  // A sample PDF in the template being edited (not saved, nothing stored): the author's preview.
  app.post('/api/courses/:id/certificate-preview', { config: { access: AUTHORS } }, async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const template = parseInput(certificateTemplateSchema, request.body);
    const user = me(request);
    const pdf = await certificates.preview(
      { id: user.id, role: user.role, displayName: user.display_name },
      id,
      template,
    );
    return reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', 'inline; filename="certificate-preview.pdf"')
      .send(Buffer.from(pdf));
  });

  app.put('/api/courses/:id/certificate-settings', { config: { access: AUTHORS } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const settings = parseInput(certificateSettingsSchema, request.body);
    return { settings: await certificates.saveSettings(me(request), id, settings) };
  });
}
