// The author's side of the start page: "New course", the drafts in progress (continue, discard),
// and the published courses (view, edit as a new version).
import { Alert, Button, Center, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { type UseQueryResult, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { CourseSummary } from '../../../shared/courses.ts';
import type { DraftView } from '../../../shared/drafts.ts';
import { ApiError } from '../../api.ts';
import { coursePath, coursesApi } from '../../courses-api.ts';
import { draftsApi, stepPath } from '../../drafts-api.ts';
import { formatDateTime } from '../../format.ts';
import { errorMessage } from '../../forms.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { useUploadManager } from '../uploads/UploadsProvider.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { STEP_LABELS } from './wizard-steps.ts';
import { TableScroller } from '../TableScroller.tsx';

const draftTitle = (draft: DraftView) => draft.content.basics.title.trim() || 'Untitled course';

type Loadable<T> = { items: T[] } | { error: string } | null;

/** A list query as the sections show it: loading (null), its items, or why it failed. */
function loadable<T>(query: UseQueryResult<T[]>): Loadable<T> {
  if (query.data) return { items: query.data };
  return query.error ? { error: errorMessage(query.error) } : null;
}

export function AuthorDashboard() {
  const navigate = useNavigate();
  const manager = useUploadManager();
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [toDiscard, setToDiscard] = useState<DraftView | null>(null);
  const [editingCourse, setEditingCourse] = useState<string | null>(null);
  const draftsHeading = useRef<HTMLHeadingElement>(null);

  const client = useQueryClient();
  const draftsQuery = useQuery({
    queryKey: queryKeys.authorDrafts,
    queryFn: async () => (await draftsApi.list()).drafts,
  });
  const coursesQuery = useQuery({
    queryKey: queryKeys.authorCourses,
    queryFn: async () => (await coursesApi.mine()).courses,
  });
  const drafts = loadable(draftsQuery);
  const courses = loadable(coursesQuery);

  async function newCourse() {
    if (creating) return;
    setCreating(true);
    setCreateError(null);
    try {
      const { draft } = await draftsApi.create();
      // Straight to the first thing to type.
      navigate(stepPath(draft.id, 'basics'), { state: { focus: 'basics.title' } });
    } catch (error) {
      setCreateError(errorMessage(error));
      setCreating(false);
    }
  }

  async function discard(draft: DraftView) {
    await manager.abortDraft(draft.id);
    try {
      await draftsApi.discard(draft.id);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    client.setQueryData<DraftView[]>(queryKeys.authorDrafts, (items) => items?.filter((d) => d.id !== draft.id));
    client.setQueryData<CourseSummary[]>(queryKeys.authorCourses, (items) =>
      items?.map((c) => (c.draftId === draft.id ? { ...c, draftId: null } : c)),
    );
    notifications.show({ color: 'green', message: `${draftTitle(draft)} was discarded.` });
    requestAnimationFrame(() => draftsHeading.current?.focus());
  }

  async function editCourse(course: CourseSummary) {
    if (editingCourse) return;
    setEditingCourse(course.id);
    try {
      const { draft } = await coursesApi.startEdit(course.id);
      navigate(stepPath(draft.id, draft.step));
    } catch (error) {
      notifications.show({ color: 'red', title: `Could not edit ${course.title}`, message: errorMessage(error) });
      setEditingCourse(null);
    }
  }

  // On a phone each draft and course is a card with its actions in view, not a table row scrolled sideways.
  const narrow = useMediaQuery('(max-width: 47.99em)') ?? false;

  const draftActions = (draft: DraftView) => (
    <Group gap="xs">
      <Button
        component={Link}
        to={stepPath(draft.id, draft.step)}
        size={narrow ? 'sm' : 'xs'}
        variant="default"
        aria-label={`Continue ${draftTitle(draft)}`}
      >
        Continue
      </Button>
      <Button
        size={narrow ? 'sm' : 'xs'}
        variant="light"
        color="red"
        aria-label={`Discard ${draftTitle(draft)}`}
        onClick={() => setToDiscard(draft)}
      >
        Discard
      </Button>
    </Group>
  );

  const courseActions = (course: CourseSummary) => (
    <Group gap="xs">
      <Button
        component={Link}
        to={coursePath(course.id)}
        size={narrow ? 'sm' : 'xs'}
        variant="subtle"
        aria-label={`View ${course.title}`}
      >
        View
      </Button>
      {course.draftId ? (
        <Button
          component={Link}
          to={`/drafts/${encodeURIComponent(course.draftId)}`}
          size={narrow ? 'sm' : 'xs'}
          variant="default"
          aria-label={`Continue editing ${course.title}`}
        >
          Continue editing
        </Button>
      ) : (
        <Button
          size={narrow ? 'sm' : 'xs'}
          variant="default"
          aria-label={`Edit ${course.title}`}
          aria-busy={editingCourse === course.id || undefined}
          onClick={() => void editCourse(course)}
        >
          Edit
        </Button>
      )}
    </Group>
  );

  return (
    <Stack gap="xl">
      <Group>
        <Button onClick={() => void newCourse()} aria-busy={creating || undefined}>
          New course
        </Button>
        {createError && (
          <Text c="red.9" role="alert">
            {createError}
          </Text>
        )}
      </Group>

      <section aria-labelledby="drafts-heading">
        <Title order={2} size="h3" id="drafts-heading" mb="sm" ref={draftsHeading} tabIndex={-1}>
          Drafts
        </Title>
        <Loaded state={drafts} what="drafts">
          {(items) =>
            items.length === 0 ? (
              <Text>No drafts. “New course” starts one; it is saved as you go.</Text>
            ) : narrow ? (
              <Cards label="Drafts">
                {items.map((draft) => (
                  <Card key={draft.id} title={draftTitle(draft)} actions={draftActions(draft)}>
                    {draft.courseId && `New version ${(draft.baseVersion ?? 0) + 1} · `}
                    {STEP_LABELS[draft.step]} · saved {formatDateTime(draft.updatedAt)}
                  </Card>
                ))}
              </Cards>
            ) : (
              <TableScroller minWidth={640} label="Drafts (scrolls sideways)">
                <Table aria-labelledby="drafts-heading" verticalSpacing="sm" striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Course</Table.Th>
                      <Table.Th scope="col">Step</Table.Th>
                      <Table.Th scope="col">Last saved</Table.Th>
                      <Table.Th scope="col">Actions</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((draft) => (
                      <Table.Tr key={draft.id}>
                        <Table.Th scope="row" fw={500}>
                          {draftTitle(draft)}
                          {draft.courseId && (
                            <Text size="sm" c="dimmed" fw={400}>
                              New version {(draft.baseVersion ?? 0) + 1}
                            </Text>
                          )}
                        </Table.Th>
                        <Table.Td>{STEP_LABELS[draft.step]}</Table.Td>
                        <Table.Td>{formatDateTime(draft.updatedAt)}</Table.Td>
                        <Table.Td>{draftActions(draft)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </TableScroller>
            )
          }
        </Loaded>
      </section>

      <section aria-labelledby="courses-heading">
        <Title order={2} size="h3" id="courses-heading" mb="sm">
          Published courses
        </Title>
        <Loaded state={courses} what="courses">
          {(items) =>
            items.length === 0 ? (
              <Text>You have not published any courses yet.</Text>
            ) : narrow ? (
              <Cards label="Published courses">
                {items.map((course) => (
                  <Card key={course.id} title={course.title} actions={courseActions(course)}>
                    Version {course.latestVersion}
                    {course.versionLabel && ` (${course.versionLabel})`} · published{' '}
                    {formatDateTime(course.publishedAt)}
                  </Card>
                ))}
              </Cards>
            ) : (
              <TableScroller minWidth={640} label="Published courses (scrolls sideways)">
                <Table aria-labelledby="courses-heading" verticalSpacing="sm" striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Course</Table.Th>
                      <Table.Th scope="col">Version</Table.Th>
                      <Table.Th scope="col">Published</Table.Th>
                      <Table.Th scope="col">Actions</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((course) => (
                      <Table.Tr key={course.id}>
                        <Table.Th scope="row" fw={500}>
                          {course.title}
                        </Table.Th>
                        <Table.Td>
                          {course.latestVersion}
                          {course.versionLabel && ` (${course.versionLabel})`}
                        </Table.Td>
                        <Table.Td>{formatDateTime(course.publishedAt)}</Table.Td>
                        <Table.Td>{courseActions(course)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </TableScroller>
            )
          }
        </Loaded>
      </section>

      <ConfirmDialog
        opened={toDiscard !== null}
        title={toDiscard ? `Discard ${draftTitle(toDiscard)}?` : 'Discard the draft?'}
        confirmLabel="Discard draft"
        cancelLabel="Keep the draft"
        onConfirm={async () => {
          if (toDiscard) await discard(toDiscard);
        }}
        onClose={() => setToDiscard(null)}
      >
        The draft and every file uploaded only for it are deleted now. This cannot be undone.
      </ConfirmDialog>
    </Stack>
  );
}

function Loaded<T>({
  state,
  what,
  children,
}: {
  state: Loadable<T>;
  what: string;
  children: (items: T[]) => ReactNode;
}) {
  if (state === null) {
    return (
      <Center py="md" role="status" style={{ justifyContent: 'flex-start' }}>
        <Loader size="xs" aria-hidden="true" />
        <Text ml="sm">Loading your {what}…</Text>
      </Center>
    );
  }
  if ('error' in state) {
    return (
      <Alert color="red" variant="light" title={`Could not load your ${what}`}>
        {state.error}
      </Alert>
    );
  }
  return <>{children(state.items)}</>;
}

function Cards({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label={label}>
      {children}
    </Stack>
  );
}

function Card({ title, actions, children }: { title: string; actions: ReactNode; children: ReactNode }) {
  return (
    <Paper component="li" withBorder p="sm" radius="md">
      <Text fw={600}>{title}</Text>
      <Text size="sm" c="dimmed" mb="xs">
        {children}
      </Text>
      {actions}
    </Paper>
  );
}
