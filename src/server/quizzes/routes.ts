// HTTP for importing questions into a draft's test set (the file is the request body, as bytes) and
// exporting a draft's or course version's test set as Moodle XML or GIFT.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatBytes } from '../../shared/format-bytes.ts';
import {
  importConfirmResponseSchema,
  importPreviewResponseSchema,
  importTargetSchema,
  MAX_IMPORT_BYTES,
} from '../../shared/quiz-import.ts';
import { tooLarge } from '../errors.ts';
import type { Api, RawResponse } from '../http/contract.ts';
import { parseInput } from '../http/errors.ts';
import type { UserRow } from '../users/repository.ts';
import type { ExportFile, QuizTransferService } from './service.ts';

const AUTHORS = ['author', 'admin'] as const;
const draftParams = z.object({ id: z.uuid() });
const versionParams = z.object({ id: z.uuid(), version: z.coerce.number().int().min(1) });
const exportQuery = z.object({ format: z.enum(['moodle-xml', 'gift']).default('moodle-xml') });
const fileName = z.string().trim().min(1).max(255);
const previewQuery = z.object({ name: fileName });
const confirmQuery = z
  .object({
    name: fileName,
    revision: z.coerce.number().int().min(1),
    categoryId: z.uuid().optional(),
    newCategory: z.string().trim().min(1).max(200).optional(),
  })
  .refine(
    (q) => (q.categoryId === undefined) !== (q.newCategory === undefined),
    'Give either categoryId or newCategory',
  );

const tags = ['Question import and export'];
const EXPORT: RawResponse = {
  kind: 'file',
  reason: 'A download (content-disposition: attachment): the test set as Moodle XML or GIFT text.',
};
// The import file is the body, read as bytes by this scope's own parser: the route declares no body schema.

const TOO_LARGE = (size: number) =>
  tooLarge(
    `This file is ${formatBytes(size)}; an import file may be at most ${formatBytes(MAX_IMPORT_BYTES)}.`,
    'import_too_large',
  );

export function registerQuizRoutes(app: Api, deps: { transfer: QuizTransferService }): void {
  const { transfer } = deps;
  const me = (user: UserRow | null) => user as UserRow;

  const send = (reply: FastifyReply, file: ExportFile) =>
    reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('x-content-type-options', 'nosniff')
      .send(file.body);

  app.get(
    '/api/drafts/:id/test/export',
    {
      config: { access: AUTHORS, rawResponse: EXPORT },
      schema: { tags, params: draftParams, querystring: exportQuery },
    },
    async (request, reply) => {
      return send(reply, await transfer.exportDraft(me(request.user), request.params.id, request.query.format));
    },
  );

  app.get(
    '/api/courses/:id/versions/:version/test/export',
    {
      config: { access: AUTHORS, rawResponse: EXPORT },
      schema: { tags, params: versionParams, querystring: exportQuery },
    },
    async (request, reply) => {
      const { id, version } = request.params;
      return send(reply, await transfer.exportVersion(me(request.user), id, version, request.query.format));
    },
  );

  // The import file arrives as the body, read here with its own limit (the app's JSON limit is 1 MB).
  void app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(
      'application/octet-stream',
      async (request: FastifyRequest, payload: NodeJS.ReadableStream) => {
        const declared = Number(request.headers['content-length'] ?? 0);
        if (declared > MAX_IMPORT_BYTES) throw TOO_LARGE(declared);
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of payload) {
          size += (chunk as Buffer).length;
          if (size > MAX_IMPORT_BYTES) throw TOO_LARGE(size);
          chunks.push(chunk as Buffer);
        }
        return Buffer.concat(chunks);
      },
    );

    const body = (raw: unknown) => (Buffer.isBuffer(raw) ? new Uint8Array(raw) : new Uint8Array());

    scope.post(
      '/api/drafts/:id/test/import/preview',
      {
        config: { access: AUTHORS },
        schema: {
          tags,
          params: draftParams,
          querystring: previewQuery,
          response: { 200: importPreviewResponseSchema },
        },
      },
      async (request) => {
        const { id } = request.params;
        return { preview: await transfer.preview(me(request.user), id, body(request.body), request.query.name) };
      },
    );

    scope.post(
      '/api/drafts/:id/test/import',
      {
        config: { access: AUTHORS },
        schema: {
          tags,
          params: draftParams,
          querystring: confirmQuery,
          response: { 200: importConfirmResponseSchema },
        },
      },
      async (request) => {
        const { id } = request.params;
        const query = request.query;
        const target = parseInput(
          importTargetSchema,
          query.categoryId ? { categoryId: query.categoryId } : { newCategory: query.newCategory },
        );
        return transfer.confirm(me(request.user), id, {
          bytes: body(request.body),
          fileName: query.name,
          revision: query.revision,
          target,
        });
      },
    );
  });
}
