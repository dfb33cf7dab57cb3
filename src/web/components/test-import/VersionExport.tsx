// For a course's author: download a published version's test set as Moodle XML (images inside) or
// GIFT (text only). Plain links: the server answers with the file as an attachment.
import { Button, Menu } from '@mantine/core';
import { versionExportUrl } from './api.ts';

export function VersionExport({ courseId, version }: { courseId: string; version: number }) {
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <Button variant="default">Export the test</Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component="a" href={versionExportUrl(courseId, version, 'moodle-xml')} download>
          Moodle XML (with images)
        </Menu.Item>
        <Menu.Item component="a" href={versionExportUrl(courseId, version, 'gift')} download>
          GIFT (text only, no images)
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
