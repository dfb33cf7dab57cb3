// Publishing cost: a draft with 200 files and 1,000 questions (a tenth with images) becomes a course
// version through POST /api/drafts/:id/publish, on SQLite and PostgreSQL side by side. The files are
// ready asset rows (publishing reads their states, it does not touch their bytes).
import type { TestSetInput } from '../src/shared/quiz.ts';
import { createSignedInUser, createTestApp, setUpAdmin } from '../src/server/testing/app.ts';
import type { Dialect } from '../src/server/testing/databases.ts';
import { median, round } from './_stats.ts';

const FILES = 200;
const QUESTIONS = 1000;
const CATEGORIES = 10;
const ROUNDS = 5;

function content(fileIds: string[], imageIds: string[]) {
  let image = 0;
  const categories = Array.from({ length: CATEGORIES }, (_, c) => ({
    id: crypto.randomUUID(),
    name: `Category ${c + 1}`,
    drawCount: 10,
    questions: Array.from({ length: QUESTIONS / CATEGORIES }, (_, q) => ({
      id: crypto.randomUUID(),
      kind: q % 3 === 0 ? ('multiple' as const) : ('single' as const),
      text: `Question ${c}.${q}: which of these statements about fire safety is **correct**?`,
      image: q % 10 === 0 ? { assetId: imageIds[image++ % imageIds.length] as string, alt: 'A diagram of the building' } : null,
      generalFeedback: 'See chapter 3.',
      answers:
        q % 3 === 0
          ? [0.5, 0.5, -0.5, -0.5].map((fraction, a) => ({ id: crypto.randomUUID(), text: `Answer ${a}`, fraction, feedback: '' }))
          : [1, 0, 0, 0].map((fraction, a) => ({ id: crypto.randomUUID(), text: `Answer ${a}`, fraction, feedback: 'Because.' })),
    })),
  }));
  const test: TestSetInput = { settings: { passMarkPercent: 70 }, categories };
  return {
    basics: { title: 'Bench course', versionLabel: '1', shortDescription: 'A big one.', topics: ['a', 'b'], language: 'en', coverAssetId: null },
    files: fileIds.map((assetId, i) => ({ assetId, title: `File ${i + 1}`, description: 'A document', required: i % 2 === 0 })),
    test,
  };
}

async function publishMs(dialect: Dialect): Promise<number> {
  const app = await createTestApp(dialect);
  try {
    const admin = await setUpAdmin(app);
    const { client: author, id: authorId } = await createSignedInUser(app, admin, 'author');
    const now = Date.now();
    const assetIds = Array.from({ length: FILES + 100 }, () => crypto.randomUUID());
    await app.runtime.db
      .insertInto('assets')
      .values(
        assetIds.map((id, i) => ({
          id,
          owner_id: authorId,
          kind: i < FILES ? ('pdf' as const) : ('image' as const),
          original_name: `file-${i}.pdf`,
          state: 'ready' as const,
          reason: null,
          progress: null,
          size: 1000,
          mime: 'application/pdf',
          blob_key: null,
          upload_id: null,
          metadata: '{}',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const body = content(assetIds.slice(0, FILES), assetIds.slice(FILES));
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { draft } = (await author.post('/api/drafts')).json();
      const saved = await author.patch(`/api/drafts/${draft.id}`, { revision: 1, ...body });
      if (saved.statusCode !== 200) throw new Error(`save failed: ${saved.body.slice(0, 500)}`);
      const start = performance.now();
      const published = await author.post(`/api/drafts/${draft.id}/publish`);
      samples.push(performance.now() - start);
      if (published.statusCode !== 200) throw new Error(`publish failed: ${published.body.slice(0, 500)}`);
    }
    console.error(`${dialect}: ${samples.map((s) => round(s, 1)).join(' / ')} ms`);
    return median(samples);
  } finally {
    await app.close();
  }
}

const sqlite = await publishMs('sqlite');
const postgres = await publishMs('postgres');
console.log(JSON.stringify({ files: FILES, questions: QUESTIONS, publish_ms_sqlite: round(sqlite, 1), publish_ms_postgres: round(postgres, 1) }));
