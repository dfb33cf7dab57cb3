// The catalog: every published course (its latest version) as a card with its cover and its short
// description rendered, searched by words of the title, topics and description, filtered by topic and
// language, and whether the reader is enrolled.
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { CourseSummary } from '../../../shared/courses.ts';
import { derivativeUrl } from '../../assets-api.ts';
import { catalogApi } from '../../catalog-api.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { Markdown } from '../../markdown.tsx';
import { queryKeys } from '../../server-state/keys.ts';
import { Loading } from '../../components/Loading.tsx';

const languageNames =
  typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(undefined, { type: 'language' }) : null;

/** "fr" → "French"; an unknown tag is shown as it is. */
export function languageName(tag: string): string {
  try {
    return languageNames?.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export function CourseCard({
  course,
  headingLevel = 2,
  children,
}: {
  course: CourseSummary;
  headingLevel?: 2 | 3;
  children?: ReactNode;
}) {
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
        {course.enrolledVersion !== null && (
          <Badge color="green" variant="light">
            Enrolled
          </Badge>
        )}
        {course.selfEnrolment === 'invitation' && course.enrolledVersion === null && (
          <Badge color="gray" variant="light">
            By invitation
          </Badge>
        )}
      </Group>
      {course.shortDescription && (
        <div className="card-description">
          {/* The author's markdown as text a reader reads: emphasis and lists kept, headings below the card's. */}
          <Markdown headingLevel={headingLevel === 2 ? 3 : 4} fz="sm">
            {course.shortDescription}
          </Markdown>
        </div>
      )}
      {course.topics.length > 0 && (
        <Text mt="xs" size="sm">
          <Text span fw={500}>
            Topics:
          </Text>{' '}
          {course.topics.join(', ')}
        </Text>
      )}
      <Text mt="xs" size="sm" c="gray.7">
        By {course.authorName} · {languageName(course.language)} · published {formatDateTime(course.publishedAt)}
      </Text>
      {children}
    </Card>
  );
}

export function CatalogPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const topic = params.get('topic') ?? '';
  const language = params.get('language') ?? '';
  const [debouncedQ] = useDebouncedValue(q, 300);
  const query = useQuery({
    queryKey: queryKeys.catalogSearch(debouncedQ.trim(), topic, language),
    queryFn: () => catalogApi.list({ q: debouncedQ.trim(), topic, language }),
    placeholderData: keepPreviousData,
  });
  const answer = query.data ?? null;
  const courses = answer?.courses ?? null;
  const filtered = q.trim() !== '' || topic !== '' || language !== '';
  const set = (key: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  return (
    <Stack>
      <PageTitle>Course catalog</PageTitle>
      <search aria-label="Find a course">
        <Group align="flex-end" gap="sm" className="catalog-filters">
          <TextInput
            type="search"
            label="Search"
            description="Words of the title, topics or description"
            value={q}
            onChange={(e) => set('q', e.currentTarget.value)}
            className="catalog-filters__search"
          />
          <NativeSelect
            label="Topic"
            value={topic}
            onChange={(e) => set('topic', e.currentTarget.value)}
            data={[
              { value: '', label: 'Any topic' },
              ...(answer?.topics ?? (topic ? [topic] : [])).map((t) => ({ value: t, label: t })),
            ]}
          />
          <NativeSelect
            label="Language"
            value={language}
            onChange={(e) => set('language', e.currentTarget.value)}
            data={[
              { value: '', label: 'Any language' },
              ...(answer?.languages ?? (language ? [language] : [])).map((l) => ({ value: l, label: languageName(l) })),
            ]}
          />
          {filtered && (
            <Button variant="subtle" onClick={() => setParams({}, { replace: true })}>
              Clear
            </Button>
          )}
        </Group>
      </search>
      {query.error && (
        <Group>
          <Text role="alert">Could not load the catalog: {errorMessage(query.error)}</Text>
          <Button variant="default" onClick={() => void query.refetch()}>
            Try again
          </Button>
        </Group>
      )}
      {!courses && !query.error && <Loading>Loading the courses…</Loading>}
      <Text role="status" size="sm" c="gray.7">
        {courses && filtered ? (courses.length === 1 ? '1 course found.' : `${courses.length} courses found.`) : ''}
      </Text>
      {courses?.length === 0 && !filtered && <Text>No course has been published yet.</Text>}
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
