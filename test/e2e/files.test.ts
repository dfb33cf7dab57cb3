// An author uploads a mixed batch through the real UI and watches every state; each kind of file
// opens in its viewer (pdf.js, Word, images, audio, Flash through Ruffle); an upload survives a
// server crash in the middle and ends byte-identical.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { FIXTURES } from '../../src/server/testing/fixtures.ts';
import { expectAccessible, launchBrowser } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { setUpAdminInBrowser } from './support/session.ts';
import { skipIfOptedOut } from '../../src/server/testing/prerequisites.ts';


async function makeFiles(dir: string) {
  const png = path.join(dir, 'diagram.png');
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#2266aa' } }).png().toFile(png);
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= 2; i++) doc.addPage().drawText(`Handout page ${i}`, { x: 50, y: 700, size: 24, font });
  const pdf = path.join(dir, 'handout.pdf');
  writeFileSync(pdf, await doc.save());
  const mp3 = path.join(dir, 'tone.mp3');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'libmp3lame', mp3]);
  const docx = path.join(dir, 'single-paragraph.docx');
  copyFileSync(path.join(FIXTURES, 'office/single-paragraph.docx'), docx);
  const swf = path.join(dir, 'ZeroClipboard.swf');
  copyFileSync(path.join(FIXTURES, 'swf/ZeroClipboard.swf'), swf);
  const exe = path.join(dir, 'syllabus.pdf');
  writeFileSync(exe, Buffer.concat([Buffer.from('MZ'), randomBytes(4000)]));
  return { png, pdf, mp3, docx, swf, exe };
}

/** Limits the page's upload bandwidth (Chromium network emulation); returns the undo. */
async function throttleUploads(page: Page, bytesPerSecond: number): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const conditions = { offline: false, latency: 0, downloadThroughput: -1 };
  await cdp.send('Network.emulateNetworkConditions', { ...conditions, uploadThroughput: bytesPerSecond });
  return async () => {
    await cdp.send('Network.emulateNetworkConditions', { ...conditions, uploadThroughput: -1 });
  };
}

async function rowState(page: Page, name: string, state: RegExp, timeout = 60_000): Promise<void> {
  const row = page.getByRole('table', { name: 'Your files' }).getByRole('row').filter({ hasText: name });
  await row.getByText(state).first().waitFor({ timeout });
}

