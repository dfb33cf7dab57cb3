// HTTP for certificates: the learner's own (list, PDF), public verification (by code, by uploaded
// PDF; rate limited, answering only the verification facts), and administration (search, revoke,
// re-issue) with the per-course settings for the course's author or an administrator.
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  adminCertificateResponseSchema,
  adminCertificatesResponseSchema,
  certificateSettingsResponseSchema,
  certificateSettingsSchema,
  certificateTemplateSchema,
  certificatesResponseSchema,
  MAX_VERIFY_UPLOAD_BYTES,
  revokeSchema,
  uploadVerificationSchema,
  verificationResponseSchema,
} from '../../shared/certificates.ts';
import { apiErrorBodySchema } from '../../shared/api-error.ts';
import { rateLimited } from '../errors.ts';
import { type Api, type RawResponse, sendCertificatePreview } from '../http/contract.ts';
import { sendBlob } from '../http/send-blob.ts';
import { contentDisposition } from '../uploads/names.ts';
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
const tags = ['Certificates'];
const PDF: RawResponse = {
  kind: 'file',
  reason: 'The certificate PDF as issued (application/pdf), with Range and ETag.',
};

export function registerCertificateRoutes(
  app: Api,
  deps: { certificates: CertificatesService; blobStore: BlobStore; verifyRate: RatePolicy },
): void {
  const { certificates, blobStore } = deps;
  const me = (request: FastifyRequest) => request.user as UserRow;
  const limiter = createRateLimiter(deps.verifyRate);
  const throttle = (request: FastifyRequest) => {
    const wait = limiter.take(request.ip);
    if (wait !== null) throw rateLimited('Too many verification requests from your address. Try again shortly.', wait);
  };

  app.get(
    '/api/certificates',
    {
      config: { access: 'signed-in' },
      schema: { tags, response: { 200: certificatesResponseSchema } },
    },
    async (request) => ({ certificates: await certificates.mine(me(request)) }),
  );

  // The bytes stored at issue, for ever: the SHA-256 is a strong ETag.
  app.get(
    '/api/certificates/:id/pdf',
    { config: { access: 'signed-in', rawResponse: PDF }, schema: { tags, params: idParams } },
    async (request, reply) => {
      return sendBlob(request, reply, blobStore, await certificates.pdf(me(request), request.params.id));
    },
  );

  // The signed credential, as JSON and as a baked badge: the holder's, like the PDF.
  app.get(
    '/api/certificates/:id/credential.json',
    {
      config: {
        access: 'signed-in',
        rawResponse: {
          kind: 'file',
          reason: 'A download (content-disposition: attachment): the signed Open Badges credential as issued.',
        },
      },
      schema: { tags, params: idParams },
    },
    async (request, reply) => {
      const { code, json } = await certificates.credentialJson(me(request), request.params.id);
      reply.header('content-disposition', contentDisposition('attachment', `certificate-${code}.credential.json`));
      return reply.type('application/json').send(JSON.stringify(json, null, 2));
    },
  );

  app.get(
    '/api/certificates/:id/badge.png',
    {
      config: {
        access: 'signed-in',
        rawResponse: { kind: 'file', reason: 'A download: the badge image (image/png) with the credential baked in.' },
      },
      schema: { tags, params: idParams },
    },
    async (request, reply) => {
      const { code, png } = await certificates.badgePng(me(request), request.params.id);
      reply.header('content-disposition', contentDisposition('attachment', `certificate-${code}.badge.png`));
      return reply.type('image/png').send(Buffer.from(png));
    },
  );

  app.get(
    '/api/verify/:code',
    {
      config: { access: 'public' },
      schema: {
        tags,
        params: codeParams,
        response: { 200: verificationResponseSchema, 404: apiErrorBodySchema },
      },
    },
    async (request, reply) => {
      throttle(request);
      const found = await certificates.verify(request.params.code);
      reply.header('cache-control', 'no-store');
      if (!found)
        return reply
          .code(404)
          .send({ error: 'not_issued_here', message: 'No certificate with this code was issued here.' });
      return { certificate: found };
    },
  );

  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // The PDF arrives as the raw body; a larger one is refused before it is read whole.
    scope.addContentTypeParser(
      ['application/pdf', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: MAX_VERIFY_UPLOAD_BYTES },
      (_r, body, done) => done(null, body),
    );
    scope.post(
      '/api/verify/upload',
      {
        config: { access: 'public' },
        bodyLimit: MAX_VERIFY_UPLOAD_BYTES,
        // The body is the PDF's bytes (its own content-type parser above), not JSON: no body schema.
        schema: { tags, response: { 200: uploadVerificationSchema, 400: apiErrorBodySchema } },
      },
      async (request, reply) => {
        throttle(request);
        reply.header('cache-control', 'no-store');
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) {
          return reply
            .code(400)
            .send({ error: 'invalid', message: 'Send the certificate PDF as the request body (application/pdf).' });
        }
        return certificates.verifyPdf(body);
      },
    );
  });

  app.get(
    '/api/admin/certificates',
    {
      config: { access: ADMINS },
      schema: {
        tags,
        querystring: searchQuery,
        response: { 200: adminCertificatesResponseSchema },
      },
    },
    async (request) => {
      return { certificates: await certificates.search(request.query.q) };
    },
  );

  app.post(
    '/api/admin/certificates/:id/revoke',
    {
      config: { access: ADMINS },
      schema: { tags, params: idParams, body: revokeSchema, response: { 200: adminCertificateResponseSchema } },
    },
    async (request) => {
      return { certificate: await certificates.revoke(me(request), request.params.id, request.body.reason) };
    },
  );

  app.post(
    '/api/admin/certificates/:id/reissue',
    {
      config: { access: ADMINS },
      schema: { tags, params: idParams, response: { 200: adminCertificateResponseSchema } },
    },
    async (request) => {
      return { certificate: await certificates.reissue(me(request), request.params.id) };
    },
  );

  // The course's author or an administrator (the service asks the policy).
  app.get(
    '/api/courses/:id/certificate-settings',
    {
      config: { access: AUTHORS },
      schema: { tags, params: idParams, response: { 200: certificateSettingsResponseSchema } },
    },
    async (request) => {
      return { settings: await certificates.settings(me(request), request.params.id) };
    },
  );

  // A sample PDF in the template being edited (not saved, nothing stored): the author's preview.
  app.post(
    '/api/courses/:id/certificate-preview',
    {
      config: {
        access: AUTHORS,
        rawResponse: { kind: 'file', reason: 'A sample certificate PDF (application/pdf), made and not stored.' },
      },
      schema: { tags, params: idParams, body: certificateTemplateSchema },
    },
    async (request, reply) => {
      const user = me(request);
      const pdf = await certificates.preview(
        { id: user.id, role: user.role, displayName: user.display_name },
        request.params.id,
        request.body,
      );
      return sendCertificatePreview(reply, pdf);
    },
  );

  app.put(
    '/api/courses/:id/certificate-settings',
    {
      config: { access: AUTHORS },
      schema: {
        tags,
        params: idParams,
        body: certificateSettingsSchema,
        response: { 200: certificateSettingsResponseSchema },
      },
    },
    async (request) => {
      return { settings: await certificates.saveSettings(me(request), request.params.id, request.body) };
    },
  );
}
