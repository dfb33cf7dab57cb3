// The course player: one file of the course inside it, with the author's title and description as
// the heading, the curriculum beside it (a drawer on narrow screens), Previous / Next at the bottom of
// the screen, and the file's progress as the learner studies. The author (not enrolled) gets a preview
// that records nothing.
import { Alert, Anchor, Button, Drawer, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import type { AssetView } from '../../../shared/assets.ts';
import type { ItemProgressView } from '../../../shared/learning.ts';
import { ApiError } from '../../api.ts';
import { canDownload, originalUrl } from '../../assets-api.ts';
import { catalogApi } from '../../catalog-api.ts';
import { Curriculum, lengthOf, ruleText, stateText } from '../../components/learning/Curriculum.tsx';
import { useProgressReporter } from '../../components/learning/use-progress-reporter.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { AssetViewer } from '../../components/viewers/AssetViewer.tsx';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { ASSET_KIND_LABELS } from '../../labels.ts';
import { learningApi, learnPath } from '../../learning-api.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { Loading } from '../../components/Loading.tsx';

export function PlayerPage() {
  const { courseId = '', assetId = '' } = useParams();
  const courseQuery = useQuery({ queryKey: queryKeys.course(courseId), queryFn: () => catalogApi.view(courseId) });
  const course = courseQuery.data?.course ?? null;
  const enrolled = course !== null && course.enrolledVersion === course.version;
  const learningQuery = useQuery({
    queryKey: queryKeys.learning(courseId),
    queryFn: () => learningApi.progress(courseId),
    enabled: enrolled,
  });
  const learning = learningQuery.data?.learning ?? null;
  const [drawerOpened, drawer] = useDisclosure(false);
  const wide = useMediaQuery('(min-width: 62em)') ?? true;
  const reporter = useProgressReporter(courseId, assetId, enrolled && learning !== null);
  // Opening a file from the drawer closes it.
  const closeDrawer = drawer.close;
  useEffect(() => {
    if (assetId) closeDrawer();
  }, [assetId, closeDrawer]);

  if (courseQuery.error) {
    const notFound = courseQuery.error instanceof ApiError && (courseQuery.error.status === 404 || courseQuery.error.status === 400);
    return (
      <Stack>
        <PageTitle>{notFound ? 'Course not found' : 'Could not load the course'}</PageTitle>
        <Text>{notFound ? 'There is no such course.' : errorMessage(courseQuery.error)}</Text>
        <Anchor component={Link} to="/courses">
          Back to the catalog
        </Anchor>
      </Stack>
    );
  }
  if (!course || (enrolled && !learning && !learningQuery.error)) {
    return <Loading>Loading the course…</Loading>;
  }

  const editor = course.test !== null;
  const index = course.files.findIndex((f) => f.assetId === assetId);
  const file = course.files[index];
  const back = (
    <Anchor component={Link} to={`/courses/${courseId}`} size="sm">
      Back to the course: {course.basics.title || 'Untitled course'}
    </Anchor>
  );
  if (!enrolled && !editor) {
    return (
      <Stack>
        {back}
        <PageTitle>Enrol to study this course</PageTitle>
        <Text>Open the course page and enrol to study its files.</Text>
      </Stack>
    );
  }
  if (!file) {
    return (
      <Stack>
        {back}
        <PageTitle>File not found</PageTitle>
        <Text>This file is not part of your version of the course.</Text>
      </Stack>
    );
  }

  const items = learning ? new Map(learning.items.map((i) => [i.assetId, i])) : null;
  const item = items?.get(assetId);
  const previous = course.files[index - 1];
  const next = course.files[index + 1];
  const progress = learning?.progress;
  const curriculum = (headingId: string) => (
    <Curriculum course={course} items={items} currentAssetId={assetId} canOpen headingId={headingId} />
  );

  return (
    <Stack gap="sm">
      {back}
      {learning && progress && (
        <Group gap="sm" wrap="nowrap" className="player__progress">
          <Progress value={progress.percent} flex={1} maw={320} aria-label="Files done in this course" color={learning.completedAt ? 'green.8' : 'blue.8'} />
          <Text size="sm">
            {progress.doneCount} of {progress.total} files done
            {learning.completedAt && !reporter.completedNow ? ' · ✓ Course completed' : ''}
          </Text>
        </Group>
      )}
      {/* Announced once, when this visit completed the course; afterwards a word beside the bar. */}
      {learning?.completedAt && reporter.completedNow && (
        <Alert color="green" variant="light" title="Course completed — well done!" role="status">
          You completed this course on {formatDateTime(learning.completedAt)}.
        </Alert>
      )}
      {!learning && editor && (
        <Text size="sm" c="gray.7">
          Preview: as the course's author you are not enrolled, so nothing you do here is recorded.
        </Text>
      )}
      <div className="player">
        <Stack gap="sm" className="player__main">
          <div>
            <PageTitle>{file.title}</PageTitle>
            <FileFacts asset={file.asset} required={file.required} item={item} index={index} count={course.files.length} />
          </div>
          {file.description && (
            <Text className="player__description" maw="70ch">
              {file.description}
            </Text>
          )}
          {reporter.error && (
            <Text size="sm" c="red.9" role="status">
              {reporter.error}
            </Text>
          )}
          <FileBody asset={file.asset} title={file.title} item={item} reporter={reporter} key={assetId} />
          {item?.rule === 'manual' && (
            <Group gap="sm">
              {item.state === 'done' ? (
                <Button variant="default" onClick={() => reporter.onMarkDone(false)}>
                  Mark as not done
                </Button>
              ) : (
                <Button color="green.8" onClick={() => reporter.onMarkDone(true)}>
                  Mark as done
                </Button>
              )}
            </Group>
          )}
        </Stack>
        {wide && (
          <aside className="player__aside" aria-labelledby="curriculum-heading-side">
            <Title order={2} size="h4" id="curriculum-heading-side" p="sm" pb={0}>
              Course contents
            </Title>
            {curriculum('curriculum-heading-side')}
          </aside>
        )}
      </div>
      <nav className="player__steps" aria-label="Previous and next file">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          {previous ? (
            <Button component={Link} to={learnPath(courseId, previous.assetId)} variant="default" className="player__step" aria-label={`Previous: ${previous.title}`}>
              <span className="player__step-text">‹ Previous{wide ? `: ${previous.title}` : ''}</span>
            </Button>
          ) : (
            <span />
          )}
          {!wide && (
            <Button variant="subtle" onClick={drawer.open} aria-haspopup="dialog">
              Contents
            </Button>
          )}
          {next ? (
            <Button component={Link} to={learnPath(courseId, next.assetId)} className="player__step" aria-label={`Next: ${next.title}`}>
              <span className="player__step-text">Next{wide ? `: ${next.title}` : ''} ›</span>
            </Button>
          ) : (
            <Button component={Link} to={`/courses/${courseId}`} variant="light" className="player__step">
              Finish: back to the course
            </Button>
          )}
        </Group>
      </nav>
      <Drawer.Root id="curriculum-drawer" opened={drawerOpened && !wide} onClose={drawer.close} position="left" size="90%">
        <Drawer.Overlay />
        <Drawer.Content>
          {/* A div, not Mantine's <header>: a second banner landmark confuses screen reader users. */}
          <Drawer.Header {...({ component: 'div' } as object)}>
            {/* Mantine names it `${id}-title`: curriculum-drawer-title. */}
            <Drawer.Title fw={700}>
              Course contents
            </Drawer.Title>
            <Drawer.CloseButton aria-label="Close the course contents" />
          </Drawer.Header>
          <Drawer.Body p={0}>{curriculum('curriculum-drawer-title')}</Drawer.Body>
        </Drawer.Content>
      </Drawer.Root>
    </Stack>
  );
}

function FileFacts({ asset, required, item, index, count }: { asset: AssetView | null; required: boolean; item: ItemProgressView | undefined; index: number; count: number }) {
  const length = lengthOf(asset);
  const state = stateText(item);
  const rule = ruleText(item);
  return (
    <Stack gap={2}>
      <Text size="sm" c="gray.7">
        File {index + 1} of {count}
        {asset ? ` · ${ASSET_KIND_LABELS[asset.kind]}` : ''}
        {length ? ` · ${length}` : ''} · {required ? 'Required' : 'Optional'}
      </Text>
      {item && (
        <Text size="sm" c={state.color} fw={500} role="status">
          {state.text}
          {item.state !== 'done' && rule ? <Text span c="gray.7" fw={400}>{` — ${rule}`}</Text> : null}
        </Text>
      )}
    </Stack>
  );
}

function FileBody({
  asset,
  title,
  item,
  reporter,
}: {
  asset: AssetView | null;
  title: string;
  item: ItemProgressView | undefined;
  reporter: ReturnType<typeof useProgressReporter>;
}) {
  if (!asset) return <Text>This file is no longer available.</Text>;
  const playable = asset.state === 'ready' || asset.viewer === 'video';
  const download = canDownload(asset) && (
    <Group>
      <Button
        component="a"
        href={originalUrl(asset.id)}
        download
        variant={asset.viewer === 'download' ? 'filled' : 'subtle'}
        size={asset.viewer === 'download' ? 'md' : 'sm'}
        onClick={reporter.onOpened}
      >
        {asset.viewer === 'download' ? 'Download the file' : 'Download the original'}
      </Button>
    </Group>
  );
  if (!playable) {
    return (
      <Alert color={asset.state === 'failed' || asset.state === 'missing' ? 'red' : 'blue'} variant="light">
        {asset.state === 'failed' || asset.state === 'missing'
          ? 'This file cannot be shown. Tell the course author.'
          : 'This file is still being prepared. It will show here when it is ready.'}
      </Alert>
    );
  }
  return (
    <Stack gap="sm">
      <AssetViewer
        asset={asset}
        name={title}
        initialPage={item?.rule === 'pages' && item.position ? item.position : undefined}
        onPageShown={reporter.onPageShown}
        onMedia={reporter.onMedia}
        onShown={reporter.onOpened}
      />
      {download}
    </Stack>
  );
}
