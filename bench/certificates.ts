// Certificates: 2,000 issued through the issue service as the job does (snapshot, the signed Open
// Badges credential, render with the embedded font, the QR code and the credential attached, blob
// store, database) on one core, and in the same run 2,000 bare one-page documents (the same
// pdf-lib, a standard font, one line of text), for the ratio between them (alternating in batches).
// Then the latency a learner sees: completion reported → the certificate's PDF downloadable,
// through the real jobs (learning.course-completed → certificates.issue), on SQLite.
//
// Pinned to one CPU with taskset when available (the machine may have more). Options:
// BENCH_CERTIFICATES (2000), BENCH_LATENCY_SAMPLES (20).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PDFDocument, StandardFonts } from '@cantoo/pdf-lib';
import { createSignedInUser, createTestApp, setUpAdmin, type TestApp } from '../src/server/testing/app.ts';
import { EMPTY_DRAFT_CONTENT } from '../src/shared/drafts.ts';
import { median, percentile, round } from './_stats.ts';

const COUNT = Number(process.env.BENCH_CERTIFICATES ?? 2000);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 20);
const BATCH = 100;

// One core: run again under taskset, once.
if (!process.env.BENCH_PINNED && existsSync('/usr/bin/taskset')) {
  const result = spawnSync(
    '/usr/bin/taskset',
    ['-c', '0', process.execPath, ...process.execArgv, import.meta.filename],
    {
      stdio: 'inherit',
      env: { ...process.env, BENCH_PINNED: '1' },
    },
  );
  process.exit(result.status ?? 1);
}

async function seedCourse(app: TestApp, ownerId: string, title: string) {
  const id = crypto.randomUUID();
  const assetId = crypto.randomUUID();
  const at = Date.now();
  await app.db
    .insertInto('assets')
    .values({
      id: assetId,
      owner_id: ownerId,
      kind: 'other',
      original_name: 'notes.txt',
      state: 'ready',
      reason: null,
      progress: null,
      size: 1,
      mime: 'text/plain',
      blob_key: null,
      upload_id: null,
      uploaded_for_draft_at: null,
      metadata: '{}',
      created_at: at,
      updated_at: at,
    })
    .execute();
  await app.db
    .insertInto('courses')
    .values({ id, owner_id: ownerId, latest_version: 1, created_at: at, updated_at: at })
    .execute();
  const content = {
    ...EMPTY_DRAFT_CONTENT,
    basics: { ...EMPTY_DRAFT_CONTENT.basics, title, versionLabel: 'Edition 2026' },
    files: [{ assetId, title: 'Notes', description: '', required: true }],
  };
  await app.db
    .insertInto('course_versions')
    .values({
      course_id: id,
      version: 1,
      title,
      content: JSON.stringify(content),
      source_draft_id: crypto.randomUUID(),
      published_by: ownerId,
      published_at: at,
    })
    .execute();
  return { id, assetId };
}

async function bare(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText('Certificate of completion', { x: 50, y: 700, size: 24, font });
  return doc.save();
}

const app = await createTestApp('sqlite');
try {
  const admin = await setUpAdmin(app);
  const author = await createSignedInUser(app, admin, 'author');
  const { certificates } = app.runtime.services;

  // 2,000 completions: 40 learners × 50 courses, names with accents.
  const learners = Array.from({ length: 40 }, (_, i) => ({
    id: crypto.randomUUID(),
    name: `Zoë Ångström-Łukasiewicz ${i}`,
  }));
  const at = Date.now();
  await app.db
    .insertInto('users')
    .values(
      learners.map((l, i) => ({
        id: l.id,
        email: `l${i}@example.org`,
        display_name: l.name,
        role: 'learner' as const,
        password_hash: 'x',
        disabled_at: null,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
  const courses = [];
  // COUNT timed certificates and one more issued first to warm the path.
  for (let c = 0; c < Math.ceil((COUNT + 1) / learners.length); c++)
    courses.push(await seedCourse(app, author.id, `Fire Safety, part ${c + 1}`));
  const jobs: { userId: string; courseId: string; version: number }[] = [];
  for (const course of courses)
    for (const l of learners) if (jobs.length < COUNT + 1) jobs.push({ userId: l.id, courseId: course.id, version: 1 });
  for (let i = 0; i < jobs.length; i += 200) {
    await app.db
      .insertInto('course_completions')
      .values(
        jobs.slice(i, i + 200).map((j) => ({ user_id: j.userId, course_id: j.courseId, version: 1, completed_at: at })),
      )
      .execute();
  }

  // Warm both paths (module loading, font parsing) before timing.
  await bare();
  await certificates.issue(jobs[0] as (typeof jobs)[number]);

  // Certificates and bare documents alternate in batches of 100, so both see the same machine:
  // on a shared host the load changes within a minute, and timing one after the other would put
  // that change into the ratio.
  let sizes = 0;
  let withoutCredential = 0;
  let certMs = 0;
  let bareMs = 0;
  const issuing = jobs.slice(1);
  for (let from = 0; from < Math.max(issuing.length, COUNT); from += BATCH) {
    let started = performance.now();
    for (const job of issuing.slice(from, from + BATCH)) {
      const issued = await certificates.issue(job);
      sizes += issued.pdfSize ?? 0;
      if (!issued.hasCredential) withoutCredential++;
    }
    certMs += performance.now() - started;
    started = performance.now();
    for (let i = from; i < Math.min(from + BATCH, COUNT); i++) await bare();
    bareMs += performance.now() - started;
  }
  // The figures are for the real issue path: every certificate carries its signed credential.
  if (withoutCredential > 0) throw new Error(`${withoutCredential} certificates were issued without a credential`);
  const certSeconds = certMs / 1000;
  const certificatesPerS = issuing.length / certSeconds;
  const bareSeconds = bareMs / 1000;
  const barePerS = COUNT / bareSeconds;

  // Latency: a learner opens the course's one file (completion), then polls until the PDF downloads.
  await app.runtime.queue.startWorkers(app.runtime.registry, { concurrency: 2 });
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const course = await seedCourse(app, author.id, `Latency course ${i}`);
    const { client } = await createSignedInUser(app, admin, 'learner');
    await client.post(`/api/courses/${course.id}/enrolment`);
    const started = performance.now();
    const answer = await client.post(`/api/courses/${course.id}/progress`, { assetId: course.assetId, opened: true });
    if (!answer.json().completedNow) throw new Error(`not completed: ${answer.body}`);
    for (;;) {
      const list = (await client.get('/api/certificates')).json().certificates as { id: string }[];
      if (list[0] && (await client.get(`/api/certificates/${list[0].id}/pdf`)).statusCode === 200) break;
      if (performance.now() - started > 60_000) throw new Error('no certificate after 60 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    latencies.push(performance.now() - started);
  }

  console.log(
    `${jobs.length - 1} certificates in ${round(certSeconds)} s; ${COUNT} bare documents in ${round(bareSeconds)} s`,
  );
  console.log(
    `latency p50 ${round(median(latencies))} ms, p95 ${round(percentile(latencies, 95))} ms over ${latencies.length} completions`,
  );
  console.log(
    JSON.stringify({
      certificates: jobs.length - 1,
      certificates_per_s: round(certificatesPerS, 1),
      bare_per_s: round(barePerS, 1),
      ratio: round(certificatesPerS / barePerS, 3),
      pdf_kb: round(sizes / (jobs.length - 1) / 1024, 1),
      issue_latency_ms_p50: round(median(latencies), 0),
      pinned_to_one_cpu: process.env.BENCH_PINNED === '1',
    }),
  );
} finally {
  await app.close();
}
