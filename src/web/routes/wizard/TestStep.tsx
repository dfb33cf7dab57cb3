// Test: the course's test set (settings, categories → questions → answers), edited with the
// TestSetEditor; every change goes through the wizard's autosave like the other steps.
import { Stack, Title } from '@mantine/core';
import { useCallback, useId } from 'react';
import type { TestSet } from '../../../shared/quiz.ts';
import { TestSetEditor } from '../../components/test-editor/index.ts';
import { TestTransfer } from '../../components/test-import/TestTransfer.tsx';
import { useUploadManager } from '../../components/uploads/UploadsProvider.tsx';
import { useFocusRequestedPath } from '../../components/wizard/focus-path.ts';
import { purgeRemovedAsset } from '../../components/wizard/purge.ts';
import { useWizard } from '../../components/wizard/wizard-context.tsx';
import { problemsRevealed } from '../../components/wizard/wizard-steps.ts';

export function TestStep() {
  const { saver, snapshot, problems, visited } = useWizard();
  const ids = useId();
  useFocusRequestedPath();
  const manager = useUploadManager();
  const onChange = useCallback((next: TestSet) => saver.update('test', next), [saver]);
  // An image taken out of the test is deleted once the draft is saved without it, unless used
  // elsewhere; if that fails, the storage clean-up removes it later.
  const onImagesRemoved = useCallback(
    (assetIds: string[]) => {
      for (const assetId of assetIds) void purgeRemovedAsset(saver, manager, assetId).catch(() => {});
    },
    [saver, manager],
  );
  return (
    <Stack gap="md" component="section" aria-labelledby={`${ids}-heading`}>
      <Title order={2} size="h3" id={`${ids}-heading`}>
        Test
      </Title>
      <TestTransfer draftId={snapshot.draftId} saver={saver} testSet={snapshot.content.test} />
      <TestSetEditor
        draftId={snapshot.draftId}
        value={snapshot.content.test}
        onChange={onChange}
        problems={problems ?? []}
        headingOrder={3}
        onImagesRemoved={onImagesRemoved}
        revealProblems={problemsRevealed('test', visited)}
      />
    </Stack>
  );
}
