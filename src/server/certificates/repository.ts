// All SQL of certificates: inserting one (the unique learner-version-cycle key and the sequential
// status index), recording the PDF of one an earlier release reserved and a crash left unrendered,
// finding one by id, code or PDF hash, lists and searches, revocation, the per-course settings.
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { prepared } from '../db/prepared.ts';
import type { CertificatesTable, DB } from '../db/types.ts';
import type { CertificateSettingsColumns } from './settings-columns.ts';

export type CertificateRow = Selectable<CertificatesTable>;
export type AdminCertificateRow = CertificateRow & { holder_email: string; holder_name: string };

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const LIST_LIMIT = 200;

/** The columns of a certificate row, in the order the prepared insert takes them. */
const CERTIFICATE_COLUMNS = [
  'id',
  'code',
  'user_id',
  'course_id',
  'version',
  'cycle',
  'status_index',
  'completed_at',
  'issued_at',
  'expires_at',
  'revoked_at',
  'revoked_reason',
  'revoked_by',
  'previous_certificate_id',
  'pdf_blob_key',
  'pdf_sha256',
  'pdf_size',
  'snapshot',
  'template',
  'credential_jwt',
  'created_at',
] as const satisfies readonly (keyof CertificatesTable)[];

export function createCertificatesRepository(db: Kysely<DB>) {
  // The issue job's queries, compiled once (db/prepared.ts, decision 0011): building and compiling
  // them with Kysely on every call cost about as much as running them.
  const holderOf = prepared(1, (q, userId: string) =>
    q.selectFrom('users').select(['id', 'display_name', 'email']).where('id', '=', userId),
  );
  const versionOf = prepared(2, (q, courseId: string, version: number) =>
    q
      .selectFrom('course_versions')
      .select(['title', 'content'])
      .where('course_id', '=', courseId)
      .where('version', '=', version),
  );
  const courseOf = prepared(1, (q, courseId: string) =>
    q
      .selectFrom('courses')
      .select([
        'id',
        'owner_id',
        'latest_version',
        'certificate_validity_months',
        'certificate_template',
        'certificate_signature_asset_id',
      ])
      .where('id', '=', courseId),
  );
  const latestOfVersionQuery = prepared(3, (q, userId: string, courseId: string, version: number) =>
    q
      .selectFrom('certificates')
      .selectAll()
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId)
      .where('version', '=', version)
      .orderBy('cycle', 'desc')
      .limit(1),
  );
  // What an issue needs besides the learner's certificates and attempts, in one statement (one read,
  // one trip through the driver instead of three): the completion, the holder's name and the
  // course's certificate settings, each a lookup by key.
  const issueFactsQuery = prepared(3, (q, userId: string, courseId: string, version: number) =>
    q
      .selectFrom('courses as c')
      .select((eb) => [
        'c.id',
        'c.owner_id',
        'c.latest_version',
        'c.certificate_validity_months',
        'c.certificate_template',
        'c.certificate_signature_asset_id',
        eb
          .selectFrom('course_completions as cc')
          .select('cc.completed_at')
          .where('cc.user_id', '=', userId)
          .where('cc.course_id', '=', courseId)
          .where('cc.version', '=', version)
          .as('completed_at'),
        eb.selectFrom('users as u').select('u.display_name').where('u.id', '=', userId).as('holder_name'),
      ])
      .where('c.id', '=', courseId),
  );
  // The passed attempts' percentages (a handful), the best picked in code: SQLite (3.54, built with
  // STAT4 as better-sqlite3 ships it) spent 25-30 us more on max() over bound parameters than on
  // reading the rows, on every execution, and more still as a subquery of the facts above.
  const passedPercentsQuery = prepared(3, (q, userId: string, courseId: string, version: number) =>
    q
      .selectFrom('quiz_attempts')
      .select('percent')
      .where('user_id', '=', userId)
      .where('course_id', '=', courseId)
      .where('version', '=', version)
      .where('passed', '=', 1),
  );
  // No ORDER BY: with one, SQLite read the course's index (course_id, issued_at) for the order and
  // filtered every certificate of the course by learner; without, it seeks the learner's unique key.
  const ofLearnerInCourseQuery = prepared(2, (q, userId: string, courseId: string) =>
    q.selectFrom('certificates').selectAll().where('user_id', '=', userId).where('course_id', '=', courseId),
  );
  const nextStatusIndex = prepared(0, (q) =>
    q.selectFrom('certificates').select(sql<number>`COALESCE(MAX(status_index), -1) + 1`.as('next')),
  );
  const insertCertificate = prepared(CERTIFICATE_COLUMNS.length, (q, ...values: unknown[]) =>
    q
      .insertInto('certificates')
      .values(
        Object.fromEntries(CERTIFICATE_COLUMNS.map((c, i) => [c, values[i]])) as unknown as Insertable<CertificatesTable>,
      ),
  );
  const recordPdfQuery = prepared(
    5,
    (q, id: string, key: string, sha256: string, size: number, credentialJwt: string | null) =>
      q
        .updateTable('certificates')
        .set({ pdf_blob_key: key, pdf_sha256: sha256, pdf_size: size, credential_jwt: credentialJwt })
        .where('id', '=', id)
        .where('pdf_blob_key', 'is', null),
  );

  return {
    /**
     * The facts of an issue: the completion's time (null when none is recorded), the holder's name
     * (null when no such user), the best passed attempt's percentage (null when none) and the
     * course's certificate settings. Undefined when there is no such course.
     */
    async issueFacts(userId: string, courseId: string, version: number) {
      const row = (await issueFactsQuery.execute(db, userId, courseId, version)).rows[0];
      if (!row) return undefined;
      const { completed_at, holder_name, ...course } = row;
      let bestPercent: number | null = null;
      for (const { percent } of (await passedPercentsQuery.execute(db, userId, courseId, version)).rows) {
        if (percent !== null && (bestPercent === null || Number(percent) > bestPercent)) bestPercent = Number(percent);
      }
      return {
        completedAt: completed_at === null || completed_at === undefined ? null : Number(completed_at),
        holderName: holder_name ?? null,
        bestPercent,
        course,
      };
    },

    /**
     * From one read of the learner's certificates of the course (a handful: one per version and
     * cycle): the newest of this version (highest cycle), rendered or not, and the newest of the
     * course, any version (latest issue, then highest cycle): what a new one follows.
     */
    async latestOfLearner(
      userId: string,
      courseId: string,
      version: number,
    ): Promise<{ ofVersion: CertificateRow | undefined; ofCourse: CertificateRow | undefined }> {
      const rows = (await ofLearnerInCourseQuery.execute(db, userId, courseId)).rows;
      let ofVersion: CertificateRow | undefined;
      let ofCourse: CertificateRow | undefined;
      for (const row of rows) {
        if (row.version === version && (!ofVersion || row.cycle > ofVersion.cycle)) ofVersion = row;
        const issuedAt = Number(row.issued_at);
        const newest = ofCourse ? Number(ofCourse.issued_at) : Number.NEGATIVE_INFINITY;
        if (!ofCourse || issuedAt > newest || (issuedAt === newest && row.cycle > ofCourse.cycle)) ofCourse = row;
      }
      return { ofVersion, ofCourse };
    },

    async holder(userId: string) {
      return (await holderOf.execute(db, userId)).rows[0];
    },

    /** A published version's title and content (a published version never changes). */
    async version(courseId: string, version: number) {
      return (await versionOf.execute(db, courseId, version)).rows[0];
    },

    /** The course's settings and the version's title and content (label, cover). */
    courseVersion(courseId: string, version: number) {
      return db
        .selectFrom('course_versions as v')
        .innerJoin('courses as c', 'c.id', 'v.course_id')
        .select([
          'c.id',
          'c.owner_id',
          'c.certificate_validity_months',
          'c.certificate_template',
          'c.certificate_signature_asset_id',
          'v.version',
          'v.title',
          'v.content',
        ])
        .where('v.course_id', '=', courseId)
        .where('v.version', '=', version)
        .executeTakeFirst();
    },

    async course(courseId: string) {
      return (await courseOf.execute(db, courseId)).rows[0];
    },

    async saveSettings(courseId: string, columns: CertificateSettingsColumns, now: number): Promise<void> {
      await db
        .updateTable('courses')
        .set({ ...columns, updated_at: now })
        .where('id', '=', courseId)
        .execute();
    },

    /** The learner's newest certificate of this version (highest cycle), rendered or not. */
    async latestOfVersion(userId: string, courseId: string, version: number): Promise<CertificateRow | undefined> {
      return (await latestOfVersionQuery.execute(db, userId, courseId, version)).rows[0];
    },

    /**
     * The status index after the highest one issued. Callers in one process must not hand the same
     * value out twice (the service keeps its own floor); another process may, and then one of the
     * two inserts fails on the unique index.
     */
    async nextStatusIndex(): Promise<number> {
      const { next } = (await nextStatusIndex.execute(db)).rows[0] as { next: number };
      return Number(next);
    },

    /**
     * Inserts a certificate, rendered and stored. Throws a unique violation when another issue took
     * this learner-version-cycle, or (another process) the same status index.
     */
    async insert(row: CertificateRow, trx: Kysely<DB>): Promise<void> {
      await insertCertificate.execute(trx, ...CERTIFICATE_COLUMNS.map((c) => row[c]));
    },

    /** The PDF of a certificate reserved unrendered (earlier releases reserved the row first). */
    async recordPdf(
      id: string,
      pdf: { key: string; sha256: string; size: number; credentialJwt: string | null },
      trx: Kysely<DB>,
    ): Promise<boolean> {
      const updated = await recordPdfQuery.execute(trx, id, pdf.key, pdf.sha256, pdf.size, pdf.credentialJwt);
      return Number(updated.numAffectedRows ?? 0) > 0;
    },

    findById(id: string): Promise<CertificateRow | undefined> {
      return db.selectFrom('certificates').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findByCode(code: string): Promise<CertificateRow | undefined> {
      return db
        .selectFrom('certificates')
        .selectAll()
        .where('code', '=', code)
        .where('pdf_blob_key', 'is not', null)
        .executeTakeFirst();
    },

    findBySha256(sha256: string): Promise<CertificateRow | undefined> {
      return db.selectFrom('certificates').selectAll().where('pdf_sha256', '=', sha256).executeTakeFirst();
    },

    /** A learner's issued certificates, newest first. */
    mine(userId: string): Promise<CertificateRow[]> {
      return db
        .selectFrom('certificates')
        .selectAll()
        .where('user_id', '=', userId)
        .where('pdf_blob_key', 'is not', null)
        .orderBy('issued_at', 'desc')
        .limit(LIST_LIMIT)
        .execute();
    },

    /** Administrators' search: by code, holder name or email, or course title (as certified), newest first. */
    search(query: string, limit = LIST_LIMIT): Promise<AdminCertificateRow[]> {
      let q = db
        .selectFrom('certificates as c')
        .innerJoin('users as u', 'u.id', 'c.user_id')
        .selectAll('c')
        .select(['u.email as holder_email', 'u.display_name as holder_name'])
        .where('c.pdf_blob_key', 'is not', null);
      const term = query.trim().toLowerCase();
      if (term) {
        const like = `%${term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
        const code = term.toUpperCase().replace(/[\s-]/g, '');
        q = q.where((eb) =>
          eb.or([
            eb('c.code', '=', code),
            eb(sql`lower(${sql.ref('u.display_name')})`, 'like', sql`${like} ESCAPE '\\'`),
            eb(sql`lower(${sql.ref('u.email')})`, 'like', sql`${like} ESCAPE '\\'`),
            eb(sql`lower(${sql.ref('c.snapshot')})`, 'like', sql`${like} ESCAPE '\\'`),
          ]),
        );
      }
      return q.orderBy('c.issued_at', 'desc').limit(limit).execute();
    },

    /** The status indexes of revoked certificates in [from, to): one status list's revocations. */
    async revokedStatusIndexes(range: { from: number; to: number }): Promise<number[]> {
      const rows = await db
        .selectFrom('certificates')
        .select('status_index')
        .where('revoked_at', 'is not', null)
        .where('status_index', '>=', range.from)
        .where('status_index', '<', range.to)
        .execute();
      return rows.map((r) => Number(r.status_index));
    },

    async revoke(id: string, reason: string, by: string, at: number, trx: Kysely<DB> = db): Promise<boolean> {
      const updated = await trx
        .updateTable('certificates')
        .set({ revoked_at: at, revoked_reason: reason, revoked_by: by })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) > 0;
    },
  };
}

export type CertificatesRepository = ReturnType<typeof createCertificatesRepository>;
