// A submitted attempt: the score and whether it passed, and the review exactly as the server
// returns it (the test's review options decide what is in it). Nothing here works out whether an
// answer is right: outcomes, correct answers, marks and feedback all come from the server.
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Group,
  List,
  Paper,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate, useLocation, useParams } from 'react-router';
import type { AttemptView, QuestionOutcome } from '../../../shared/attempts.ts';
import { attemptPath } from '../../attempts-api.ts';
import { reviewSentence } from '../../components/attempt/labels.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { formatDateTime } from '../../format.ts';
import { Markdown } from '../../markdown.tsx';
import { queryKeys } from '../../server-state/keys.ts';
import { AttemptNotLoaded } from './AttemptNotLoaded.tsx';
import { fetchAttempt } from './AttemptPage.tsx';
import { QuizImage } from '../../components/attempt/QuizImage.tsx';

const OUTCOME: Record<QuestionOutcome, { label: string; color: string }> = {
  right: { label: 'Right', color: 'teal.9' },
  'partly-right': { label: 'Partly right', color: 'yellow.4' },
  wrong: { label: 'Wrong', color: 'red.9' },
  unanswered: { label: 'Not answered', color: 'gray.8' },
};

export function ResultPage() {
  const { id = '' } = useParams();
  const query = useQuery({ queryKey: queryKeys.attempt(id), queryFn: () => fetchAttempt(id) });
  if (!query.data) {
    return <AttemptNotLoaded error={query.error} loading="Loading the result…" failed="Could not load the result" />;
  }
  const { attempt } = query.data;
  if (attempt.state === 'open') return <Navigate to={attemptPath(attempt.id)} replace />;
  return <Result attempt={attempt} />;
}

function Result({ attempt }: { attempt: AttemptView }) {
  // Set by the attempt page when it submitted because the time was up.
  const timeUp = (useLocation().state as { timeUp?: boolean } | null)?.timeUp === true;
  const { result, review } = attempt;
  const reviewed = new Map((review?.questions ?? []).map((q) => [q.questionId, q]));
  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/courses/${encodeURIComponent(attempt.courseId)}`} size="sm">
        Back to the course
      </Anchor>
      <PageTitle>{`Test result, attempt ${attempt.number}`}</PageTitle>
      {timeUp && (
        <Alert color="orange" variant="light" title="Time is up" role="status">
          Your attempt was submitted with the answers the server had saved.
        </Alert>
      )}
      <Text>
        Submitted {attempt.submittedAt ? formatDateTime(attempt.submittedAt) : ''}
        {attempt.submittedBy === 'deadline' ? ' when the time ran out' : ''}.
      </Text>
      {result ? (
        <Paper withBorder p="md" radius="md" maw={480}>
          <Group gap="sm" align="center">
            <Text fz="xl" fw={700}>
              {result.percent}%
            </Text>
            <Badge size="lg" color={result.passed ? 'teal.9' : 'red.9'} variant="filled">
              {result.passed ? 'Passed' : 'Not passed'}
            </Badge>
          </Group>
          <Text mt={4}>
            Score {result.score} of {result.maxScore}; the pass mark is {attempt.passMarkPercent}%.
          </Text>
        </Paper>
      ) : review && !review.open ? (
        <Alert color="blue" variant="light" title="Your result is not shown yet">
          {review.opensWhen === 'after-last-attempt'
            ? 'It is shown after your last attempt.'
            : review.opensAt
              ? `It is shown from ${formatDateTime(review.opensAt)}.`
              : "It is shown once the attempt's time is over."}
        </Alert>
      ) : (
        <Text>The test's settings show only that your attempt was submitted.</Text>
      )}
      {review && (
        <Text size="sm" c="gray.7">
          {reviewSentence(review.shows, review.opensWhen)}
        </Text>
      )}
      {review && review.questions.length > 0 && (
        <section aria-labelledby="review-heading">
          <Title order={2} size="h3" id="review-heading">
            Review
          </Title>
          <Stack gap="lg" mt="sm">
            {attempt.questions.map((q) => {
              const r = reviewed.get(q.id);
              if (!r) return null;
              const chosen = new Set(attempt.responses[q.id]?.answerIds ?? []);
              const correct = r.correctAnswerIds ? new Set(r.correctAnswerIds) : null;
              const feedbackOf = new Map((r.answerFeedback ?? []).map((f) => [f.answerId, f.feedback]));
              const headingId = `review-${q.id}`;
              return (
                <Paper key={q.id} withBorder p="md" radius="md" component="section" aria-labelledby={headingId}>
                  <Group justify="space-between" align="baseline">
                    <Title order={3} size="h4" id={headingId}>
                      Question {q.number}
                    </Title>
                    {r.outcome && (
                      <Badge color={OUTCOME[r.outcome].color} variant="filled" autoContrast>
                        {OUTCOME[r.outcome].label}
                      </Badge>
                    )}
                  </Group>
                  <Box mt="xs">
                    <Markdown headingLevel={4}>{q.text}</Markdown>
                  </Box>
                  {q.image && (
                    <QuizImage image={q.image} of="question" />
                  )}
                  <List
                    spacing={6}
                    mt="xs"
                    listStyleType="none"
                    className="review-answers"
                    aria-label={`Answers to question ${q.number}`}
                  >
                    {q.answers.map((a) => {
                      const marks = [
                        chosen.has(a.id) ? 'your choice' : '',
                        correct?.has(a.id) ? 'a correct answer' : '',
                      ].filter(Boolean);
                      return (
                        <List.Item
                          key={a.id}
                          className="review-answer"
                          data-chosen={chosen.has(a.id) || undefined}
                          data-correct={correct?.has(a.id) || undefined}
                        >
                          <Text span fw={chosen.has(a.id) ? 600 : 400}>
                            {a.text}
                          </Text>
                          {a.image && (
                            <QuizImage image={a.image} of="answer" />
                          )}
                          {marks.length > 0 && (
                            <Text span size="sm" c="gray.8">
                              {' '}
                              ({marks.join(', ')})
                            </Text>
                          )}
                          {feedbackOf.get(a.id) && (
                            <Text size="sm" mt={2} className="review-feedback">
                              Feedback: {feedbackOf.get(a.id)}
                            </Text>
                          )}
                        </List.Item>
                      );
                    })}
                  </List>
                  {r.mark !== undefined && (
                    <Text size="sm" mt="xs">
                      Mark: {Math.round(r.mark * 100)}% of this question.
                    </Text>
                  )}
                  {r.generalFeedback && (
                    <Box mt="xs" className="review-feedback">
                      <Text size="sm" fw={600}>
                        About this question
                      </Text>
                      <Markdown headingLevel={4}>{r.generalFeedback}</Markdown>
                    </Box>
                  )}
                </Paper>
              );
            })}
          </Stack>
        </section>
      )}
    </Stack>
  );
}
