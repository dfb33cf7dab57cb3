// Certificates: one per learner, course version and cycle (the first, then one per
// recertification after expiry), its PDF rendered once and kept as a blob with a snapshot of what it
// certifies; the per-course settings (validity, template) on the course. Imports nothing from the
// application.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely advises.
export async function up(db: Kysely<any>): Promise<void> {
  // Null: certificates of the course never expire.
  await db.schema.alterTable('courses').addColumn('certificate_validity_months', 'integer').execute();
  // JSON (CertificateTemplate); null: the default look.
  await db.schema.alterTable('courses').addColumn('certificate_template', 'text').execute();

  await db.schema
    .createTable('certificates')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    // The public verification code: 130 random bits in Crockford base32.
    .addColumn('code', 'varchar(32)', (c) => c.notNull().unique())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // 1 for the first certificate of this learner and version, +1 per recertification or re-issue:
    // the unique key below makes retries and double completions meet the same row.
    .addColumn('cycle', 'integer', (c) => c.notNull())
    // The certificate's position in the instance's status list, allocated in issue order.
    .addColumn('status_index', 'integer', (c) => c.notNull().unique())
    .addColumn('completed_at', 'bigint', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_reason', 'text')
    .addColumn('revoked_by', 'varchar(36)')
    .addColumn('previous_certificate_id', 'varchar(36)', (c) => c.references('certificates.id'))
    // Null while being issued (reserved, not yet rendered): such a row is nobody's certificate yet.
    .addColumn('pdf_blob_key', 'varchar(100)', (c) => c.references('blobs.key'))
    .addColumn('pdf_sha256', 'varchar(64)')
    .addColumn('pdf_size', 'integer')
    // JSON (CertificateSnapshot and CertificateTemplate), frozen at issue.
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    // The signed Open Badges credential, once the credential step fills it.
    .addColumn('credential_jwt', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('certificates_learner_version_cycle_key', ['user_id', 'course_id', 'version', 'cycle'])
    .addForeignKeyConstraint('certificates_version_fk', ['course_id', 'version'], 'course_versions', [
      'course_id',
      'version',
    ])
    .execute();
  await db.schema
    .createIndex('certificates_course_idx')
    .on('certificates')
    .columns(['course_id', 'issued_at'])
    .execute();
  await db.schema.createIndex('certificates_issued_idx').on('certificates').column('issued_at').execute();
  await db.schema.createIndex('certificates_pdf_sha256_idx').on('certificates').column('pdf_sha256').execute();
  await db.schema.createIndex('certificates_blob_idx').on('certificates').column('pdf_blob_key').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('certificates').execute();
  await db.schema.alterTable('courses').dropColumn('certificate_template').execute();
  await db.schema.alterTable('courses').dropColumn('certificate_validity_months').execute();
}
