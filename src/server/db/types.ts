// Table types for Kysely. Times are epoch milliseconds (bigint in PostgreSQL, parsed to number);
// flags are nullable timestamps, which read the same on both dialects.
import type { ColumnType } from 'kysely';
import type { Role } from '../../shared/accounts.ts';
import type { AssetKind, AssetState } from '../../shared/assets.ts';
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token: a leaked table does not leak sessions. */
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: number;
  locked_until: number | null;
}

export interface AppSettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface JobsTable {
  id: string;
  name: string;
  job_group: string;
  /** JSON. */
  payload: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'failed' | 'cancelled';
  priority: number;
  run_at: number;
  /** Attempts started so far. */
  attempt: number;
  max_attempts: number;
  timeout_ms: number;
  singleton_key: string | null;
  /** While active: the worker holds the job until then, renewing it by heartbeat. */
  lease_until: number | null;
  worker_id: string | null;
  error: string | null;
  progress: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface JobSchedulesTable {
  name: string;
  cron: string;
  payload: string;
  next_run_at: number;
  updated_at: number;
}

export interface WorkerProbesTable {
  probe_id: string;
  /** How many times a handler completed this probe: exactly-once checks read it. */
  runs: number;
  worker: string;
  completed_at: number;
}

export interface BlobsTable {
  /** The blob store key, `sha256/ab/cd/<hex>`. */
  key: string;
  sha256: string;
  size: number;
  created_at: number;
  /** Set while the blob is being deleted (its object first, then this row): never claimed meanwhile. */
  deleting_at: number | null;
}

export interface AssetsTable {
  id: string;
  owner_id: string;
  kind: AssetKind;
  /** As the author named it; never used as a storage path. */
  original_name: string;
  state: AssetState;
  reason: string | null;
  progress: number | null;
  size: number;
  mime: string | null;
  blob_key: string | null;
  /** The tus upload while uploading. */
  upload_id: string | null;
  /** Set when uploaded for a draft: then it lives only while a draft or course version uses it (gc). */
  uploaded_for_draft_at: number | null;
  /** JSON. */
  metadata: string;
  created_at: number;
  updated_at: number;
}

export interface AssetDerivativesTable {
  asset_id: string;
  role: string;
  blob_key: string;
  mime: string;
  size: number;
}

export interface VideoCaptionsTable {
  video_asset_id: string;
  /** An asset of kind `captions` (its `vtt` derivative is the track). */
  captions_asset_id: string;
  label: string;
  /** BCP 47 language tag, or null. */
  language: string | null;
  /** Order of the tracks in the player, from 0. */
  position: number;
  created_at: number;
}

export interface PlaybackPositionsTable {
  user_id: string;
  asset_id: string;
  position_ms: number;
  updated_at: number;
}

export interface UploadKvTable {
  key: string;
  /** JSON. */
  value: string;
  updated_at: number;
}

export interface DraftsTable {
  id: string;
  owner_id: string;
  /** Incremented by every save; a save naming an older revision is refused. */
  revision: number;
  step: 'basics' | 'files' | 'test' | 'review';
  /** JSON: the steps the author has opened, in wizard order ('[]' by default). */
  visited_steps: ColumnType<string, string | undefined, string>;
  /** JSON (DraftContent). */
  content: string;
  /** The published course this draft edits, and the version it started from; null for a new course. */
  course_id: string | null;
  base_version: number | null;
  created_at: number;
  updated_at: number;
}

export interface CoursesTable {
  id: string;
  owner_id: string;
  latest_version: number;
  created_at: number;
  updated_at: number;
  /** How long the course's certificates stay valid; null: for ever. Optional on insert (null). */
  certificate_validity_months: ColumnType<number | null, number | null | undefined, number | null>;
  /** JSON (CertificateTemplate); null: the default look. Optional on insert (null). */
  certificate_template: ColumnType<string | null, string | null | undefined, string | null>;
  /** The image printed as the certificate's signature (kept alive by db/references.ts); null: none. Optional on insert. */
  certificate_signature_asset_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** 'open': anyone signed in may enrol; 'invitation': only its author or an administrator enrols learners. */
  self_enrolment: Generated<'open' | 'invitation'>;
}

export interface CourseVersionsTable {
  course_id: string;
  version: number;
  title: string;
  /** JSON (DraftContent as published). */
  content: string;
  source_draft_id: string;
  published_by: string;
  published_at: number;
  /** Lower-cased title, topics and short description, for the catalog's search (courses/search.ts). */
  search_text: string | null;
  /** Lower-cased topics between newlines: "\nfire\nfirst aid\n". */
  topics_key: string | null;
  language: string | null;
}

export interface CourseVersionAssetsTable {
  course_id: string;
  version: number;
  asset_id: string;
}

export interface EnrolmentsTable {
  user_id: string;
  course_id: string;
  version: number;
  enrolled_at: number;
  last_asset_id: string | null;
  last_activity_at: number | null;
  /** When the learner should have finished (set by whoever enrolled them), or null. */
  due_at: number | null;
  /** Who enrolled the learner; null when they enrolled themselves. */
  enrolled_by: string | null;
}

/** An enrolment the learner left: kept, so enrolling again resumes the same version where they were. */
export interface PastEnrolmentsTable {
  user_id: string;
  course_id: string;
  version: number;
  enrolled_at: number;
  enrolled_by: string | null;
  due_at: number | null;
  last_asset_id: string | null;
  last_activity_at: number | null;
  left_at: number;
}

export interface LearningProgressTable {
  user_id: string;
  course_id: string;
  version: number;
  asset_id: string;
  /** JSON: sorted, disjoint [start, end] seconds. */
  played: string;
  /** JSON: sorted page numbers. */
  pages_seen: string;
  opened_at: number | null;
  marked_done_at: number | null;
  position: number | null;
  done_at: number | null;
  revision: number;
  updated_at: number;
}

export interface CourseCompletionsTable {
  user_id: string;
  course_id: string;
  version: number;
  completed_at: number;
}

export interface DraftAssetsTable {
  draft_id: string;
  asset_id: string;
  relation: 'uploaded' | 'uses';
  /** Set while the draft's content lists the asset (files, cover, question and answer images). */
  listed_at: number | null;
}

export interface GcRunsTable {
  id: string;
  trigger: 'schedule' | 'manual' | 'cli';
  /** 1 for a dry run (nothing deleted), 0 otherwise. */
  dry_run: number;
  status: 'running' | 'completed' | 'failed' | 'refused';
  started_at: number;
  finished_at: number | null;
  /** JSON (GcReport). */
  report: string;
}

export interface GcLeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface QuizAttemptsTable {
  id: string;
  user_id: string;
  course_id: string;
  version: number;
  number: number;
  state: 'open' | 'submitted';
  seed: number;
  /** JSON: AttemptLayout. */
  layout: string;
  started_at: number;
  deadline_at: number | null;
  submitted_at: number | null;
  submitted_by: 'learner' | 'deadline' | null;
  score: number | null;
  max_score: number | null;
  percent: number | null;
  /** 1 or 0 once graded. */
  passed: number | null;
  /** JSON: [{ questionId, fraction }]. */
  grade: string | null;
  updated_at: number;
}

export interface QuizAttemptAnswersTable {
  attempt_id: string;
  question_id: string;
  /** JSON array of answer ids. */
  answer_ids: string;
  sequence: number;
  flagged_at: number | null;
  saved_at: number;
}

export interface QuizAllowancesTable {
  user_id: string;
  course_id: string;
  time_multiplier: number;
  extra_minutes: number;
  extra_attempts: number;
  granted_by: string;
  updated_at: number;
}

export interface CertificatesTable {
  id: string;
  /** The public verification code (Crockford base32, 130 random bits). */
  code: string;
  user_id: string;
  course_id: string;
  version: number;
  /** 1 for the first certificate of this learner and version; +1 per recertification or re-issue. */
  cycle: number;
  /** Position in the instance's status list, allocated in issue order. */
  status_index: number;
  completed_at: number;
  issued_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  revoked_reason: string | null;
  revoked_by: string | null;
  previous_certificate_id: string | null;
  /** Null while being issued (reserved, not rendered yet). */
  pdf_blob_key: string | null;
  pdf_sha256: string | null;
  pdf_size: number | null;
  /** JSON (CertificateSnapshot). */
  snapshot: string;
  /** JSON (CertificateTemplate). */
  template: string;
  /** The signed Open Badges credential, once attached. */
  credential_jwt: string | null;
  created_at: number;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  app_settings: AppSettingsTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  worker_probes: WorkerProbesTable;
  blobs: BlobsTable;
  assets: AssetsTable;
  asset_derivatives: AssetDerivativesTable;
  video_captions: VideoCaptionsTable;
  playback_positions: PlaybackPositionsTable;
  upload_kv: UploadKvTable;
  drafts: DraftsTable;
  draft_assets: DraftAssetsTable;
  courses: CoursesTable;
  course_versions: CourseVersionsTable;
  course_version_assets: CourseVersionAssetsTable;
  enrolments: EnrolmentsTable;
  past_enrolments: PastEnrolmentsTable;
  learning_progress: LearningProgressTable;
  course_completions: CourseCompletionsTable;
  gc_runs: GcRunsTable;
  gc_leases: GcLeasesTable;
  quiz_attempts: QuizAttemptsTable;
  quiz_attempt_answers: QuizAttemptAnswersTable;
  quiz_allowances: QuizAllowancesTable;
  certificates: CertificatesTable;
}
