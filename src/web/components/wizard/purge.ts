// A file taken out of a draft (a removed file, a replaced cover) is deleted at once, but only after
// the draft is saved without it, and never while something else uses it: the server refuses (409)
// to delete a file a published course or another draft still uses, and then it simply stays.
import { assetIdsOf } from '../../../shared/drafts.ts';
import { ApiError } from '../../api.ts';
import { assetsApi } from '../../assets-api.ts';
import type { UploadManager } from '../uploads/upload-manager.ts';
import type { DraftSaver } from './draft-saver.ts';

/** deleted: gone from the server; kept: something else uses it; unsaved: the draft could not be saved yet (the collector removes it later). */
export type PurgeResult = 'deleted' | 'kept' | 'unsaved';

export async function purgeRemovedAsset(
  saver: DraftSaver,
  manager: UploadManager,
  assetId: string,
): Promise<PurgeResult> {
  // The same file may still be used elsewhere in this draft (e.g. also as the cover).
  const stillUsed = () => assetIdsOf(saver.getSnapshot().content).includes(assetId);
  if (!(await saver.flush())) {
    // Its upload row must not bring it back into the draft when the wizard opens again.
    if (!stillUsed()) manager.forgetAsset(assetId);
    return 'unsaved';
  }
  if (stillUsed()) return 'kept';
  const upload = manager.getSnapshot().items.find((item) => item.assetId === assetId && item.status !== 'uploaded');
  if (upload) {
    // Still uploading: terminating the upload deletes its file on the server.
    await manager.cancel(upload.key);
    return 'deleted';
  }
  let result: PurgeResult = 'deleted';
  try {
    await assetsApi.remove(assetId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) result = 'kept';
    else if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  manager.forgetAsset(assetId);
  return result;
}
