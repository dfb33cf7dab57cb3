// All SQL of video extras: caption tracks attached to a video, and learners' playback positions.
import type { Kysely, Selectable } from 'kysely';
import type { DB, VideoCaptionsTable } from '../db/types.ts';

export type CaptionRow = Selectable<VideoCaptionsTable>;

export function createMediaRepository(db: Kysely<DB>) {
  return {
    /** Tracks of a video in player order, with their captions asset's name and whether its WebVTT exists. */
    async captionsOf(videoId: string): Promise<(CaptionRow & { original_name: string; has_vtt: boolean })[]> {
      const rows = await db
        .selectFrom('video_captions')
        .innerJoin('assets', 'assets.id', 'video_captions.captions_asset_id')
        .leftJoin('asset_derivatives', (join) =>
          join
            .onRef('asset_derivatives.asset_id', '=', 'video_captions.captions_asset_id')
            .on('asset_derivatives.role', '=', 'vtt'),
        )
        .selectAll('video_captions')
        .select(['assets.original_name', 'asset_derivatives.blob_key as vtt_key'])
        .where('video_captions.video_asset_id', '=', videoId)
        .orderBy('video_captions.position')
        .execute();
      return rows.map(({ vtt_key, ...row }) => ({ ...row, has_vtt: vtt_key !== null }));
    },

    async findCaption(videoId: string, captionsId: string): Promise<CaptionRow | undefined> {
      return db
        .selectFrom('video_captions')
        .selectAll()
        .where('video_asset_id', '=', videoId)
        .where('captions_asset_id', '=', captionsId)
        .executeTakeFirst();
    },

    /** Replaces the whole list in one transaction. */
    async replaceCaptions(videoId: string, rows: CaptionRow[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('video_captions').where('video_asset_id', '=', videoId).execute();
        if (rows.length > 0) await trx.insertInto('video_captions').values(rows).execute();
      });
    },

    async position(userId: string, assetId: string): Promise<number | null> {
      const row = await db
        .selectFrom('playback_positions')
        .select('position_ms')
        .where('user_id', '=', userId)
        .where('asset_id', '=', assetId)
        .executeTakeFirst();
      return row ? Number(row.position_ms) : null;
    },

    async savePosition(userId: string, assetId: string, positionMs: number, now: number): Promise<void> {
      await db
        .insertInto('playback_positions')
        .values({ user_id: userId, asset_id: assetId, position_ms: positionMs, updated_at: now })
        .onConflict((oc) =>
          oc.columns(['user_id', 'asset_id']).doUpdateSet({ position_ms: positionMs, updated_at: now }),
        )
        .execute();
    },
  };
}

export type MediaRepository = ReturnType<typeof createMediaRepository>;
