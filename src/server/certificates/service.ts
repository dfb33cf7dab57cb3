// Certificates: issued once per learner and course version by the certificates.issue job (the PDF
// rendered once and stored as a blob, then its row inserted under a unique key in one transaction),
// recertification after expiry, the learner's list and downloads, public verification by code
// and by uploaded PDF, and administrators' search, revocation, re-issue and per-course settings.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { PDFDocument } from '@cantoo/pdf-lib';
import type { Kysely } from 'kysely';
import {
  type AdminCertificateView,
  type CertificateSettings,
  type CertificateSnapshot,
  type CertificateTemplate,
  type CertificateView,
  certificateStatus,
  encodeCode,
  expiryOf,
  type EmbeddedCredentialCheck,
  normalizeCode,
  type UploadVerification,
  type VerificationView,
} from '../../shared/certificates.ts';
import type { AssetsRepository } from '../assets/repository.ts';
import type { BlobDeletion } from '../blobs/deletion.ts';
import type { FileToServe } from '../blobs/file-to-serve.ts';
import type { CredentialCheck } from './credential/service.ts';
import type { DB } from '../db/types.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { type Actor, mayManage } from '../policies.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { CertificateFonts, CertificateLogo, renderCertificatePdf } from './render.ts';
import {
  type AdminCertificateRow,
  type CertificateRow,
  type CertificatesRepository,
  isUniqueViolation,
} from './repository.ts';
import { columnsOfSettings, parseTemplate, settingsFromColumns } from './settings-columns.ts';

type CourseSettingsRow = NonNullable<Awaited<ReturnType<CertificatesRepository['course']>>>;

const ISSUE_ATTEMPTS = 10;
const CLAIM_ATTEMPTS = 5;

/**
 * The signed credential step (Open Badges 3.0, built in certificates/credential/): given the
 * certificate being made and its snapshot, the signed credential and how to attach it to the PDF
 * being rendered (before its one save: the PDF is not parsed again). Optional: without it the PDF
 * is stored as rendered and `credential_jwt` stays null.
 */
export type SignCredential = (
  certificate: CertificateRow,
  snapshot: CertificateSnapshot,
) => Promise<{ jwt: string; attach: (doc: PDFDocument) => Promise<void> }>;

class BlobBeingDeleted extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`The stored content ${key} is being deleted.`);
    this.key = key;
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What a sample certificate certifies: the facts a course or a draft would give it. */
export interface SampleFacts {
  holderName: string;
  courseTitle: string;
  version: number;
  versionLabel: string;
  validityMonths: number | null;
  /** The cover to print as the logo when the template asks for one. */
  coverAssetId: string | null;
}

