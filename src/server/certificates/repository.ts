// All SQL of certificates: reserving one (the unique learner-version-cycle key and the sequential
// status index), recording its rendered PDF, finding it by id, code or PDF hash, lists and
// searches, revocation, and the per-course settings.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { CertificatesTable, DB } from '../db/types.ts';
import type { CertificateSettingsColumns } from './settings-columns.ts';

export type CertificateRow = Selectable<CertificatesTable>;
export type AdminCertificateRow = CertificateRow & { holder_email: string; holder_name: string };

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const LIST_LIMIT = 200;

export function createCertificatesRepository(db: Kysely<DB>) {
  return {
    async completion(userId: string, courseId: string, version: number): Promise<number | undefined> {
      const row = await db
        .selectFrom('course_completions')
        .select('completed_at')
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('version', '=', version)
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.completed_at);
    },

    /** The best passed attempt's percentage, or null when none (a course without a test). */
    async bestPassedPercent(userId: string, courseId: string, version: number): Promise<number | null> {
      const row = await db
        .selectFrom('quiz_attempts')
        .select((eb) => eb.fn.max('percent').as('best'))
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('version', '=', version)
        .where('passed', '=', 1)
        .executeTakeFirst();
      return row?.best === null || row?.best === undefined ? null : Number(row.best);
    },

    holder(userId: string) {
      return db.selectFrom('users').select(['id', 'display_name', 'email']).where('id', '=', userId).executeTakeFirst();
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

    course(courseId: string) {
      return db
        .selectFrom('courses')
        .select([
          'id',
          'owner_id',
          'latest_version',
          'certificate_validity_months',
          'certificate_template',
          'certificate_signature_asset_id',
        ])
        .where('id', '=', courseId)
        .executeTakeFirst();
    },

    async saveSettings(courseId: string, columns: CertificateSettingsColumns, now: number): Promise<void> {
      await db
        .updateTable('courses')
        .set({ ...columns, updated_at: now })
        .where('id', '=', courseId)
        .execute();
    },

    /** The learner's newest certificate of this version (highest cycle), rendered or not. */
    latestOfVersion(userId: string, courseId: string, version: number): Promise<CertificateRow | undefined> {
      return db
        .selectFrom('certificates')
        .selectAll()
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('version', '=', version)
        .orderBy('cycle', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** The learner's newest certificate of the course, any version: what a new one follows. */
    latestOfCourse(userId: string, courseId: string): Promise<CertificateRow | undefined> {
      return db
        .selectFrom('certificates')
        .selectAll()
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .orderBy('issued_at', 'desc')
        .orderBy('cycle', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /**
     * Inserts a reserved certificate with the next status index. Throws a unique violation when
     * another issue took this learner-version-cycle (or, in a race, the same status index).
     */
    async reserve(row: Omit<CertificateRow, 'status_index'>): Promise<CertificateRow> {
      return db.transaction().execute(async (trx) => {
        const { next } = (await trx
          .selectFrom('certificates')
          .select(sql<number>`COALESCE(MAX(status_index), -1) + 1`.as('next'))
          .executeTakeFirstOrThrow()) as { next: number };
        const full = { ...row, status_index: Number(next) };
        await trx.insertInto('certificates').values(full).execute();
        return full;
      });
    },

    /** Records the rendered PDF once; false when another run recorded it first. Claims the blob in the same transaction. */
    async recordPdf(
      id: string,
      pdf: { key: string; sha256: string; size: number; credentialJwt: string | null },
      trx: Kysely<DB>,
    ): Promise<boolean> {
      const updated = await trx
        .updateTable('certificates')
        .set({ pdf_blob_key: pdf.key, pdf_sha256: pdf.sha256, pdf_size: pdf.size, credential_jwt: pdf.credentialJwt })
        .where('id', '=', id)
        .where('pdf_blob_key', 'is', null)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) > 0;
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
