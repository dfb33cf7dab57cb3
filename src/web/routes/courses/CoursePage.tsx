// A published course: the version the reader is enrolled in (learners keep theirs when a new one is
// published), or the latest with an Enrol button; its author may read any version and start editing.
import { Alert, Anchor, Badge, Button, Group, List, Progress, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { CourseVersionView } from '../../../shared/courses.ts';
import { ApiError } from '../../api.ts';
import type { LearningView } from '../../../shared/learning.ts';
import { derivativeUrl, isSettled } from '../../assets-api.ts';
import { catalogApi } from '../../catalog-api.ts';
import { TestBlock } from '../../components/attempt/TestBlock.tsx';
import { CertificateSettingsPanel } from '../../components/certificates/CertificateSettingsPanel.tsx';
import { CompletionCertificate } from '../../components/certificates/CompletionCertificate.tsx';
import { CourseLearners } from '../../components/learning/CourseLearners.tsx';
import { Curriculum } from '../../components/learning/Curriculum.tsx';
import { dueState, dueText } from '../../components/learning/due.ts';
import { VersionExport } from '../../components/test-import/VersionExport.tsx';
import { enrolmentApi } from '../../enrolment-api.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { coursesApi } from '../../courses-api.ts';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { learningApi, learnPath } from '../../learning-api.ts';
import { Markdown } from '../../markdown.tsx';
import { queryKeys } from '../../server-state/keys.ts';
import { useCurrentUser } from '../../session.tsx';
import { Loading } from '../../components/Loading.tsx';

const POLL_MS = 5_000;

export function CoursePage() {
  const { id = '', version: versionParam } = useParams();
  const version = versionParam ? Number(versionParam) : undefined;
  const user = useCurrentUser();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);

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
    return <Loading>Loading the course…</Loading>;
  }

  const editor = course.test !== null;
  const enrolled = course.enrolledVersion !== null;
  const mayOpenFiles = editor || studying;
  const { basics } = course;

  async function enrol() {
    setBusy(true);
    setActionError(null);
    try {
      await enrolmentApi.enrol(id);
      await load();
      await client.invalidateQueries({ queryKey: ['courses'] });
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function leave() {
    setBusy(true);
    setActionError(null);
    try {
      await enrolmentApi.leave(id);
      setConfirmLeave(false);
      client.removeQueries({ queryKey: queryKeys.learning(id) });
      await client.invalidateQueries({ queryKey: ['courses'] });
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
      {studying && course.dueAt && !learning?.completedAt && (
        <Text fw={500} className={dueState(course.dueAt, Date.now()) === 'overdue' ? 'due--overdue' : undefined}>
          {dueText(course.dueAt, Date.now())}
        </Text>
      )}
      {studying && learning && <LearnerProgress courseId={id} learning={learning} />}
      {studying && !learning && learningQuery.error && (
        <Text role="alert">Your progress could not be loaded: {errorMessage(learningQuery.error)}</Text>
      )}
      <Group>
        {!enrolled && course.mayEnrol && (
          <Button onClick={() => void enrol()} loading={busy} size="md">
            {course.leftAt ? 'Enrol again (resume where you were)' : 'Enrol in this course'}
          </Button>
        )}
        {!enrolled && !course.mayEnrol && !editor && (
          <Text>This course is by invitation only: its author enrols its learners. Ask them to enrol you.</Text>
        )}
        {editor && user.role !== 'learner' && (
          <Button variant="default" onClick={() => void edit()} loading={busy}>
            Edit course (new version)
          </Button>
        )}
        {editor && user.role !== 'learner' && course.testSummary.questionCount > 0 && (
          <VersionExport courseId={id} version={course.version} />
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
      {!enrolled && course.leftAt && (
        <Text size="sm">You left this course on {formatDateTime(course.leftAt)}. Your progress is kept.</Text>
      )}
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

      {studying && (
        <section aria-labelledby="leave-heading">
          <Title order={2} size="h3" id="leave-heading">
            Leave the course
          </Title>
          {confirmLeave ? (
            <Stack gap="xs" mt="xs">
              <Text>Leave this course? Your progress is kept: enrolling again resumes where you were.</Text>
              <Group>
                <Button color="red.8" onClick={() => void leave()} loading={busy}>
                  Leave the course
                </Button>
                <Button variant="default" onClick={() => setConfirmLeave(false)}>
                  Stay enrolled
                </Button>
              </Group>
            </Stack>
          ) : (
            <Button variant="default" mt="xs" onClick={() => setConfirmLeave(true)}>
              Leave this course…
            </Button>
          )}
        </section>
      )}

      {editor && user.role !== 'learner' && (
        <CourseLearners
          courseId={id}
          selfEnrolment={course.selfEnrolment}
          hasTest={course.testSummary.enabled && course.testSummary.questionCount > 0}
        />
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
        count); a document once every page has been on screen; anything else once opened; and a file the author
        chose so when you mark it as done.
        {progress.requiredCount !== progress.total ? ' The course is complete when every required file is done' : ' The course is complete when every file is done'}
        {learning.hasTest ? ' and the test is passed.' : '.'}
      </Text>
    </section>
  );
}