export function createCertificatesService(deps: {
  db: Kysely<DB>;
  certificates: CertificatesRepository;
  blobStore: Pick<BlobStore, 'put' | 'stat' | 'localPath'>;
  blobs: Pick<BlobDeletion, 'deleteUnreferenced' | 'awaitGone'>;
  /** Registers a stored blob and claims it in the transaction (assets/repository.ts `claimBlob`). */
  claimBlob: (blob: { key: string; sha256: string; size: number }, now: number, trx: Kysely<DB>) => Promise<boolean>;
  render: typeof renderCertificatePdf;
  fonts: () => CertificateFonts;
  /** The course's cover as a logo (of a version, or by its asset id), or null when it has none usable. */
  courseLogo: ((courseId: string, version: number) => Promise<CertificateLogo | null>) & {
    byAsset: (assetId: string) => Promise<CertificateLogo | null>;
  };
  /** A signature image by its asset id, or null when it has no usable image. */
  signatureImage: (assetId: string) => Promise<CertificateLogo | null>;
  /** Who owns an image named as a signature, and whether it is one. */
  assetRows: Pick<AssetsRepository, 'findMany'>;
  publicUrl: string;
  signCredential?: SignCredential;
  /** The signed credential's other forms and the check of one found in an uploaded PDF. */
  credentials?: {
    checkPdf(bytes: Uint8Array): Promise<CredentialCheck>;
    json(jwt: string): unknown;
    badgePng(courseTitle: string, jwt: string): Promise<Uint8Array>;
  };
  /** A certificate became downloadable: the learner's page updates. */
  onIssued?: (certificate: CertificateRow) => void;
  warn?: (data: Record<string, unknown>, message: string) => void;
  now?: () => number;
}) {
  const { db, certificates: repo, blobStore } = deps;
  const now = deps.now ?? Date.now;
  const verifyUrl = (code: string) => `${deps.publicUrl.replace(/\/+$/, '')}/verify/${code}`;

  function verification(row: CertificateRow, at = now()): VerificationView {
    const s = JSON.parse(row.snapshot) as CertificateSnapshot;
    return {
      code: row.code,
      holderName: s.holderName,
      courseTitle: s.courseTitle,
      version: s.version,
      versionLabel: s.versionLabel,
      completedAt: s.completedAt,
      issuedAt: s.issuedAt,
      expiresAt: s.expiresAt,
      revokedAt: iso(row.revoked_at),
      status: certificateStatus({ revokedAt: row.revoked_at, expiresAt: row.expires_at }, at),
    };
  }

  function present(row: CertificateRow): CertificateView {
    const s = JSON.parse(row.snapshot) as CertificateSnapshot;
    return {
      ...verification(row),
      id: row.id,
      courseId: row.course_id,
      userId: row.user_id,
      score: s.score,
      verifyUrl: verifyUrl(row.code),
      pdfSha256: row.pdf_sha256,
      pdfSize: row.pdf_size === null ? null : Number(row.pdf_size),
      hasCredential: row.credential_jwt !== null,
      previousCertificateId: row.previous_certificate_id,
    };
  }

  function presentAdmin(row: AdminCertificateRow): AdminCertificateView {
    return { ...present(row), holderEmail: row.holder_email, revokedReason: row.revoked_reason };
  }

  // What a certificate takes from a published version (its title and label), by course and
  // version: a published version never changes, and reading its whole content (and parsing it as
  // JSON) for two strings was the largest read of an issue. Bounded; the oldest entry goes first.
  const versionFacts = new Map<string, { title: string; versionLabel: string }>();
  const VERSION_FACTS_MAX = 1_000;
  async function factsOfVersion(courseId: string, version: number) {
    const key = `${courseId}\u0000${version}`;
    const cached = versionFacts.get(key);
    if (cached) return cached;
    const row = await repo.version(courseId, version);
    if (!row) return undefined;
    const content = JSON.parse(row.content) as { basics?: { versionLabel?: string } };
    const facts = { title: row.title, versionLabel: content.basics?.versionLabel ?? '' };
    if (versionFacts.size >= VERSION_FACTS_MAX) versionFacts.delete(versionFacts.keys().next().value as string);
    versionFacts.set(key, facts);
    return facts;
  }

  // The template a certificate freezes, as JSON, by the course's columns: parsing and checking the
  // stored template cost 50 us an issue, and a course's template rarely changes. Bounded.
  const templates = new Map<string, string>();
  const TEMPLATES_MAX = 200;
  function templateOf(course: Pick<CourseSettingsRow, 'certificate_template' | 'certificate_signature_asset_id'>) {
    const key = `${course.certificate_signature_asset_id ?? ''}\u0000${course.certificate_template ?? ''}`;
    let json = templates.get(key);
    if (json === undefined) {
      json = JSON.stringify(parseTemplate(course.certificate_template, course.certificate_signature_asset_id));
      if (templates.size >= TEMPLATES_MAX) templates.delete(templates.keys().next().value as string);
      templates.set(key, json);
    }
    return json;
  }

  // Status indexes this process handed out: two issues in flight here never take the same one
  // (the database's highest is only known once they commit).
  let lastStatusIndex = -1;
  async function nextStatusIndex(): Promise<number> {
    const next = Math.max(await repo.nextStatusIndex(), lastStatusIndex + 1);
    lastStatusIndex = next;
    return next;
  }

  // New certificates being made in this process, by learner, course, version and cycle: a second
  // run for the same one (a retried job, a double completion) waits instead of rendering too.
  const inFlight = new Map<string, Promise<CertificateRow | null>>();

  interface NewCertificate {
    userId: string;
    courseId: string;
    version: number;
    cycle: number;
    previousId: string | null;
    completedAt: number;
    holderName: string;
    score: number | null;
    expiresAt: (issuedAt: number) => number | null;
    /** The course's settings when the caller has just read them (else read here). */
    course?: Pick<CourseSettingsRow, 'certificate_template' | 'certificate_signature_asset_id'>;
  }

  /**
   * Makes the next certificate of this learner and version: rendered and stored first, then
   * inserted with its PDF in one transaction, so no row is ever without its PDF. Null when another
   * run took this cycle first (the caller reads theirs).
   */
  async function create(input: NewCertificate): Promise<CertificateRow | null> {
    const key = `${input.userId}\u0000${input.courseId}\u0000${input.version}\u0000${input.cycle}`;
    const running = inFlight.get(key);
    if (running) {
      await running.catch(() => {});
      return null;
    }
    const making = createOnce(input);
    inFlight.set(key, making);
    try {
      return await making;
    } finally {
      inFlight.delete(key);
    }
  }

  async function createOnce(input: NewCertificate): Promise<CertificateRow | null> {
    const [facts, course] = await Promise.all([
      factsOfVersion(input.courseId, input.version),
      input.course ?? repo.course(input.courseId),
    ]);
    if (!facts || !course) throw notFound('No such course version.');
    const template = templateOf(course);
    for (let attempt = 1; ; attempt++) {
      const issuedAt = now();
      const code = encodeCode(randomBytes(17));
      const expiresAt = input.expiresAt(issuedAt);
      const snapshot: CertificateSnapshot = {
        holderName: input.holderName,
        courseTitle: facts.title,
        version: input.version,
        versionLabel: facts.versionLabel,
        score: input.score,
        completedAt: new Date(input.completedAt).toISOString(),
        issuedAt: new Date(issuedAt).toISOString(),
        expiresAt: iso(expiresAt),
        code,
      };
      const row: CertificateRow = {
        id: randomUUID(),
        code,
        user_id: input.userId,
        course_id: input.courseId,
        version: input.version,
        cycle: input.cycle,
        status_index: await nextStatusIndex(),
        completed_at: input.completedAt,
        issued_at: issuedAt,
        expires_at: expiresAt,
        revoked_at: null,
        revoked_reason: null,
        revoked_by: null,
        previous_certificate_id: input.previousId,
        pdf_blob_key: null,
        pdf_sha256: null,
        pdf_size: null,
        snapshot: JSON.stringify(snapshot),
        template,
        credential_jwt: null,
        created_at: issuedAt,
      };
      const pdf = await renderAndStore(row);
      const done: CertificateRow = { ...row, ...pdfColumns(pdf) };
      try {
        await record(pdf, (trx) => repo.insert(done, trx).then(() => true));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // The stored PDF is referenced by nothing: the collector removes it. Either this cycle is
        // taken (another process won: use its row) or the status index was (render again).
        const latest = await repo.latestOfVersion(input.userId, input.courseId, input.version);
        if (latest && latest.cycle >= input.cycle) return null;
        if (attempt >= ISSUE_ATTEMPTS) throw err;
        continue;
      }
      await keepStored(pdf);
      deps.onIssued?.(done);
      return done;
    }
  }

  interface StoredPdf {
    bytes: Buffer;
    put: { key: string; sha256: string; size: number };
    credentialJwt: string | null;
  }

  const pdfColumns = (pdf: StoredPdf) => ({
    pdf_blob_key: pdf.put.key,
    pdf_sha256: pdf.put.sha256,
    pdf_size: pdf.put.size,
    credential_jwt: pdf.credentialJwt,
  });

  /** Renders a certificate's PDF (its signed credential attached) and stores it as a blob. */
  async function renderAndStore(row: CertificateRow): Promise<StoredPdf> {
    const snapshot = JSON.parse(row.snapshot) as CertificateSnapshot;
    const template = JSON.parse(row.template) as CertificateTemplate;
    // The images are read once per certificate (not per use on the page), and at the same time.
    const [logo, signature] = await Promise.all([
      template.logo === 'cover' ? deps.courseLogo(row.course_id, row.version) : null,
      template.signatureAssetId ? deps.signatureImage(template.signatureAssetId) : null,
    ]);
    // The signed credential depends only on the row and its snapshot: it is started before the
    // layout (a signer may work off the main thread meanwhile) and embedded before the PDF's one
    // save, so the stored bytes carry it.
    const credential = deps.signCredential ? deps.signCredential(row, snapshot) : null;
    // Handled below; this only keeps a failed render from leaving the signing's failure unobserved.
    credential?.catch(() => {});
    const pdf = await deps.render(snapshot, template, {
      fonts: deps.fonts(),
      verifyUrl: verifyUrl(row.code),
      logo,
      signature,
      onReplacedCharacters: (characters) =>
        deps.warn?.(
          { certificate: row.id, characters },
          'characters without a glyph in the certificate font were printed as "?"',
        ),
      beforeSave: credential ? async (doc) => (await credential).attach(doc) : undefined,
    });
    const credentialJwt = credential ? (await credential).jwt : null;
    const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    const put = await blobStore.put(Readable.from([bytes]));
    return { bytes, put: { key: put.key, sha256: put.sha256, size: put.size }, credentialJwt };
  }

  /** Claims the stored PDF and writes its row in one transaction; what `write` answers. */
  async function record(pdf: StoredPdf, write: (trx: Kysely<DB>) => Promise<boolean>): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(async (trx) => {
          if (!(await deps.claimBlob(pdf.put, now(), trx))) throw new BlobBeingDeleted(pdf.put.key);
          return write(trx);
        });
      } catch (err) {
        if (!(err instanceof BlobBeingDeleted) || attempt >= CLAIM_ATTEMPTS) throw err;
        await deps.blobs.awaitGone(err.key);
      }
    }
  }

  /** The collector may have removed the same content between our write and our row: store it again. */
  async function keepStored(pdf: StoredPdf): Promise<void> {
    if (!(await stored(pdf.put.key))) await blobStore.put(Readable.from([pdf.bytes]));
  }

  /** Renders a certificate an earlier release reserved and a crash left unrendered; a rendered one is returned as it is. */
  async function finish(row: CertificateRow): Promise<CertificateRow> {
    if (row.pdf_blob_key !== null) return row;
    const pdf = await renderAndStore(row);
    if (!(await record(pdf, (trx) => repo.recordPdf(row.id, { ...pdf.put, credentialJwt: pdf.credentialJwt }, trx)))) {
      // Another run recorded its PDF first; ours is dropped unless it is the very same content.
      await deps.blobs.deleteUnreferenced([pdf.put.key]);
      return (await repo.findById(row.id)) as CertificateRow;
    }
    await keepStored(pdf);
    const done: CertificateRow = { ...row, ...pdfColumns(pdf) };
    deps.onIssued?.(done);
    return done;
  }

  /**
   * Whether the object is in the store. On a local disk one stat of the file just written (its
   * folder is in the kernel's cache): a thread-pool round trip cost more than the call, and on a
   * busy host the wait gave the core away.
   */
  async function stored(key: string): Promise<boolean> {
    const file = blobStore.localPath?.(key);
    if (file) return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
    return (await blobStore.stat(key)) !== null;
  }

  async function settingsOf(courseId: string) {
    const course = await repo.course(courseId);
    if (!course) throw notFound('No such course.');
    return course;
  }

  /**
   * A signature must be an image the actor or the course's owner uploaded, or one the course or
   * draft already uses (an administrator editing someone's course keeps the author's signature).
   */
  async function checkSignature(actor: Actor, ownerId: string, template: CertificateTemplate, alreadyUsed: readonly (string | null)[]) {
    const id = template.signatureAssetId;
    if (!id) return;
    const [asset] = await deps.assetRows.findMany([id]);
    const allowed = asset && (asset.owner_id === actor.id || asset.owner_id === ownerId || alreadyUsed.includes(id));
    if (!allowed) throw invalid('The signature image does not exist or is not yours.', 'unknown_file');
    if (asset.kind !== 'image') throw invalid('The signature must be an image (PNG, JPEG, WebP…).', 'not_an_image');
  }

  /** A sample PDF (a made-up code that verifies nothing); nothing is stored. */
  async function sample(facts: SampleFacts, template: CertificateTemplate): Promise<Uint8Array> {
    const at = now();
    const code = 'PREV1EW0000000000000000000';
    const snapshot: CertificateSnapshot = {
      holderName: facts.holderName,
      courseTitle: facts.courseTitle,
      version: facts.version,
      versionLabel: facts.versionLabel,
      score: null,
      completedAt: new Date(at).toISOString(),
      issuedAt: new Date(at).toISOString(),
      expiresAt: iso(expiryOf(at, facts.validityMonths)),
      code,
    };
    const [logo, signature] = await Promise.all([
      template.logo === 'cover' && facts.coverAssetId ? deps.courseLogo.byAsset(facts.coverAssetId) : null,
      template.signatureAssetId ? deps.signatureImage(template.signatureAssetId) : null,
    ]);
    return deps.render(snapshot, template, { fonts: deps.fonts(), verifyUrl: verifyUrl(code), logo, signature });
  }

  return {
    verifyUrl,

    /**
     * The certificates.issue job: the learner's certificate of this completed course version.
     * Idempotent: a valid or revoked certificate of the version is returned as it is (finished if
     * an earlier release reserved it and crashed); an expired one is followed by a new one (recertification).
     */
    async issue({
      userId,
      courseId,
      version,
    }: {
      userId: string;
      courseId: string;
      version: number;
    }): Promise<CertificateView> {
      const facts = await repo.issueFacts(userId, courseId, version);
      if (!facts || facts.completedAt === null)
        throw new Error(`No completion is recorded for user ${userId} in course ${courseId} version ${version}`);
      const { completedAt, course } = facts;
      for (let attempt = 1; ; attempt++) {
        const { ofVersion: latest, ofCourse } = await repo.latestOfLearner(userId, courseId, version);
        if (
          latest &&
          (latest.pdf_blob_key === null ||
            certificateStatus({ revokedAt: latest.revoked_at, expiresAt: latest.expires_at }, now()) !== 'expired')
        ) {
          return present(await finish(latest));
        }
        const previous = latest ?? ofCourse;
        if (facts.holderName === null) throw new Error(`No user ${userId}`);
        const created = await create({
          userId,
          courseId,
          version,
          cycle: (latest?.cycle ?? 0) + 1,
          previousId: previous?.id ?? null,
          completedAt,
          holderName: facts.holderName,
          score: facts.bestPercent,
          expiresAt: (issuedAt) => expiryOf(issuedAt, course.certificate_validity_months),
          course,
        });
        if (created) return present(created);
        if (attempt >= ISSUE_ATTEMPTS) throw new Error('Could not issue a certificate');
      }
    },

    async mine(user: Actor): Promise<CertificateView[]> {
      return (await repo.mine(user.id)).map(present);
    },

    /** The stored PDF of a certificate its holder (or an administrator) asks for. */
    async pdf(user: Actor, id: string): Promise<FileToServe> {
      const row = await repo.findById(id);
      if (!row || row.pdf_blob_key === null || !mayManage(user, { ownerId: row.user_id }))
        throw notFound('No such certificate.');
      return {
        key: row.pdf_blob_key,
        size: Number(row.pdf_size),
        mime: 'application/pdf',
        // The SHA-256 of the bytes stored at issue: a strong validator for ever.
        etag: row.pdf_sha256 as string,
        disposition: 'attachment',
        fileName: `certificate-${row.code}.pdf`,
      };
    },

    /** What anyone may know from a code; null for an unknown (or malformed) one. */
    async verify(input: string): Promise<VerificationView | null> {
      const code = normalizeCode(input);
      if (!code) return null;
      const row = await repo.findByCode(code);
      return row ? verification(row) : null;
    },

    /** A PDF someone holds: issued here exactly as it is, or not. */
    /** Verify-by-upload: the bytes against those issued, and the signed credential inside, if any. */
    async verifyPdf(bytes: Buffer): Promise<UploadVerification> {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const row = await repo.findBySha256(sha256);
      const check = deps.credentials ? await deps.credentials.checkPdf(bytes) : ({ state: 'none' } as const);
      const credential: EmbeddedCredentialCheck =
        check.state === 'none'
          ? { state: 'none' }
          : check.state === 'invalid'
            ? { state: 'invalid', reason: check.reason }
            : { state: check.state, code: check.code };
      if (row) return { issuedHere: true, certificate: verification(row), credential };
      return {
        issuedHere: false,
        message: 'This PDF was not issued here, or it was changed after it was issued.',
        credential,
      };
    },

    /** The holder's signed credential (for the JSON and badge downloads); 404 for anyone else or none yet. */
    async credential(user: Actor, id: string): Promise<{ jwt: string; code: string; courseTitle: string }> {
      const row = await repo.findById(id);
      if (!row?.credential_jwt || !mayManage(user, { ownerId: row.user_id }))
        throw notFound('This certificate has no signed credential.');
      const snapshot = JSON.parse(row.snapshot) as CertificateSnapshot;
      return { jwt: row.credential_jwt, code: row.code, courseTitle: snapshot.courseTitle };
    },

    /** The credential as JSON (a VC 2.0 enveloped credential). */
    async credentialJson(user: Actor, id: string): Promise<{ code: string; json: unknown }> {
      const { jwt, code } = await this.credential(user, id);
      if (!deps.credentials) throw notFound('This certificate has no signed credential.');
      return { code, json: deps.credentials.json(jwt) };
    },

    /** The badge: a PNG with the credential baked into its iTXt chunk. */
    async badgePng(user: Actor, id: string): Promise<{ code: string; png: Uint8Array }> {
      const { jwt, code, courseTitle } = await this.credential(user, id);
      if (!deps.credentials) throw notFound('This certificate has no signed credential.');
      return { code, png: await deps.credentials.badgePng(courseTitle, jwt) };
    },

    async search(query: string): Promise<AdminCertificateView[]> {
      return (await repo.search(query)).map(presentAdmin);
    },

    async revoke(actor: Actor, id: string, reason: string): Promise<AdminCertificateView> {
      const row = await repo.findById(id);
      if (!row || row.pdf_blob_key === null) throw notFound('No such certificate.');
      if (!(await repo.revoke(id, reason, actor.id, now())))
        throw conflict('This certificate is already revoked.', 'already_revoked');
      return this.adminView(id);
    },

    /**
     * A new certificate in place of this one: the holder's current name and the course's current
     * template, the rest (course, version, score, completion, expiry) as the old one certified.
     * The old one is revoked ("re-issued as …") unless it already was.
     */
    async reissue(actor: Actor, id: string): Promise<AdminCertificateView> {
      const old = await repo.findById(id);
      if (!old || old.pdf_blob_key === null) throw notFound('No such certificate.');
      const holder = await repo.holder(old.user_id);
      if (!holder) throw notFound('No such certificate.');
      const s = JSON.parse(old.snapshot) as CertificateSnapshot;
      const latest = await repo.latestOfVersion(old.user_id, old.course_id, old.version);
      const created = await create({
        userId: old.user_id,
        courseId: old.course_id,
        version: old.version,
        cycle: (latest?.cycle ?? old.cycle) + 1,
        previousId: old.id,
        completedAt: old.completed_at,
        holderName: holder.display_name,
        score: s.score,
        expiresAt: () => old.expires_at,
      });
      if (!created) throw conflict('This certificate was re-issued meanwhile. Reload to see the new one.', 'reissued');
      if (old.revoked_at === null) await repo.revoke(old.id, `Re-issued as ${created.code}`, actor.id, now());
      return this.adminView(created.id);
    },

    async adminView(id: string): Promise<AdminCertificateView> {
      const row = await repo.findById(id);
      if (!row) throw notFound('No such certificate.');
      const holder = await repo.holder(row.user_id);
      return presentAdmin({ ...row, holder_email: holder?.email ?? '', holder_name: holder?.display_name ?? '' });
    },

    async settings(actor: Actor, courseId: string): Promise<CertificateSettings> {
      const course = await settingsOf(courseId);
      if (!mayManage(actor, { ownerId: course.owner_id })) throw notFound('No such course.');
      return settingsFromColumns(course);
    },

    /**
     * A sample certificate in this template for the course's author (settings not saved yet): the
     * author's name, the latest version, a made-up code that verifies nothing. Nothing is stored.
     */
    async preview(
      actor: Actor & { displayName: string },
      courseId: string,
      template: CertificateTemplate,
    ): Promise<Uint8Array> {
      const course = await settingsOf(courseId);
      if (!mayManage(actor, { ownerId: course.owner_id })) throw notFound('No such course.');
      const facts = await repo.courseVersion(courseId, course.latest_version);
      if (!facts) throw notFound('No such course.');
      await checkSignature(actor, course.owner_id, template, [course.certificate_signature_asset_id]);
      const content = JSON.parse(facts.content) as { basics?: { versionLabel?: string; coverAssetId?: string | null } };
      return sample(
        {
          holderName: actor.displayName,
          courseTitle: facts.title,
          version: course.latest_version,
          versionLabel: content.basics?.versionLabel ?? '',
          validityMonths: course.certificate_validity_months,
          coverAssetId: content.basics?.coverAssetId ?? null,
        },
        template,
      );
    },

    /**
     * A sample certificate for a draft (the drafts service has checked the actor may edit it): its
     * title and the version it would publish, in the template being edited. Nothing is stored.
     */
    async draftPreview(
      actor: Actor,
      draft: { ownerId: string; usedAssetIds: readonly string[] },
      facts: SampleFacts,
      template: CertificateTemplate,
    ): Promise<Uint8Array> {
      await checkSignature(actor, draft.ownerId, template, draft.usedAssetIds);
      return sample(facts, template);
    },

    /** Applies to certificates issued from now on; issued ones keep their dates and look. */
    async saveSettings(actor: Actor, courseId: string, settings: CertificateSettings): Promise<CertificateSettings> {
      const course = await settingsOf(courseId);
      if (!mayManage(actor, { ownerId: course.owner_id })) throw notFound('No such course.');
      await checkSignature(actor, course.owner_id, settings.template, [course.certificate_signature_asset_id]);
      await repo.saveSettings(courseId, columnsOfSettings(settings), now());
      return settings;
    },
  };
}

export type CertificatesService = ReturnType<typeof createCertificatesService>;
