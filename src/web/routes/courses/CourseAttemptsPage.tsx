// For a course's author (and admins): each learner's test attempts (score, pass or fail, started,
// time taken, state), a link to each attempt's answers, and what they may do for a learner: reopen a
// submitted attempt, grant an extra attempt, give extra time as an accommodation.
import { Alert, Anchor, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { CourseAttemptRow } from '../../../shared/attempts-admin.ts';
import { type Allowance, NO_ALLOWANCE } from '../../../shared/attempts.ts';
import type { LearnerProgressView } from '../../../shared/learning.ts';
import { attemptsAdminApi, authorAttemptPath, formatDuration } from '../../attempts-admin-api.ts';
import { catalogApi } from '../../catalog-api.ts';
import { AllowanceDialog, allowanceSummary } from '../../components/attempts-admin/AllowanceDialog.tsx';
import { AttemptStateBadge, ResultText } from '../../components/attempts-admin/badges.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { TableScroller } from '../../components/TableScroller.tsx';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { learningApi } from '../../learning-api.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { Loading } from '../../components/Loading.tsx';

interface LearnerGroup {
  id: string;
  name: string;
  email: string;
  attempts: CourseAttemptRow[];
  allowance: Allowance;
}

/** Every enrolled learner (extra time can be given before a first attempt) and anyone with an attempt. */
function groupByLearner(
  attempts: CourseAttemptRow[],
  learners: LearnerProgressView[],
  allowances: Record<string, Allowance>,
): LearnerGroup[] {
  const groups = new Map<string, LearnerGroup>();
  const group = (id: string, name: string, email: string) => {
    let g = groups.get(id);
    if (!g) {
      g = { id, name, email, attempts: [], allowance: allowances[id] ?? NO_ALLOWANCE };
      groups.set(id, g);
    }
    return g;
  };
  for (const a of attempts) group(a.learner.id, a.learner.displayName, a.learner.email).attempts.push(a);
  for (const l of learners) group(l.userId, l.name, l.email);
  for (const g of groups.values()) g.attempts.sort((a, b) => a.number - b.number);
  // Learners with attempts first, most recent activity first; then the others by name.
  const latest = (g: LearnerGroup) => Math.max(0, ...g.attempts.map((a) => Date.parse(a.startedAt)));
  return [...groups.values()].sort((a, b) => latest(b) - latest(a) || a.name.localeCompare(b.name));
}

export function CourseAttemptsPage() {
  const { id = '' } = useParams();
  const client = useQueryClient();
  const courseQuery = useQuery({ queryKey: queryKeys.course(id), queryFn: () => catalogApi.view(id) });
  const attemptsQuery = useQuery({ queryKey: queryKeys.courseAttempts(id), queryFn: () => attemptsAdminApi.list(id) });
  const learnersQuery = useQuery({ queryKey: queryKeys.courseLearners(id), queryFn: () => learningApi.learners(id) });
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState<LearnerGroup | null>(null);

  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.courseAttempts(id) }),
      client.invalidateQueries({ queryKey: queryKeys.courseLearnersAny(id) }),
    ]);
  const done = (text: string) => async () => {
    setNotice({ ok: true, text });
    await refresh();
  };
  const failed = (err: unknown) => setNotice({ ok: false, text: errorMessage(err) });

  const reopen = useMutation({
    mutationFn: (a: CourseAttemptRow) => attemptsAdminApi.reopen(a.id),
    onSuccess: (_data, a) => done(`Attempt ${a.number} of ${a.learner.displayName} is open again.`)(),
    onError: failed,
  });
  const extraAttempt = useMutation({
    mutationFn: (g: LearnerGroup) => attemptsAdminApi.grantExtraAttempt(id, g.id),
    onSuccess: (data, g) =>
      done(
        `${g.name} has ${data.allowance.extraAttempts} extra attempt${data.allowance.extraAttempts === 1 ? '' : 's'}.`,
      )(),
    onError: failed,
  });

  const title = courseQuery.data?.course.basics.title || 'Untitled course';
  const error = attemptsQuery.error ?? learnersQuery.error;
  const groups =
    attemptsQuery.data && learnersQuery.data
      ? groupByLearner(attemptsQuery.data.attempts, learnersQuery.data.learners, attemptsQuery.data.allowances)
      : null;

  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/courses/${encodeURIComponent(id)}`} size="sm">
        Back to the course
      </Anchor>
      <PageTitle>{`Test attempts: ${title}`}</PageTitle>
      <Text maw="70ch">
        Each learner’s attempts at the test. Open an attempt to see their answers and the grade of each question. You
        can reopen a submitted attempt (its answers stay, its grade is cleared, its time limit starts again), grant an
        extra attempt, or give extra time as an accommodation.
      </Text>
      <div aria-live="polite">
        {notice && (
          <Alert
            color={notice.ok ? 'green' : 'red'}
            variant="light"
            role={notice.ok ? 'status' : 'alert'}
            withCloseButton
            onClose={() => setNotice(null)}
            closeButtonLabel="Dismiss"
          >
            {notice.text}
          </Alert>
        )}
      </div>
      {error && <Text role="alert">The attempts could not be loaded: {errorMessage(error)}</Text>}
      {!groups && !error && <Loading>Loading the attempts…</Loading>}
      {groups && groups.length === 0 && <Text>Nobody has enrolled yet.</Text>}
      {groups?.map((g) => (
        <Card key={g.id} withBorder component="section" aria-labelledby={`learner-${g.id}`} padding="md">
          <Group justify="space-between" align="flex-start" gap="sm">
            <div>
              <Title order={2} size="h4" id={`learner-${g.id}`}>
                {g.name}
              </Title>
              <Text size="sm" c="gray.7">
                {g.email}
              </Text>
              <Text size="sm" mt={4}>
                {allowanceSummary(g.allowance)}
              </Text>
            </div>
            <Group gap="xs">
              <Button
                variant="default"
                size="sm"
                onClick={() => extraAttempt.mutate(g)}
                loading={extraAttempt.isPending && extraAttempt.variables?.id === g.id}
                aria-label={`Grant ${g.name} an extra attempt`}
              >
                Grant an extra attempt
              </Button>
              <Button
                variant="default"
                size="sm"
                onClick={() => setEditing(g)}
                aria-label={`Give ${g.name} extra time`}
              >
                Extra time…
              </Button>
            </Group>
          </Group>
          {g.attempts.length === 0 ? (
            <Text size="sm" mt="sm">
              No attempt yet.
            </Text>
          ) : (
            <TableScroller minWidth={720} label={`Attempts of ${g.name}`}>
              <Table mt="sm" striped aria-label={`Attempts of ${g.name}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Attempt</Table.Th>
                    <Table.Th scope="col">State</Table.Th>
                    <Table.Th scope="col">Started</Table.Th>
                    <Table.Th scope="col">Time taken</Table.Th>
                    <Table.Th scope="col">Score</Table.Th>
                    <Table.Th scope="col">Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {g.attempts.map((a) => (
                    <Table.Tr key={a.id}>
                      <Table.Th scope="row">
                        <Anchor
                          component={Link}
                          to={authorAttemptPath(id, a.id)}
                          aria-label={`Attempt ${a.number} of ${g.name}: see the answers`}
                        >
                          Attempt {a.number}
                        </Anchor>
                      </Table.Th>
                      <Table.Td>
                        <AttemptStateBadge state={a.state} submittedBy={a.submittedBy} />
                      </Table.Td>
                      <Table.Td>{formatDateTime(a.startedAt)}</Table.Td>
                      <Table.Td>{a.timeTakenSeconds === null ? '—' : formatDuration(a.timeTakenSeconds)}</Table.Td>
                      <Table.Td className="nowrap">
                        <ResultText percent={a.percent} passed={a.passed} />
                      </Table.Td>
                      <Table.Td>
                        {a.state === 'submitted' && (
                          <Button
                            size="xs"
                            variant="light"
                            onClick={() => reopen.mutate(a)}
                            loading={reopen.isPending && reopen.variables?.id === a.id}
                            aria-label={`Reopen attempt ${a.number} of ${g.name}`}
                          >
                            Reopen
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroller>
          )}
        </Card>
      ))}
      <AllowanceDialog
        courseId={id}
        learner={editing}
        onClose={() => setEditing(null)}
        onSaved={(name) => done(`The accommodation of ${name} is saved.`)()}
      />
    </Stack>
  );
}
