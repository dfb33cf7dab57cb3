import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ASSET_KINDS } from '../../../shared/assets.ts';
import { processorFor } from './index.ts';
import { FIXTURES, inputFor, tempDir } from './test-support.ts';

describe('processorFor', () => {
  it('has a processor for every asset kind', () => {
    for (const kind of ASSET_KINDS) assert.equal(typeof processorFor(kind), 'function', kind);
  });

  it('passes other files through without derivatives, and refuses a non-video as video', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(FIXTURES, 'swf', 'expressInstall.swf');
    assert.deepEqual(await processorFor('other')(inputFor(file, dir)), { ok: true, derivatives: [], metadata: {} });
    assert.deepEqual(await processorFor('video')(inputFor(file, dir)), {
      ok: false,
      reason: 'This is not a video file we can read.',
    });
  });

  it('hands tool paths to the processors that run tools', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(FIXTURES, 'office', 'textract_standardized_text.odt');
    const result = await processorFor('office', { soffice: 'lectern-no-soffice' })(inputFor(file, dir));
    assert.deepEqual(result, {
      ok: true,
      derivatives: [],
      metadata: { format: 'odt' },
      note: 'Preview unavailable — download the file to open it.',
    });
  });
});
