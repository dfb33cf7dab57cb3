// The course's test on the course page, the last step: its rules, Start or Resume, the learner's
// grade and the history of their attempts with links to each result.
import { Alert, Anchor, Badge, Button, Group, List, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { AttemptSummaryView, TestOverview } from '../../../shared/attempts.ts';
import { attemptPath, attemptsApi, resultPath } from '../../attempts-api.ts';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { TableScroller } from '../TableScroller.tsx';
import { GRADING_WORDS, minutesWords, reviewSentence } from './labels.ts';

export function TestBlock({ courseId }: { courseId: string }) {
  const query = useQuery({ queryKey: queryKeys.testOverview(courseId), queryFn: () => attemptsApi.overview(courseId) });
  const test = query.data?.test ?? null;
  return (
    <section aria-labelledby="test-heading" className="course-test">
      <Title order={2} size="h3" id="test-heading">
        Test
      </Title>
      {query.error && <Text role="alert">The test could not be loaded: {errorMessage(query.error)}</Text>}
      {!test && !query.error && <Text>Loading the test…</Text>}
      {test && <TestDetails courseId={courseId} test={test} />}
    </section>
  );
}

function TestDetails({ courseId, test }: { courseId: string; test: TestOverview }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = test.openAttemptId;
  const waiting = test.nextStartAt !== null;
  const noneLeft = test.attemptsLeft === 0;

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const { attempt } = await attemptsApi.start(courseId);
      client.setQueryData(queryKeys.attempt(attempt.id), { attempt, receivedAt: Date.now() });
      void client.invalidateQueries({ queryKey: queryKeys.testOverview(courseId) });
      navigate(attemptPath(attempt.id));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Stack gap="sm" mt="xs">
      <Text maw="60ch">
        The last step of the course: the course is complete when its required files are done and the test is passed.
      </Text>
      <List spacing={4}>
        <List.Item>
          {test.questionCount} question{test.questionCount === 1 ? '' : 's'},{' '}
          {test.layout === 'one-per-page' ? 'one per page' : 'all on one page'}.
        </List.Item>
        <List.Item>
          {test.timeLimitMinutes === null
            ? 'No time limit.'
            : test.yourTimeLimitMinutes !== null && test.yourTimeLimitMinutes !== test.timeLimitMinutes
              ? `Time limit: ${minutesWords(test.yourTimeLimitMinutes)} for you (${minutesWords(test.timeLimitMinutes)} with no extra time).`
              : `Time limit: ${minutesWords(test.timeLimitMinutes)}, counted from when you start.`}
        </List.Item>
        <List.Item>
          {test.attemptsAllowed === null
            ? 'Unlimited attempts'
            : `${test.attemptsLeft} of ${test.attemptsAllowed} attempt${test.attemptsAllowed === 1 ? '' : 's'} left`}
          ; {GRADING_WORDS[test.gradingMethod]}.
        </List.Item>
        <List.Item>Pass mark: {test.passMarkPercent}%.</List.Item>
        <List.Item>{reviewSentence(test.review, test.reviewWhen)}</List.Item>
      </List>
      {test.grade && (
        <Text fw={500}>
          Your grade: {test.grade.percent}% —{' '}
          <Badge color={test.grade.passed ? 'teal.9' : 'red.9'} variant="filled">
            {test.grade.passed ? 'Passed' : 'Not passed'}
          </Badge>
        </Text>
      )}
      {error && (
        <Alert color="red" variant="light" role="alert">
          {error}
        </Alert>
      )}
      <Group>
        {open ? (
          <Button component={Link} to={attemptPath(open)} size="md">
            Resume the test
          </Button>
        ) : noneLeft ? (
          <Text fw={500}>You have used all your attempts at this test.</Text>
        ) : waiting ? (
          <Text fw={500}>The next attempt can start at {formatDateTime(test.nextStartAt as string)}.</Text>
        ) : (
          <Button onClick={() => void start()} loading={busy} size="md">
            {test.attempts.length === 0 ? 'Start the test' : 'Start a new attempt'}
          </Button>
        )}
      </Group>
      {test.attempts.length > 0 && <AttemptHistory attempts={test.attempts} />}
    </Stack>
  );
}

function AttemptHistory({ attempts }: { attempts: AttemptSummaryView[] }) {
  const newestFirst = [...attempts].sort((a, b) => b.number - a.number);
  return (
    <>
      <Title order={3} size="h4" id="attempts-heading">
        Your attempts
      </Title>
      <TableScroller minWidth={520} label="Your attempts">
        <Table aria-labelledby="attempts-heading" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Attempt</Table.Th>
              <Table.Th scope="col">Date</Table.Th>
              <Table.Th scope="col">Score</Table.Th>
              <Table.Th scope="col">Result</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>Open</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {newestFirst.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{a.number}</Table.Td>
                <Table.Td>{formatDateTime(a.submittedAt ?? a.startedAt)}</Table.Td>
                <Table.Td>
                  {a.result ? `${a.result.percent}%` : a.state === 'open' ? 'In progress' : 'Not shown'}
                </Table.Td>
                <Table.Td>
                  {a.result ? (
                    <Badge color={a.result.passed ? 'teal.9' : 'red.9'} variant="filled">
                      {a.result.passed ? 'Passed' : 'Not passed'}
                    </Badge>
                  ) : a.state === 'open' ? (
                    '—'
                  ) : (
                    'Submitted'
                  )}
                </Table.Td>
                <Table.Td>
                  {a.state === 'open' ? (
                    <Anchor component={Link} to={attemptPath(a.id)}>
                      Continue attempt {a.number}
                    </Anchor>
                  ) : (
                    <Anchor component={Link} to={resultPath(a.id)}>
                      {a.reviewOpen ? 'Review' : 'Result'} of attempt {a.number}
                    </Anchor>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroller>
    </>
  );
}
