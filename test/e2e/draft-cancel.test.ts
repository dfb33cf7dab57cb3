// Cancelling a draft while its work runs leaves nothing: a large upload still arriving and a video
// still encoding are stopped, and afterwards the database and the blob store hold nothing of that
// draft — counted as rows, bytes on disk (SQLite + disk) and objects in S3 (PostgreSQL + local S3).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Browser, Page, Request } from 'playwright-core';
import { createDatabase } from '../../src/server/db/database.ts';
import { MARKER_NAME } from '../../src/server/storage/blob-store.ts';
import { TEST_DIALECTS } from '../../src/server/testing/databases.ts';
import { LOCAL_S3_BUCKET, type LocalS3, startLocalS3 } from '../../src/server/testing/s3.ts';
import { waitFor } from '../../src/server/testing/wait.ts';
import { type ApiClient, signIn } from './support/api.ts';
import { launchBrowser } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { seedPeople } from './support/people.ts';
import { skipIfOptedOut } from '../../src/server/testing/prerequisites.ts';

const PASSWORD = 'correct horse battery staple';
const TABLES = ['drafts', 'draft_assets', 'assets', 'asset_derivatives', 'blobs'] as const;

/** Bytes of every file under `dir` except the storage marker. */
function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name !== MARKER_NAME) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

async function objectsIn(s3: LocalS3): Promise<string[]> {
  const client = new S3Client({ ...s3.options(), credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: LOCAL_S3_BUCKET, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith(MARKER_NAME)) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  client.destroy();
  return keys;
}

/** ffmpeg processes the server started (directly: ffmpeg runs under `nice`, which execs it). */
function ffmpegChildrenOf(pid: number | undefined): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === pid && cmd.includes('ffmpeg')) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

