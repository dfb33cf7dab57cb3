// A published course: the version the reader is enrolled in (learners keep theirs when a new one is
// published), or the latest with an Enrol button; its author may read any version and start editing.
import { Alert, Anchor, Badge, Button, Center, Group, List, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { CourseVersionView } from '../../../shared/courses.ts';
import { ApiError } from '../../api.ts';
import { derivativeUrl, hasDerivative, isSettled } from '../../assets-api.ts';
import { catalogApi, courseFilePath } from '../../catalog-api.ts';
import { AssetStateBadge } from '../../components/AssetStateBadge.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { coursesApi } from '../../courses-api.ts';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { ASSET_KIND_LABELS } from '../../labels.ts';
import { useInterval } from '../../live.ts';
import { Markdown } from '../../markdown.tsx';
import { useCurrentUser } from '../../session.tsx';

const POLL_MS = 5_000;

export function CoursePage() {
  const { id = '', version: versionParam } = useParams();
  const version = versionParam ? Number(versionParam) : undefined;
  const user = useCurrentUser();
  const navigate = useNavigate();
  const [course, setCourse] = useState<CourseVersionView | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const answer = version ? await catalogApi.version(id, version) : await catalogApi.view(id);
      setCourse(answer.course);
      setError(null);
    } catch (err) {
      setError({ status: err instanceof ApiError ? err.status : 0, message: errorMessage(err) });
    }
  }, [id, version]);

  useEffect(() => {
    setCourse(null);
    void load();
  }, [load]);

  // Files still being processed when the course was published appear as they become ready.
  const pending = course?.files.some((f) => f.asset && !isSettled(f.asset)) ?? false;
  useInterval(() => void load(), POLL_MS, pending);

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
  const mayOpenFiles = editor || course.enrolledVersion === course.version;
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
      <Group>
        {!enrolled && (
          <Button onClick={() => void enrol()} loading={busy}>
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

      <section aria-labelledby="files-heading">
        <Title order={2} size="h3" id="files-heading">
          Course material
        </Title>
        {course.files.length === 0 && <Text>This course has no files.</Text>}
        <Stack component="ol" className="plain-list" gap="sm" mt="xs">
          {course.files.map((file) => (
            <li key={file.assetId}>
              <Group gap="xs" align="baseline">
                {mayOpenFiles && file.asset?.state === 'ready' ? (
                  <Anchor component={Link} to={courseFilePath(id, file.assetId)}>
                    {file.title}
                  </Anchor>
                ) : (
                  <Text fw={500}>{file.title}</Text>
                )}
                {file.asset && (
                  <Text size="sm" c="dimmed">
                    {ASSET_KIND_LABELS[file.asset.kind]}
                  </Text>
                )}
                {file.required && (
                  <Badge size="sm" variant="outline">
                    Required
                  </Badge>
                )}
                {file.asset && file.asset.state !== 'ready' && <AssetStateBadge asset={file.asset} />}
                {!file.asset && <Badge color="gray">Unavailable</Badge>}
              </Group>
              {file.asset && hasDerivative(file.asset, 'thumbnail') && mayOpenFiles && (
                <img className="file-thumbnail" src={derivativeUrl(file.assetId, 'thumbnail')} alt="" />
              )}
              {file.description && <Text size="sm">{file.description}</Text>}
            </li>
          ))}
        </Stack>
        {!mayOpenFiles && <Text mt="xs">Enrol to open the course material.</Text>}
      </section>

      {course.testSummary.enabled && course.testSummary.questionCount > 0 && (
        <section aria-labelledby="test-heading">
          <Title order={2} size="h3" id="test-heading">
            Test
          </Title>
          <Text>
            {course.testSummary.questionCount} questions in the set; pass mark {course.testSummary.passMarkPercent}%.
          </Text>
        </section>
      )}
    </Stack>
  );
}
