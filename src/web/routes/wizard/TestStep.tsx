// Test: the course's test set (settings, categories → questions → answers), edited with the
// TestSetEditor; every change goes through the wizard's autosave like the other steps.
import { Stack, Title } from '@mantine/core';
import { useCallback, useId } from 'react';
import type { TestSet } from '../../../shared/quiz.ts';
import { TestSetEditor } from '../../components/test-editor/index.ts';
import { useFocusRequestedPath } from '../../components/wizard/focus-path.ts';
import { useWizard } from '../../components/wizard/wizard-context.tsx';

export function TestStep() {
  const { saver, snapshot, problems } = useWizard();
  const ids = useId();
  useFocusRequestedPath();
  const onChange = useCallback((next: TestSet) => saver.update('test', next), [saver]);
  return (
    <Stack gap="md" component="section" aria-labelledby={`${ids}-heading`}>
      <Title order={2} size="h3" id={`${ids}-heading`}>
        Test
      </Title>
      <TestSetEditor
        draftId={snapshot.draftId}
        value={snapshot.content.test}
        onChange={onChange}
        problems={problems ?? []}
        headingOrder={3}
      />
    </Stack>
  );
}