for (const dialect of TEST_DIALECTS) {
  const store = dialect === 'postgres' ? 's3' : 'disk';
  describe(`[${dialect} + ${store}] browser: cancelling a draft while it uploads and encodes`, { skip: skipIfOptedOut('video') }, () => {
    let server: RunningServer;
    let s3: LocalS3 | undefined;
    let browser: Browser;
    let page: Page;
    let dir: string;
    let video: string;
    let big: string;
    let admin: ApiClient;
    /** Requests the page has sent that have not ended yet (but its live event stream, which never ends and only listens). */
    const open = new Set<Request>();
    const track = (request: Request) => !new URL(request.url()).pathname.startsWith('/api/events');

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-cancel-'));
      // MPEG-4 Part 2 must be re-encoded: a ladder that runs for a while.
      video = path.join(dir, 'lecture.avi');
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=40', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=40', '-c:v', 'mpeg4', '-q:v', '6', '-c:a', 'mp3', '-shortest', video]);
      big = path.join(dir, 'handbook.pdf');
      writeFileSync(big, randomBytes(48 * 1024 * 1024));
      if (store === 's3') s3 = await startLocalS3();
      server = await startServer(dialect, s3 ? s3.env(`cancel-${Date.now()}`) : {});
      browser = await launchBrowser();
      ({ admin } = await seedPeople(server.url, { learner: false }));
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(20_000);
      page = await context.newPage();
      page.on('request', (request) => {
        if (track(request)) open.add(request);
      });
      page.on('requestfinished', (request) => open.delete(request));
      page.on('requestfailed', (request) => open.delete(request));
      await page.goto('/login');
      await page.getByLabel('Email').waitFor({ timeout: 60_000 });
      await page.getByLabel('Email').fill('grace@example.org');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'New course' }).waitFor();
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      await s3?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('stops the upload and the encoding and leaves no row, byte or object behind', { timeout: 240_000 }, async () => {
      const author = await signIn(server.url, 'grace@example.org', PASSWORD);
      const db = createDatabase(server.database);
      try {
        await page.getByRole('button', { name: 'New course' }).click();
        await page.waitForURL(/\/drafts\/[0-9a-f-]{36}\/basics$/);
        const draftId = new URL(page.url()).pathname.split('/')[2] ?? '';
        await page.getByLabel('Title').fill('Doomed course');
        await page.getByRole('navigation', { name: 'Course steps' }).getByRole('link', { name: /^Files/ }).click();

        // The video uploads at full speed, then encodes.
        await page.getByLabel('Files to upload').setInputFiles(video);
        await waitFor(async () => ffmpegChildrenOf(server.pid()).length > 0, 'ffmpeg to be encoding the video', 90_000, 100);
        const videoRow = await db.selectFrom('assets').select(['id', 'state']).where('original_name', '=', 'lecture.avi').executeTakeFirstOrThrow();
        assert.equal(videoRow.state, 'processing');

        // The large file trickles in.
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
        await page.getByLabel('Files to upload').setInputFiles(big);
        const progress = page.getByRole('progressbar', { name: 'Upload of handbook.pdf' });
        await waitFor(async () => Number((await progress.getAttribute('aria-valuenow').catch(() => '0')) ?? 0) >= 5, 'the large upload to be under way', 60_000, 100);
        const bigRow = await db.selectFrom('assets').select(['id', 'state']).where('original_name', '=', 'handbook.pdf').executeTakeFirstOrThrow();
        assert.equal(bigRow.state, 'uploading');
        assert.ok(ffmpegChildrenOf(server.pid()).length > 0, 'the video is still encoding');

        await page.getByRole('button', { name: 'Cancel and discard' }).click();
        await page.getByRole('dialog', { name: 'Discard this draft?' }).getByRole('button', { name: 'Discard draft' }).click();
        await page.waitForURL((url) => url.pathname === '/');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

        assert.equal((await author.request('GET', `/api/drafts/${draftId}`)).status, 404);
        await waitFor(async () => ffmpegChildrenOf(server.pid()).length === 0, 'ffmpeg to be killed', 20_000, 100);
        // Nothing of the draft in the database…
        await waitFor(
          async () => {
            for (const table of TABLES) {
              const { n } = await db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
              if (Number(n) !== 0) return false;
            }
            return true;
          },
          'every draft, asset and blob row to be gone',
          20_000,
          200,
        );
        // …nor in storage: no blob, derivative or partial upload.
        if (s3) {
          await waitFor(async () => (await objectsIn(s3 as LocalS3)).length === 0, 'no object left in S3', 20_000, 250);
        } else {
          await waitFor(async () => bytesUnder(path.join(server.dataDir, 'blobs')) === 0, 'no blob bytes left on disk', 20_000, 250);
          await waitFor(async () => bytesUnder(path.join(server.dataDir, 'uploads')) === 0, 'no partial upload left on disk', 20_000, 250);
        }
        // And it stays so: once nothing is running any more (no job queued or running on the server, no
        // request of the page's still open), nothing of the cancelled work has come back.
        let left = '';
        await waitFor(
          async () => {
            const { queues } = (await admin.request('GET', '/api/admin/jobs')).json() as {
              queues: { counts: Record<string, number> }[];
            };
            const live = queues.reduce((n, q) => n + (q.counts.created ?? 0) + (q.counts.retry ?? 0) + (q.counts.active ?? 0), 0);
            left = `${live} live jobs; open: ${[...open].map((r) => `${r.method()} ${r.url()}`).join(', ')}`;
            return live === 0 && open.size === 0;
          },
          'no job left to run and no request of the page left open',
          20_000,
          100,
        ).catch((error: Error) => assert.fail(`${error.message} (${left})`));
        const assets = await db.selectFrom('assets').select('id').execute();
        assert.deepEqual(assets, []);
        if (s3) assert.deepEqual(await objectsIn(s3), []);
        else assert.equal(bytesUnder(path.join(server.dataDir, 'blobs')) + bytesUnder(path.join(server.dataDir, 'uploads')), 0);
      } finally {
        await db.destroy();
      }
    });
  });
}
