// The start page, different for each role.
import {
  Anchor,
  Box,
  Button,
  Card,
  Group,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { PageTitle } from '../components/PageTitle.tsx';
import { AuthorDashboard } from '../components/wizard/AuthorDashboard.tsx';
import { dueState, dueText } from '../components/learning/due.ts';
import { enrolmentApi } from '../enrolment-api.ts';
import { errorMessage } from '../forms.ts';
import { formatDateTime } from '../format.ts';
import { learnPath } from '../learning-api.ts';
import { queryKeys } from '../server-state/keys.ts';
import { CourseCard } from './courses/CatalogPage.tsx';
import { useCurrentUser } from '../session.tsx';
import { Loading } from '../components/Loading.tsx';

function LearnerHome() {
  const query = useQuery({
    queryKey: queryKeys.myCourses,
    queryFn: async () => (await enrolmentApi.myCourses()).courses,
  });
  const mine = query.data ?? null;
  const now = Date.now();
  const studying = mine?.filter((m) => !m.completedAt) ?? [];
  const completed = mine?.filter((m) => m.completedAt) ?? [];
  return (
    <>
      <PageTitle>My learning</PageTitle>
      {query.error && <Text role="alert">Could not load your courses: {errorMessage(query.error)}</Text>}
      {!mine && !query.error && <Loading>Loading your courses…</Loading>}
      {mine && mine.length === 0 && <Text>You are not enrolled in any course yet.</Text>}
      {studying.length > 0 && (
        <section aria-labelledby="studying-heading">
          <Title order={2} size="h3" id="studying-heading" mb="sm">
            My courses
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {studying.map((m) => (
              <CourseCard key={m.course.id} course={m.course} headingLevel={3}>
                <Stack gap={6} mt="sm">
                  {m.course.dueAt && (
                    <Text
                      size="sm"
                      fw={600}
                      className={dueState(m.course.dueAt, now) === 'overdue' ? 'due--overdue' : undefined}
                    >
                      {dueText(m.course.dueAt, now)}
                    </Text>
                  )}
                  <Group gap="sm" wrap="nowrap">
                    <Progress
                      value={m.percent}
                      flex={1}
                      aria-label={`Files done in ${m.course.title}`}
                      color="blue.8"
                    />
                    <Text size="sm" className="nowrap">
                      {m.doneCount} of {m.total} files
                    </Text>
                  </Group>
                  {m.resumeAssetId && (
                    <Button
                      component={Link}
                      to={learnPath(m.course.id, m.resumeAssetId)}
                      aria-label={`${m.lastActivityAt ? 'Continue' : 'Start'}: ${m.course.title}`}
                      className="dashboard__continue"
                    >
                      {m.lastActivityAt ? 'Continue' : 'Start'}
                    </Button>
                  )}
                </Stack>
              </CourseCard>
            ))}
          </SimpleGrid>
        </section>
      )}
      {completed.length > 0 && (
        <section aria-labelledby="completed-heading">
          <Title order={2} size="h3" id="completed-heading" mt="lg" mb="sm">
            Completed
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {completed.map((m) => (
              <CourseCard key={m.course.id} course={m.course} headingLevel={3}>
                <Text size="sm" mt="sm" fw={500} c="#1d6a31">
                  ✓ Completed on {formatDateTime(m.completedAt ?? '')}
                </Text>
              </CourseCard>
            ))}
          </SimpleGrid>
        </section>
      )}
      <Text mt="md">
        Find courses in the{' '}
        <Anchor component={Link} to="/courses">
          course catalog
        </Anchor>
        .
      </Text>
    </>
  );
}

function AuthorHome() {
  return (
    <>
      <PageTitle>My courses</PageTitle>
      <AuthorDashboard />
    </>
  );
}

function AdminHome() {
  return (
    <>
      <PageTitle>Administration</PageTitle>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        <Card withBorder padding="lg" component="section" aria-labelledby="admin-users-heading">
          <Title order={2} size="h4" id="admin-users-heading">
            <Anchor component={Link} to="/admin/users">
              Users
            </Anchor>
          </Title>
          <Text mt="xs">Create accounts, change roles, disable and enable users.</Text>
        </Card>
        <Card withBorder padding="lg" component="section" aria-labelledby="admin-jobs-heading">
          <Title order={2} size="h4" id="admin-jobs-heading">
            <Anchor component={Link} to="/admin/jobs">
              Background jobs
            </Anchor>
          </Title>
          <Text mt="xs">
            See queued, running and failed jobs, retry failures, and check that the workers are running.
          </Text>
        </Card>
        <Card withBorder padding="lg" component="section" aria-labelledby="admin-files-heading">
          <Title order={2} size="h4" id="admin-files-heading">
            <Anchor component={Link} to="/files">
              My files
            </Anchor>
          </Title>
          <Text mt="xs">Upload files, follow their processing, and preview or download them.</Text>
        </Card>
      </SimpleGrid>
      {/* Administrators author courses too. */}
      <Box mt="xl">
        <AuthorDashboard />
      </Box>
    </>
  );
}

export function HomePage() {
  const user = useCurrentUser();
  switch (user.role) {
    case 'admin':
      return <AdminHome />;
    case 'author':
      return <AuthorHome />;
    default:
      return <LearnerHome />;
  }
}
