// One learner's attempt, for the course's author: what they chose for each question, the right
// answers, each question's grade, and the attempt's score; a submitted attempt can be reopened.
import { Alert, Anchor, Badge, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import type { AttemptView } from '../../../shared/attempts.ts';
import { attemptsAdminApi, courseAttemptsPath, formatDuration } from '../../attempts-admin-api.ts';
import { derivativeUrl } from '../../assets-api.ts';
import { AttemptStateBadge, ResultText, RIGHT_COLOR } from '../../components/attempts-admin/badges.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { Markdown } from '../../markdown.tsx';
import { queryKeys } from '../../server-state/keys.ts';
import { Loading } from '../../components/Loading.tsx';

const OUTCOME_LABELS = {
  right: 'Right',
  'partly-right': 'Partly right',
  wrong: 'Wrong',
  unanswered: 'Not answered',
} as const;
// Outline badges on white: these keep at least 4.5:1 (Mantine's green.9 and yellow.9 do not).
const OUTCOME_COLORS = {
  right: RIGHT_COLOR,
  'partly-right': '#8a4b00',
  wrong: '#a61e1e',
  unanswered: 'gray.8',
} as const;

/** A question's mark as a reader says it: "1 of 1", "0.5 of 1", "−0.33 of 1". */
function markText(mark: number): string {
  const rounded = Math.round(mark * 100) / 100;
  return `${rounded < 0 ? `−${Math.abs(rounded)}` : rounded} of 1 mark`;
}

export function AuthorAttemptPage() {
  const { id = '', attemptId = '' } = useParams();
  const client = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.authorAttempt(attemptId),
    queryFn: () => attemptsAdminApi.attempt(attemptId),
  });
  const reopen = useMutation({
    mutationFn: () => attemptsAdminApi.reopen(attemptId),
    onSuccess: async (data) => {
      client.setQueryData(queryKeys.authorAttempt(attemptId), data);
      await client.invalidateQueries({ queryKey: queryKeys.courseAttempts(id) });
    },
  });
  const back = (
    <Anchor component={Link} to={courseAttemptsPath(id)} size="sm">
      Back to the test attempts
    </Anchor>
  );

  if (query.error) {
    return (
      <Stack>
        {back}
        <PageTitle>Attempt not found</PageTitle>
        <Text role="alert">{errorMessage(query.error)}</Text>
      </Stack>
    );
  }
  if (!query.data) {
    return <Loading>Loading the attempt…</Loading>;
  }
  const { attempt, learner, timeTakenSeconds } = query.data;
  const review = new Map((attempt.review?.questions ?? []).map((q) => [q.questionId, q]));

  return (
    <Stack gap="md">
      {back}
      <PageTitle>{`Attempt ${attempt.number} of ${learner.displayName}`}</PageTitle>
      <Text size="sm" c="gray.7">
        {learner.email}
      </Text>
      <Group gap="lg" wrap="wrap">
        <AttemptStateBadge state={attempt.state} submittedBy={attempt.submittedBy} />
        <Text size="sm">Started {formatDateTime(attempt.startedAt)}</Text>
        {attempt.submittedAt && <Text size="sm">Submitted {formatDateTime(attempt.submittedAt)}</Text>}
        {timeTakenSeconds !== null && <Text size="sm">Time taken {formatDuration(timeTakenSeconds)}</Text>}
        {attempt.state === 'open' && attempt.deadline && (
          <Text size="sm">Time is over {formatDateTime(attempt.deadline)}</Text>
        )}
      </Group>
      {attempt.result && (
        <Text size="lg">
          Score: {Math.round(attempt.result.score * 100) / 100} of {attempt.result.maxScore} marks ·{' '}
          <ResultText percent={attempt.result.percent} passed={attempt.result.passed} /> (pass mark{' '}
          {attempt.passMarkPercent}%)
        </Text>
      )}
      {attempt.state === 'submitted' && (
        <Group>
          <Button onClick={() => reopen.mutate()} loading={reopen.isPending} variant="light">
            Reopen this attempt
          </Button>
          <Text size="sm" c="gray.7" maw="60ch">
            The learner can change their answers and submit again; the grade is cleared and the time limit starts again.
          </Text>
        </Group>
      )}
      <div aria-live="polite">
        {reopen.isSuccess && attempt.state === 'open' && (
          <Alert color="green" variant="light" role="status">
            The attempt is open again.
          </Alert>
        )}
        {reopen.error && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(reopen.error)}
          </Alert>
        )}
      </div>
      <section aria-labelledby="answers-heading">
        <Title order={2} size="h3" id="answers-heading" mb="sm">
          Answers
        </Title>
        <Stack gap="sm">
          {attempt.questions.map((q) => (
            <QuestionCard key={q.id} question={q} attempt={attempt} review={review.get(q.id)} />
          ))}
        </Stack>
      </section>
    </Stack>
  );
}

function QuestionCard({
  question,
  attempt,
  review,
}: {
  question: AttemptView['questions'][number];
  attempt: AttemptView;
  review: NonNullable<AttemptView['review']>['questions'][number] | undefined;
}) {
  const chosen = new Set(attempt.responses[question.id]?.answerIds ?? []);
  const right = new Set(review?.correctAnswerIds ?? []);
  const headingId = `question-${question.id}`;
  return (
    <Card withBorder component="article" aria-labelledby={headingId} padding="md">
      <Group justify="space-between" gap="xs">
        <Title order={3} size="h5" id={headingId}>
          Question {question.number}
        </Title>
        <Group gap="xs">
          {review?.outcome && (
            <Badge variant="outline" color={OUTCOME_COLORS[review.outcome]} tt="none">
              {OUTCOME_LABELS[review.outcome]}
            </Badge>
          )}
          {review?.mark !== undefined && <Text size="sm">{markText(review.mark)}</Text>}
        </Group>
      </Group>
      <Markdown headingLevel={4}>{question.text}</Markdown>
      {question.image && (
        <img className="question-image" src={derivativeUrl(question.image.assetId, 'web')} alt={question.image.alt} />
      )}
      <List spacing={4} mt="xs" listStyleType="none" withPadding={false}>
        {question.answers.map((a) => (
          <List.Item key={a.id}>
            <Group gap="xs" wrap="nowrap" align="baseline">
              <Text span fw={chosen.has(a.id) ? 700 : 400}>
                {a.text}
              </Text>
              {chosen.has(a.id) && (
                <Badge size="sm" variant="outline" color="dark" tt="none">
                  Chosen
                </Badge>
              )}
              {right.has(a.id) && (
                <Badge size="sm" variant="outline" color={RIGHT_COLOR} tt="none">
                  Right answer
                </Badge>
              )}
            </Group>
          </List.Item>
        ))}
      </List>
      {chosen.size === 0 && (
        <Text size="sm" mt="xs" c="gray.7">
          No answer chosen.
        </Text>
      )}
    </Card>
  );
}
