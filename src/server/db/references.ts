// What keeps an asset or a blob alive: every column of the schema that holds an asset id or a blob
// key, in one list, with whether a row there keeps its target alive. The collector, "is this file
// in use" (an owner's deletion), a draft's cancel ("only this draft uses it") and blob deletion all
// build their SQL from this list; `references.test.ts` reads the schema on both dialects and fails
// when a column holding an asset id or a blob key is missing here. Adding a source (certificates)
// is one entry. Imports nothing from the features: it sits beside the schema.
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';

export type ReferenceTarget = 'asset' | 'blob';

export interface Reference {
  table: string;
  column: string;
  /** What the column holds: an `assets.id` or a `blobs.key`. */
  target: ReferenceTarget;
  /**
   * Whether a row keeps its target alive. One that does not belongs to its target instead (it goes
   * with it, by a cascade or with the target's deletion).
   */
  keeps: boolean;
  /** Who holds the file, as the owner is told when a deletion is refused: "a published course". */
  holder?: string;
  /** The column naming the holder, so one holder can be left out ("anything but this draft?"). */
  holderColumn?: string;
  /**
   * For an owner deleting the file: the row is a use only while this column is set. The collector
   * and a cancel count the row whatever it says.
   */
  usedWhileSet?: string;
  /** Why it is here, and for one that keeps nothing, why not. */
  note: string;
}

/** In the order an owner is told about uses: a published course first. */
export const REFERENCES: readonly Reference[] = [
  {
    table: 'course_version_assets',
    column: 'asset_id',
    target: 'asset',
    keeps: true,
    holder: 'a published course',
    holderColumn: 'course_id',
    note: 'Files, cover, question and answer images of every published version: learners of a version read them for ever.',
  },
  {
    table: 'draft_assets',
    column: 'asset_id',
    target: 'asset',
    keeps: true,
    holder: 'a course draft',
    holderColumn: 'draft_id',
    usedWhileSet: 'listed_at',
    note:
      'What a draft uploaded or lists. An upload it no longer lists keeps the file from the collector (the draft may list it again) ' +
      'but not from its owner, who may delete it.',
  },
  {
    table: 'courses',
    column: 'certificate_signature_asset_id',
    target: 'asset',
    keeps: true,
    holder: "a course's certificate",
    holderColumn: 'id',
    note:
      'The signature image of a course’s certificate settings: certificates issued from now on print it, ' +
      'whether it came with a published version or was changed on the course page since.',
  },
  {
    table: 'video_captions',
    column: 'captions_asset_id',
    target: 'asset',
    keeps: true,
    holder: 'a video',
    holderColumn: 'video_asset_id',
    note: 'A caption file lives while the video it is attached to does (the link goes with the video).',
  },
  {
    table: 'video_captions',
    column: 'video_asset_id',
    target: 'asset',
    keeps: false,
    note: 'The video owns its caption links: they go with it.',
  },
  {
    table: 'asset_derivatives',
    column: 'asset_id',
    target: 'asset',
    keeps: false,
    note: 'A derivative is part of its asset and goes with it.',
  },
  {
    table: 'playback_positions',
    column: 'asset_id',
    target: 'asset',
    keeps: false,
    note: 'Where a learner stopped watching keeps nothing; it goes with the video.',
  },
  {
    table: 'learning_progress',
    column: 'asset_id',
    target: 'asset',
    keeps: false,
    note: "A learner's progress on a file keeps nothing: the published version that lists the file keeps it.",
  },
  {
    table: 'enrolments',
    column: 'last_asset_id',
    target: 'asset',
    keeps: false,
    note: 'Where a learner left off keeps nothing; the player starts at the first file when it is gone.',
  },
  {
    table: 'past_enrolments',
    column: 'last_asset_id',
    target: 'asset',
    keeps: false,
    note: 'Where a learner who left the course had stopped keeps nothing, as for a current enrolment.',
  },
  {
    table: 'assets',
    column: 'blob_key',
    target: 'blob',
    keeps: true,
    holder: 'a file',
    note: 'An asset’s original bytes.',
  },
  {
    table: 'asset_derivatives',
    column: 'blob_key',
    target: 'blob',
    keeps: true,
    holder: 'a derivative',
    note: 'Thumbnails, converted documents, the playable video and its ladder, WebVTT tracks.',
  },
  {
    table: 'certificates',
    column: 'pdf_blob_key',
    target: 'blob',
    keeps: true,
    holder: 'a certificate',
    holderColumn: 'id',
    note: 'An issued certificate’s PDF: the same bytes download for ever, so nothing may take it (not even a revoked one’s).',
  },
];

/**
 * Who asks: the collector and a cancel (`keep`: every row that keeps counts), or an owner deleting
 * a file (`use`: a row counts only while its `usedWhileSet` column is set).
 */
export type ReferencePurpose = 'keep' | 'use';

export interface ReferenceQuery {
  purpose?: ReferencePurpose;
  /** Leaves one holder out: the rows of this table whose holder column is this id do not count. */
  except?: { table: string; holderId: string };
}

/** The references that keep a target of this kind alive. */
export function keepingReferences(target: ReferenceTarget): Reference[] {
  return REFERENCES.filter((r) => r.target === target && r.keeps);
}

/** `EXISTS (a row of this reference pointing at id)`, narrowed as the query says. */
export function referencedBy(ref: Reference, id: Expression<string>, query: ReferenceQuery = {}): RawBuilder<SqlBool> {
  const conditions: RawBuilder<unknown>[] = [sql`${sql.ref(`r.${ref.column}`)} = ${id}`];
  if (query.purpose === 'use' && ref.usedWhileSet) conditions.push(sql`${sql.ref(`r.${ref.usedWhileSet}`)} IS NOT NULL`);
  if (query.except && query.except.table === ref.table) {
    if (!ref.holderColumn) throw new Error(`${ref.table}.${ref.column} names no holder to leave out`);
    conditions.push(sql`${sql.ref(`r.${ref.holderColumn}`)} <> ${query.except.holderId}`);
  }
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table(ref.table)} r WHERE ${sql.join(conditions, sql` AND `)})`;
}

/** True when anything in the list keeps the target with this id alive. */
export function keptAlive(target: ReferenceTarget, id: Expression<string>, query: ReferenceQuery = {}): RawBuilder<SqlBool> {
  const refs = keepingReferences(target);
  return sql<SqlBool>`(${sql.join(
    refs.map((r) => referencedBy(r, id, query)),
    sql` OR `,
  )})`;
}

/** True when nothing in the list keeps it alive. */
export function keptByNothing(target: ReferenceTarget, id: Expression<string>, query: ReferenceQuery = {}): RawBuilder<SqlBool> {
  return sql<SqlBool>`NOT ${keptAlive(target, id, query)}`;
}

/**
 * One query naming which references hold the target (their index in `REFERENCES`), for telling an
 * owner what uses a file. `SELECT n WHERE EXISTS …` joined by UNION ALL, on both dialects.
 */
export function holdersOf(target: ReferenceTarget, id: string, query: ReferenceQuery = {}): RawBuilder<{ n: number }> {
  const parts = REFERENCES.flatMap((ref, n) =>
    ref.target === target && ref.keeps ? [sql`SELECT ${sql.lit(n)} AS n WHERE ${referencedBy(ref, sql.val(id), query)}`] : [],
  );
  return sql<{ n: number }>`${sql.join(parts, sql` UNION ALL `)}`;
}
