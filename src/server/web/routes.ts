// Serves the built React app: hashed assets forever, index.html for every client-side route.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { apiErrorBodySchema } from '../../shared/api-error.ts';
import type { Api, RawResponse } from '../http/contract.ts';
import { HttpError } from '../http/errors.ts';

export async function registerWebRoutes(app: Api, deps: { webDistDir: string }): Promise<void> {
  // The web app's files, not API operations: left out of the OpenAPI document.
  const web = (reason: string) => ({ access: 'public' as const, rawResponse: { kind: 'web', reason } satisfies RawResponse });
  const schema = { hide: true };
  const indexFile = path.join(deps.webDistDir, 'index.html');
  await app.register(fastifyStatic, { root: deps.webDistDir, serve: false });

  // Unknown API paths answer JSON, never the app's HTML.
  app.get('/api/*', { config: { access: 'public' }, schema: { hide: true, response: { 404: apiErrorBodySchema } } }, async (request) => {
    throw new HttpError(404, 'not_found', `No route for GET ${request.url}`);
  });

  app.get('/assets/*', { config: web('The built app\'s hashed files.'), schema }, (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(`assets/${file}`);
  });

  // Ruffle (the Flash emulator), self-hosted: never from a CDN.
  app.get('/ruffle/*', { config: web('The Flash emulator\'s files.'), schema }, (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    if (file.endsWith('.wasm')) reply.type('application/wasm');
    return reply.header('cache-control', 'public, max-age=86400').sendFile(`ruffle/${file}`);
  });

  // pdf.js data (character maps, standard fonts, decoders), self-hosted.
  app.get('/pdfjs/*', { config: web('pdf.js data files.'), schema }, (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    if (file.endsWith('.wasm')) reply.type('application/wasm');
    return reply.header('cache-control', 'public, max-age=86400').sendFile(`pdfjs/${file}`);
  });

  // The Flash viewer is its own document, framed by the app, so that only it gets the CSP
  // widening Ruffle needs (WebAssembly compilation) and the app itself keeps the strict one.
  app.get('/viewers/flash.html', { config: web('The Flash viewer document.'), schema }, (_request, reply) => {
    return reply
      .header(
        'content-security-policy',
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
      )
      .header('x-frame-options', 'SAMEORIGIN')
      .header('cache-control', 'no-cache')
      .sendFile('viewers/flash.html');
  });

  app.get('/*', { config: web('The app\'s HTML for client-side routes, and its top-level files.'), schema }, (request, reply) => {
    if (!existsSync(indexFile)) {
      throw new HttpError(503, 'web_not_built', 'The web app is not built. Run `npm run build`.');
    }
    const requested = (request.params as { '*': string })['*'];
    // Top-level files that Vite copies from public/ (favicon and the like).
    if (/^[\w.-]+\.(ico|png|svg|txt|webmanifest)$/.test(requested) && existsSync(path.join(deps.webDistDir, requested))) {
      return reply.sendFile(requested);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
