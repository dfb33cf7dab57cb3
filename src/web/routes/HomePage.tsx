// The start page, different for each role.
import { Anchor, Box, Card, SimpleGrid, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { PageTitle } from '../components/PageTitle.tsx';
import { AuthorDashboard } from '../components/wizard/AuthorDashboard.tsx';
import { CourseCard, useCatalog } from './courses/CatalogPage.tsx';
import { useCurrentUser } from '../session.tsx';

function LearnerHome() {
  const { courses, error } = useCatalog();
  const enrolled = courses?.filter((c) => c.enrolledVersion !== null) ?? [];
  return (
    <>
      <PageTitle>My learning</PageTitle>
      {error && <Text role="alert">Could not load your courses: {error}</Text>}
      {courses && enrolled.length === 0 && <Text>You are not enrolled in any course yet.</Text>}
      {enrolled.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {enrolled.map((course) => (
            <CourseCard key={course.id} course={course} />
          ))}
        </SimpleGrid>
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
