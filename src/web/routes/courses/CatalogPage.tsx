// The catalog: every published course (its latest version), and whether the reader is enrolled.
import { Anchor, Badge, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { CourseSummary } from '../../../shared/courses.ts';
import { derivativeUrl } from '../../assets-api.ts';
import { catalogApi } from '../../catalog-api.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { queryKeys } from '../../server-state/keys.ts';

export function CourseCard({ course, headingLevel = 2 }: { course: CourseSummary; headingLevel?: 2 | 3 }) {
  const headingId = `course-${course.id}-title`;
  return (
    <Card withBorder padding="lg" component="article" aria-labelledby={headingId}>
      {course.coverAssetId && (
        <Card.Section mb="sm">
          <img className="card-cover" src={derivativeUrl(course.coverAssetId, 'web')} alt="" loading="lazy" />
        </Card.Section>
      )}
      <Title order={headingLevel} size="h4" id={headingId}>
        <Anchor component={Link} to={`/courses/${course.id}`}>
          {course.title || 'Untitled course'}
        </Anchor>
      </Title>
      <Group gap="xs" mt="xs">
        <Badge variant="light">Version {course.enrolledVersion ?? course.latestVersion}</Badge>
        {course.enrolledVersion !== null && <Badge color="green" variant="light">Enrolled</Badge>}
      </Group>
      {course.shortDescription && (
        <Text mt="xs" lineClamp={3}>
          {course.shortDescription.replace(/[#*_`>[\]]/g, '')}
        </Text>
      )}
      <Text mt="xs" size="sm" c="dimmed">
        By {course.authorName} · published {formatDateTime(course.publishedAt)}
      </Text>
    </Card>
  );
}

export function useCatalog() {
  const query = useQuery({ queryKey: queryKeys.catalog, queryFn: async () => (await catalogApi.list()).courses });
  return {
    courses: query.data ?? null,
    error: query.error ? errorMessage(query.error) : null,
    reload: query.refetch,
  };
}

export function CatalogPage() {
  const { courses, error, reload } = useCatalog();
  return (
    <Stack>
      <PageTitle>Course catalog</PageTitle>
      {error && (
        <Group>
          <Text role="alert">Could not load the catalog: {error}</Text>
          <Button variant="default" onClick={() => void reload()}>
            Try again
          </Button>
        </Group>
      )}
      {!courses && !error && (
        <Center py="lg" role="status">
          <Loader size="sm" aria-hidden="true" />
          <Text ml="sm">Loading the courses…</Text>
        </Center>
      )}
      {courses?.length === 0 && <Text>No course has been published yet.</Text>}
      {courses && courses.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {courses.map((course) => (
            <CourseCard key={course.id} course={course} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