for (const dialect of TEST_DIALECTS) {
  describe(`[${dialect}] browser: uploads and viewers`, { skip: skipIfOptedOut('video', 'office', 'pdf') }, () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let dir: string;
    let files: Awaited<ReturnType<typeof makeFiles>>;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-files-'));
      files = await makeFiles(dir);
      server = await startServer(dialect);
      browser = await launchBrowser();
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(15_000);
      page = await context.newPage();
      await setUpAdminInBrowser(page);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('uploads a mixed batch and shows every file reach its state, live', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Files', exact: true }).click();
      await page.getByRole('heading', { name: 'My files', level: 1 }).waitFor();
      await expectAccessible(page, 'files page');
      await page.getByLabel('Files to upload').setInputFiles(Object.values(files));
      for (const name of ['diagram.png', 'handout.pdf', 'tone.mp3', 'single-paragraph.docx', 'ZeroClipboard.swf']) {
        await rowState(page, name, /^Ready$/);
      }
      await rowState(page, 'syllabus.pdf', /^Failed$/);
      await page.getByText(/Windows program/).first().waitFor();
      await expectAccessible(page, 'files page after the batch', { alsoOnPhone: true });
    });

    const openViewer = async (name: string) => {
      await page.goto('/files');
      await page.getByRole('table', { name: 'Your files' }).getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
    };

    it('shows a PDF with pdf.js', async () => {
      await openViewer('handout.pdf');
      await page.getByRole('img', { name: 'Page 1 of handout.pdf' }).waitFor();
      await page.getByText('Page 1 of 2').waitFor();
      await expectAccessible(page, 'PDF viewer');
    });

    it('shows a Word document converted to PDF', async () => {
      await openViewer('single-paragraph.docx');
      await page.getByRole('img', { name: 'Page 1 of single-paragraph.docx' }).waitFor({ timeout: 30_000 });
      const { violations } = await new AxeBuilder({ page }).exclude('iframe[sandbox]').analyze();
      assert.deepEqual(violations.map((v) => v.id), []);
    });

    it('shows an image', async () => {
      await openViewer('diagram.png');
      const img = page.getByRole('img', { name: 'diagram.png' });
      await img.waitFor();
      await page.waitForFunction(() => [...document.images].some((i) => i.complete && i.naturalWidth === 800));
      await expectAccessible(page, 'image viewer');
    });

    it('plays audio', async () => {
      await openViewer('tone.mp3');
      const duration = await page.locator('audio').evaluate(
        (audio: HTMLAudioElement) =>
          new Promise<number>((resolve) => {
            if (audio.readyState >= 1) resolve(audio.duration);
            else audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
          }),
      );
      assert.ok(duration > 1.5 && duration < 3, `duration ${duration}`);
      await expectAccessible(page, 'audio viewer');
    });

    it('plays Flash with Ruffle served from our own origin', async () => {
      const ruffleRequests: string[] = [];
      page.on('request', (r) => {
        if (/ruffle/i.test(r.url())) ruffleRequests.push(r.url());
      });
      await openViewer('ZeroClipboard.swf');
      const frame = page.frameLocator('iframe[title="Flash player for ZeroClipboard.swf"]');
      await frame.locator('ruffle-player').waitFor({ state: 'attached', timeout: 30_000 });
      const handle = await page.frame({ url: /\/viewers\/flash\.html/ });
      assert.ok(handle, 'the Flash viewer frame');
      await handle.waitForFunction(
        () => {
          const player = document.querySelector('ruffle-player') as unknown as { ruffle?: () => { isPlaying?: boolean; metadata?: unknown } };
          const api = player?.ruffle?.();
          return Boolean(api?.metadata) && api?.isPlaying === true;
        },
        undefined,
        { timeout: 30_000 },
      );
      assert.ok(ruffleRequests.length > 0);
      assert.ok(ruffleRequests.every((u) => u.startsWith(server.url)), `Ruffle only from our origin: ${ruffleRequests.join(', ')}`);
      await expectAccessible(page, 'Flash viewer');
    });

    it('finishes an upload after the server crashes in the middle of it, byte-identical', { timeout: 180_000 }, async () => {
      const big = path.join(dir, 'lecture-recording.bin');
      writeFileSync(big, randomBytes(48 * 1024 * 1024));
      const expected = createHash('sha256').update(readFileSync(big)).digest('hex');
      await page.goto('/files');
      // Slow the upload down so the crash lands in the middle of it.
      const unthrottle = await throttleUploads(page, 8 * 1024 * 1024);
      await page.getByLabel('Files to upload').setInputFiles(big);
      const progress = page.getByRole('progressbar', { name: 'Upload progress for lecture-recording.bin' });
      await page.waitForFunction(
        () => {
          const bar = document.querySelector('[aria-label="Upload progress for lecture-recording.bin"]');
          return Number(bar?.getAttribute('aria-valuenow') ?? 0) >= 15;
        },
        undefined,
        { timeout: 60_000 },
      );
      const before = Number(await progress.getAttribute('aria-valuenow'));
      assert.ok(before < 90, `crash in the middle, not at ${before}%`);
      await server.crashAndRestart();
      await unthrottle();
      await rowState(page, 'lecture-recording.bin', /^Ready$/, 120_000);
      const list = await page.request.get('/api/assets');
      const asset = ((await list.json()) as { assets: { id: string; originalName: string }[] }).assets.find(
        (a) => a.originalName === 'lecture-recording.bin',
      );
      assert.ok(asset);
      const original = await page.request.get(`/api/assets/${asset.id}/original`);
      assert.equal(createHash('sha256').update(await original.body()).digest('hex'), expected);
    });

    it('resumes an upload after the page is reloaded, from where it stopped', { timeout: 180_000 }, async () => {
      const file = path.join(dir, 'reloaded.bin');
      writeFileSync(file, randomBytes(40 * 1024 * 1024));
      const expected = createHash('sha256').update(readFileSync(file)).digest('hex');
      await page.goto('/files');
      const unthrottle = await throttleUploads(page, 8 * 1024 * 1024);
      await page.getByLabel('Files to upload').setInputFiles(file);
      await page.waitForFunction(
        () => Number(document.querySelector('[aria-label="Upload progress for reloaded.bin"]')?.getAttribute('aria-valuenow') ?? 0) >= 20,
        undefined,
        { timeout: 60_000 },
      );
      await page.reload();
      await unthrottle();
      await page.getByRole('heading', { name: 'Unfinished uploads' }).waitFor();
      await expectAccessible(page, 'files page with an unfinished upload');
      const offsets: number[] = [];
      page.on('request', (r) => {
        if (r.method() === 'PATCH' && r.url().includes('/api/uploads/')) offsets.push(Number(r.headers()['upload-offset']));
      });
      await page.getByLabel('Files to upload').setInputFiles(file);
      await rowState(page, 'reloaded.bin', /^Ready$/, 120_000);
      assert.ok((offsets[0] ?? 0) > 0, `resumed from offset ${offsets[0]}, not from the start`);
      const assets = ((await (await page.request.get('/api/assets')).json()) as { assets: { id: string; originalName: string }[] }).assets;
      const asset = assets.filter((a) => a.originalName === 'reloaded.bin');
      assert.equal(asset.length, 1, 'one file, not two');
      const original = await page.request.get(`/api/assets/${asset[0]?.id}/original`);
      assert.equal(createHash('sha256').update(await original.body()).digest('hex'), expected);
    });
  });
}
