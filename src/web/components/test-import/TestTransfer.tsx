// The Test step's import and export: "Import questions" opens the import dialog; "Export" downloads
// the saved test set as Moodle XML (images inside) or GIFT (no images: GIFT cannot hold them).
import { Button, Group, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { TestSet } from '../../../shared/quiz.ts';
import type { DraftSaver } from '../wizard/draft-saver.ts';
import { type ExportFormat, exportUrl } from './api.ts';
import { ImportDialog } from './ImportDialog.tsx';

export function TestTransfer({ draftId, saver, testSet }: { draftId: string; saver: DraftSaver; testSet: TestSet }) {
  const [importing, setImporting] = useState(false);

  async function download(format: ExportFormat) {
    // The export is the saved draft: pending edits go first.
    if (!(await saver.flush())) {
      notifications.show({ color: 'red', message: 'Your latest changes are not saved yet; export once they are.' });
      return;
    }
    const link = document.createElement('a');
    link.href = exportUrl(draftId, format);
    link.download = '';
    document.body.append(link);
    link.click();
    link.remove();
  }

  return (
    <Group gap="sm" wrap="wrap">
      <Button variant="default" onClick={() => setImporting(true)}>
        Import questions
      </Button>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button variant="default">Export</Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => void download('moodle-xml')}>Moodle XML (with images)</Menu.Item>
          <Menu.Item onClick={() => void download('gift')}>GIFT (text only, no images)</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ImportDialog
        opened={importing}
        onClose={() => setImporting(false)}
        draftId={draftId}
        saver={saver}
        testSet={testSet}
      />
    </Group>
  );
}
