// A published course: the version the reader is enrolled in (learners keep theirs when a new one is
// published), or the latest with an Enrol button; its author may read any version and start editing.
import { Alert, Anchor, Badge, Button, Center, Group, List, Loader, Progress, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { CourseVersionView } from '../../../shared/courses.ts';
import { ApiError } from '../../api.ts';
import type { LearningView } from '../../../shared/learning.ts';
import { derivativeUrl, isSettled } from '../../assets-api.ts';
import { courseAttemptsPath } from '../../attempts-admin-api.ts';
import { catalogApi } from '../../catalog-api.ts';
import { TestBlock } from '../../components/attempt/TestBlock.tsx';
import { CertificateSettingsPanel } from '../../components/certificates/CertificateSettingsPanel.tsx';
import { CompletionCertificate } from '../../components/certificates/CompletionCertificate.tsx';
import { Curriculum } from '../../components/learning/Curriculum.tsx';
import { TableScroller } from '../../components/TableScroller.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { coursesApi } from '../../courses-api.ts';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { learningApi, learnPath } from '../../learning-api.ts';
import { Markdown } from '../../markdown.tsx';
import { queryKeys } from '../../server-state/keys.ts';
import { useCurrentUser } from '../../session.tsx';

const POLL_MS = 5_000;

export function CoursePage() {
  const { id = '', version: versionParam } = useParams();
  const version = versionParam ? Number(versionParam) : undefined;
  const user = useCurrentUser();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const courseQuery = useQuery({
    queryKey: queryKeys.course(id, version),
    queryFn: () => (version ? catalogApi.version(id, version) : catalogApi.view(id)),
    // Files still being processed when the course was published appear as they become ready.
    refetchInterval: (query) => (query.state.data?.course.files.some((f) => f.asset && !isSettled(f.asset)) ? POLL_MS : false),
  });
  const course: CourseVersionView | null = courseQuery.data?.course ?? null;
  const error = courseQuery.error
    ? { status: courseQuery.error instanceof ApiError ? courseQuery.error.status : 0, message: errorMessage(courseQuery.error) }
    : null;
  const studying = course !== null && course.enrolledVersion === course.version;
  const learningQuery = useQuery({
    queryKey: queryKeys.learning(id),
    queryFn: () => learningApi.progress(id),
    enabled: studying,
  });
  const learning = learningQuery.data?.learning ?? null;
  const load = async () => {
    await client.invalidateQueries({ queryKey: queryKeys.course(id, version) });
    await client.invalidateQueries({ queryKey: queryKeys.learning(id) });
  };

  if (error && !course) {
    const notFound = error.status === 404 || error.status === 400;
    return (
      <Stack>
        <PageTitle>{notFound ? 'Course not found' : 'Could not load the course'}</PageTitle>
        <Text>{notFound ? 'There is no such course, or no such version of it.' : error.message}</Text>
        <Anchor component={Link} to="/courses">
          Back to the catalog
        </Anchor>
      </Stack>
    );
  }
  if (!course) {
    return (
      <Center py="lg" role="status">
        <Loader size="sm" aria-hidden="true" />
        <Text ml="sm">Loading the course…</Text>
      </Center>
    );
  }

  const editor = course.test !== null;
  const enrolled = course.enrolledVersion !== null;
  const mayOpenFiles = editor || studying;
  const { basics } = course;

  async function enrol() {
    setBusy(true);
    setActionError(null);
    try {
      await catalogApi.enrol(id);
      await load();
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function edit() {
    setBusy(true);
    setActionError(null);
    try {
      const { draft } = await coursesApi.startEdit(id);
      navigate(`/drafts/${draft.id}/${draft.step}`);
    } catch (err) {
      setActionError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/courses" size="sm">
        Back to the catalog
      </Anchor>
      <PageTitle>{basics.title || 'Untitled course'}</PageTitle>
      <Group gap="xs">
        <Badge variant="light">Version {course.version}</Badge>
        {basics.versionLabel && <Badge variant="outline">{basics.versionLabel}</Badge>}
        {enrolled && <Badge color="green" variant="light">Enrolled in version {course.enrolledVersion}</Badge>}
      </Group>
      <Text size="sm" c="dimmed">
        By {course.authorName} · published {formatDateTime(course.publishedAt)} · language {basics.language}
      </Text>
      {basics.coverAssetId && (
        <img className="course-cover" src={derivativeUrl(basics.coverAssetId, 'web')} alt="" />
      )}

      {actionError && (
        <Alert color="red" variant="light" role="alert">
          {actionError}
        </Alert>
      )}
      {studying && learning && <LearnerProgress courseId={id} learning={learning} />}
      {studying && !learning && learningQuery.error && (
        <Text role="alert">Your progress could not be loaded: {errorMessage(learningQuery.error)}</Text>
      )}
      <Group>
        {!enrolled && (
          <Button onClick={() => void enrol()} loading={busy} size="md">
            Enrol in this course
          </Button>
        )}
        {editor && user.role !== 'learner' && (
          <Button variant="default" onClick={() => void edit()} loading={busy}>
            Edit course (new version)
          </Button>
        )}
        {editor && course.latestVersion > 1 && (
          <Select
            label="Show version"
            data={Array.from({ length: course.latestVersion }, (_, i) => String(course.latestVersion - i))}
            value={String(course.version)}
            onChange={(value) => value && navigate(`/courses/${id}/versions/${value}`)}
            allowDeselect={false}
            w={160}
          />
        )}
      </Group>
      {enrolled && course.latestVersion > (course.enrolledVersion ?? 0) && course.version === course.enrolledVersion && (
        <Text size="sm">
          A newer version (version {course.latestVersion}) has been published since you enrolled; you keep
          version {course.enrolledVersion}, the one you started.
        </Text>
      )}

      {basics.shortDescription && (
        <section aria-labelledby="about-heading">
          <Title order={2} size="h3" id="about-heading">
            About this course
          </Title>
          <Markdown headingLevel={3}>{basics.shortDescription}</Markdown>
        </section>
      )}
      {basics.topics.length > 0 && (
        <section aria-labelledby="topics-heading">
          <Title order={2} size="h3" id="topics-heading">
            Topics taught
          </Title>
          <List>
            {basics.topics.map((topic) => (
              <List.Item key={topic}>{topic}</List.Item>
            ))}
          </List>
        </section>
      )}

      <section aria-labelledby="files-heading" className="course-material">
        <Title order={2} size="h3" id="files-heading">
          Course material
        </Title>
        <Curriculum course={course} items={learning ? new Map(learning.items.map((i) => [i.assetId, i])) : null} canOpen={mayOpenFiles} headingId="files-heading" />
        {!mayOpenFiles && <Text mt="xs">Enrol to open the course material.</Text>}
      </section>

      {editor && user.role !== 'learner' && (
        <CourseLearners courseId={id} hasTest={course.testSummary.enabled && course.testSummary.questionCount > 0} />
      )}
      {editor && user.role !== 'learner' && <CertificateSettingsPanel courseId={id} />}

      {course.testSummary.enabled && course.testSummary.questionCount > 0 && studying && <TestBlock courseId={id} />}
      {course.testSummary.enabled && course.testSummary.questionCount > 0 && !studying && (
        <section aria-labelledby="test-heading">
          <Title order={2} size="h3" id="test-heading">
            Test
          </Title>
          <Text>
            {course.testSummary.questionCount} questions in the set; pass mark {course.testSummary.passMarkPercent}%. The
            test is the last step: the course is complete when its required files are done and the test is passed.
          </Text>
        </section>
      )}
    </Stack>
  );
}

/** The learner's progress bar and the one main action: Start, Continue, or Completed. */
function LearnerProgress({ courseId, learning }: { courseId: string; learning: LearningView }) {
  const { progress, completedAt, resumeAssetId } = learning;
  const started = learning.items.some((i) => i.state !== 'not_started');
  const first = learning.items[0]?.assetId ?? null;
  return (
    <section aria-labelledby="progress-heading" className="course-progress">
      <Title order={2} size="h3" id="progress-heading">
        Your progress
      </Title>
      <Group gap="sm" wrap="nowrap" mt="xs" maw={480}>
        <Progress value={progress.percent} flex={1} size="lg" aria-label="Files done" color={completedAt ? 'green.8' : 'blue.8'} />
        <Text size="sm" fw={500} className="nowrap">
          {progress.percent}%
        </Text>
      </Group>
      <Text size="sm" mt={4}>
        {progress.doneCount} of {progress.total} files done
        {progress.requiredCount !== progress.total ? ` (${progress.requiredDone} of ${progress.requiredCount} required)` : ''}.
      </Text>
      {completedAt ? (
        <Alert color="green" variant="light" mt="sm" title="Completed" role="status">
          You completed this course on {formatDateTime(completedAt)}.
          {first && (
            <>
              {' '}
              <Anchor component={Link} to={learnPath(courseId, resumeAssetId ?? first)}>
                Open the course again
              </Anchor>
            </>
          )}
          <CompletionCertificate courseId={courseId} version={learning.version} />
        </Alert>
      ) : progress.filesComplete && learning.hasTest ? (
        <Text mt="sm" fw={500}>
          Every required file is done. Next:{' '}
          <Anchor href="#test-heading">the test</Anchor>, below.
        </Text>
      ) : (
        resumeAssetId && (
          <Button component={Link} to={learnPath(courseId, resumeAssetId)} mt="sm" size="md">
            {started ? 'Continue' : 'Start'}
          </Button>
        )
      )}
      <Text size="sm" c="gray.7" mt="sm" maw="60ch">
        How a file counts as done: a video or a recording once you have played 90% of it (skipping ahead does not
        count); a document once every page has been on screen; anything else once opened.
        {progress.requiredCount !== progress.total ? ' The course is complete when every required file is done' : ' The course is complete when every file is done'}
        {learning.hasTest ? ' and the test is passed.' : '.'}
      </Text>
    </section>
  );
}

/** For the course's author: who is enrolled, how far along, and who completed it. */
function CourseLearners({ courseId, hasTest }: { courseId: string; hasTest: boolean }) {
  const query = useQuery({ queryKey: queryKeys.courseLearners(courseId), queryFn: () => learningApi.learners(courseId) });
  const learners = query.data?.learners ?? null;
  return (
    <section aria-labelledby="learners-heading">
      <Title order={2} size="h3" id="learners-heading">
        Learners
      </Title>
      {hasTest && (
        <Anchor component={Link} to={courseAttemptsPath(courseId)}>
          Test attempts: answers, reopening, extra attempts and extra time
        </Anchor>
      )}
      {query.error && <Text role="alert">The learners could not be loaded: {errorMessage(query.error)}</Text>}
      {learners && learners.length === 0 && <Text>Nobody has enrolled yet.</Text>}
      {learners && learners.length > 0 && (
        <TableScroller minWidth={640} label="Learners of this course">
          <Table aria-labelledby="learners-heading" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Learner</Table.Th>
                <Table.Th scope="col">Version</Table.Th>
                <Table.Th scope="col">Progress</Table.Th>
                {hasTest && <Table.Th scope="col">Test</Table.Th>}
                <Table.Th scope="col">Last activity</Table.Th>
                <Table.Th scope="col">Completed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {learners.map((l) => (
                <Table.Tr key={l.userId}>
                  <Table.Td>
                    {l.name}
                    <Text size="sm" c="gray.7">
                      {l.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>{l.version}</Table.Td>
                  <Table.Td className="nowrap">
                    {l.percent}% ({l.doneCount} of {l.total} files)
                  </Table.Td>
                  {hasTest && (
                    <Table.Td className="nowrap">{l.test ? `${l.test.percent}% · ${l.test.passed ? 'passed' : 'not passed'}` : '—'}</Table.Td>
                  )}
                  <Table.Td>{l.lastActivityAt ? formatDateTime(l.lastActivityAt) : 'Not started'}</Table.Td>
                  <Table.Td>{l.completedAt ? formatDateTime(l.completedAt) : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroller>
      )}
    </section>
  );
}
