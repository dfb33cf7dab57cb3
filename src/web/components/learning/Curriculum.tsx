// A course's files in order: each with its kind, length (pages, duration), whether it counts for
// completion, and — for an enrolled learner — how far along it is. On the course page and beside
// the player (where the open file is marked as the current one).
import { Anchor, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { AssetView } from '../../../shared/assets.ts';
import type { CourseVersionView } from '../../../shared/courses.ts';
import type { ItemProgressView } from '../../../shared/learning.ts';
import { formatTime } from '../player/sources.ts';
import { ASSET_KIND_LABELS } from '../../labels.ts';
import { learnPath } from '../../learning-api.ts';

/** "12 pages", "4:05", or nothing when the length is unknown. */
export function lengthOf(asset: AssetView | null): string | null {
  if (!asset) return null;
  const { pages, durationSeconds } = asset.metadata;
  if (asset.viewer === 'pdf' && typeof pages === 'number') return pages === 1 ? '1 page' : `${pages} pages`;
  if ((asset.kind === 'video' || asset.kind === 'audio') && typeof durationSeconds === 'number') return formatTime(durationSeconds);
  return null;
}

/** The item's state in words, with how far along it is when it says something. */
export function stateText(item: ItemProgressView | undefined): { text: string; color: string } {
  if (!item || item.state === 'not_started') return { text: 'Not started', color: 'gray.7' };
  // Darker than green.9, so it stays above 4.5:1 on the current item's light blue too.
  if (item.state === 'done') return { text: '✓ Done', color: '#1d6a31' };
  if (item.rule === 'pages' && item.pageCount) return { text: `In progress · ${item.pagesSeen} of ${item.pageCount} pages`, color: 'blue.9' };
  if (item.rule === 'media') return { text: `In progress · ${Math.round(item.fraction * 100)}%`, color: 'blue.9' };
  return { text: 'In progress', color: 'blue.9' };
}

/** What it takes for this file to count as done, told to the learner. */
export function ruleText(item: ItemProgressView | undefined): string | null {
  switch (item?.rule) {
    case 'media':
      return item.durationSeconds ? 'Done once you have played 90% of it (skipping ahead does not count).' : 'Done once opened.';
    case 'pages':
      return item.pageCount ? 'Done once every page has been on screen.' : 'Done once opened.';
    case 'opened':
      return 'Done once opened.';
    case 'manual':
      return 'Mark it as done when you have finished.';
    default:
      return null;
  }
}

export function Curriculum({
  course,
  items,
  currentAssetId,
  canOpen,
  headingId,
}: {
  course: CourseVersionView;
  /** The learner's progress by file, when enrolled. */
  items: Map<string, ItemProgressView> | null;
  currentAssetId?: string;
  canOpen: boolean;
  /** The heading naming this list. */
  headingId: string;
}) {
  if (course.files.length === 0) return <Text>This course has no files.</Text>;
  return (
    <Stack component="ol" className="plain-list curriculum" gap={0} aria-labelledby={headingId}>
      {course.files.map((file, index) => {
        const asset = file.asset;
        const item = items?.get(file.assetId);
        const current = file.assetId === currentAssetId;
        const state = stateText(item);
        const length = lengthOf(asset);
        const openable = canOpen && asset !== null && (asset.state === 'ready' || asset.viewer === 'video');
        const meta = [asset ? ASSET_KIND_LABELS[asset.kind] : 'Unavailable', length, file.required ? 'Required' : 'Optional']
          .filter(Boolean)
          .join(' · ');
        return (
          <li key={file.assetId} className="curriculum__item" data-current={current || undefined}>
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <Text className="curriculum__number" aria-hidden="true" fw={600} c="gray.7">
                {index + 1}
              </Text>
              <Stack gap={2} className="curriculum__text">
                {openable ? (
                  <Anchor
                    component={Link}
                    to={learnPath(course.courseId, file.assetId)}
                    fw={600}
                    aria-current={current ? 'page' : undefined}
                    className="curriculum__link"
                  >
                    {file.title}
                  </Anchor>
                ) : (
                  <Text fw={600}>{file.title}</Text>
                )}
                <Text size="sm" c="gray.7">
                  {meta}
                  {asset && asset.state !== 'ready' && asset.state !== 'processing' ? ` · ${asset.state === 'failed' ? 'could not be processed' : 'missing'}` : ''}
                  {asset?.state === 'processing' && asset.viewer !== 'video' ? ' · being prepared' : ''}
                </Text>
                {items && (
                  <Text size="sm" c={state.color} fw={500}>
                    {state.text}
                  </Text>
                )}
              </Stack>
            </Group>
          </li>
        );
      })}
    </Stack>
  );
}
