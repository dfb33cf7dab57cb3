// Builds the browser app (src/web) into dist/web, which the Fastify server serves.
// In development, Vite serves the app and forwards API calls to the server on port 3000.
import { createReadStream } from 'node:fs';
import { cp, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const apiServer = 'http://127.0.0.1:3000';
const fromRoot = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Library files that are loaded at run time by URL rather than bundled: Ruffle (the Flash player
 * and its WebAssembly) and pdf.js's data (CMaps, standard fonts, image decoders). They are copied
 * into the build under these paths, so that everything comes from our own origin.
 */
const RUNTIME_FILES: { from: string; to: string; skip?: RegExp }[] = [
  { from: fromRoot('./node_modules/@ruffle-rs/ruffle'), to: 'ruffle', skip: /\.map$|^package\.json$|^README\.md$/ },
  { from: fromRoot('./node_modules/pdfjs-dist/cmaps'), to: 'pdfjs/cmaps' },
  { from: fromRoot('./node_modules/pdfjs-dist/standard_fonts'), to: 'pdfjs/standard_fonts' },
  { from: fromRoot('./node_modules/pdfjs-dist/wasm'), to: 'pdfjs/wasm' },
];

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ttf': 'font/ttf',
  '.pfb': 'application/octet-stream',
  '.bcmap': 'application/octet-stream',
};

/** Copies RUNTIME_FILES into the build, and serves them from node_modules in development. */
function runtimeFiles(): Plugin {
  let outDir = '';
  return {
    name: 'lectern-runtime-files',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle() {
      for (const { from, to, skip } of RUNTIME_FILES) {
        await cp(from, path.join(outDir, to), {
          recursive: true,
          filter: (source) => !skip?.test(path.basename(source)),
        });
      }
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0] ?? '';
        const entry = RUNTIME_FILES.find(({ to }) => url.startsWith(`/${to}/`));
        if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        let relative: string;
        try {
          relative = decodeURIComponent(url.slice(entry.to.length + 2));
        } catch {
          return next();
        }
        const file = path.resolve(entry.from, relative);
        if (!file.startsWith(`${entry.from}${path.sep}`) || entry.skip?.test(path.basename(file))) return next();
        stat(file).then(
          (info) => {
            if (!info.isFile()) return next();
            res.setHeader('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
            res.setHeader('content-length', String(info.size));
            if (req.method === 'HEAD') return res.end();
            createReadStream(file).pipe(res);
          },
          () => next(),
        );
      });
    },
  };
}

export default defineConfig({
  root: fromRoot('./src/web'),
  plugins: [react(), runtimeFiles()],
  build: {
    outDir: fromRoot('./dist/web'),
    emptyOutDir: true,
    rolldownOptions: {
      // The app, and the Flash viewer's frame (a document of its own, with its own CSP).
      input: {
        main: fromRoot('./src/web/index.html'),
        flash: fromRoot('./src/web/viewers/flash.html'),
      },
      output: {
        // Libraries change less often than the app: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/ },
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/]/ },
            // Loaded only when a PDF is shown.
            { name: 'pdfjs', test: /node_modules[\\/]pdfjs-dist[\\/].*\.mjs$/ },
            // Loaded only when a video plays through hls.js.
            { name: 'hls', test: /node_modules[\\/]hls\.js[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      // With the trailing slash, so that the app's own module /api.ts is not sent to the server.
      '/api/': apiServer,
      '/healthz': apiServer,
      '/readyz': apiServer,
    },
  },
});
