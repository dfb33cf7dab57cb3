// An open attempt at a course's test: one question per page or all on one page (the author's
// choice), the navigator, the timer, and Submit with its summary. Answers go to the server one
// change at a time through the answer saver; the page reloads the attempt when the tab comes back
// into view, so an answer given in another tab or device shows here too.
import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import type { AttemptView } from '../../../shared/attempts.ts';
import { attemptPath, attemptsApi, resultPath } from '../../attempts-api.ts';
import { AttemptTimer } from '../../components/attempt/AttemptTimer.tsx';
import { clockOffset } from '../../components/attempt/countdown.ts';
import { QuestionNavigator, questionState } from '../../components/attempt/QuestionNavigator.tsx';
import { questionHeadingId, QuestionView } from '../../components/attempt/QuestionView.tsx';
import { SubmitDialog } from '../../components/attempt/SubmitDialog.tsx';
import { useAnswerSaver } from '../../components/attempt/use-answer-saver.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { AttemptNotLoaded } from './AttemptNotLoaded.tsx';

/** An attempt in the cache, with when it arrived (the timer's clock offset is worked out from it). */
export interface CachedAttempt {
  attempt: AttemptView;
  receivedAt: number;
}

export async function fetchAttempt(attemptId: string): Promise<CachedAttempt> {
  const { attempt } = await attemptsApi.get(attemptId);
  return { attempt, receivedAt: Date.now() };
}

export function AttemptPage() {
  const { id = '' } = useParams();
  // A new saver (and its stored answers) for each attempt.
  return <AttemptScreen key={id} attemptId={id} />;
}

function AttemptScreen({ attemptId }: { attemptId: string }) {
  const query = useQuery({
    queryKey: queryKeys.attempt(attemptId),
    queryFn: () => fetchAttempt(attemptId),
    // Back online, the page sends what waits before it reloads (see OpenAttempt).
    refetchOnReconnect: false,
  });
  const firstState = useRef<AttemptView['state'] | null>(null);
  if (query.data && firstState.current === null) firstState.current = query.data.attempt.state;

  if (!query.data) {
    return <AttemptNotLoaded error={query.error} loading="Loading the test…" failed="Could not load the attempt" />;
  }
  // Opening a submitted attempt shows its result.
  if (firstState.current === 'submitted') return <Navigate to={resultPath(attemptId)} replace />;
  return <OpenAttempt cached={query.data} reload={() => void query.refetch()} />;
}

function OpenAttempt({ cached, reload }: { cached: CachedAttempt; reload(): void }) {
  const { attempt } = cached;
  const client = useQueryClient();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const [clock, setClock] = useState(() => ({
    deadline: attempt.deadline,
    offset: clockOffset(attempt.serverNow, cached.receivedAt),
  }));
  const [timeUp, setTimeUp] = useState(false);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const { saver, answers } = useAnswerSaver(attempt.id, {
    onServerTime: (deadline, serverNow) => setClock({ deadline, offset: clockOffset(serverNow, Date.now()) }),
    onAttemptOver: () => reload(),
  });

  // Every answer of the server (on opening, and on each reload) merged with this browser's unsaved ones.
  useEffect(() => {
    saver.load(attempt.responses);
    setClock({ deadline: attempt.deadline, offset: clockOffset(attempt.serverNow, cached.receivedAt) });
  }, [saver, attempt, cached.receivedAt]);

  // Back in this tab or back online: what waits is sent first, then the attempt is reloaded (another
  // tab or device may have answered meanwhile; answers sent late get the server's own refusal).
  useEffect(() => {
    const back = () => {
      if (document.visibilityState !== 'visible') return;
      saver.flush();
      void saver.idle().then(reload);
    };
    window.addEventListener('focus', back);
    window.addEventListener('online', back);
    document.addEventListener('visibilitychange', back);
    return () => {
      window.removeEventListener('focus', back);
      window.removeEventListener('online', back);
      document.removeEventListener('visibilitychange', back);
    };
  }, [reload, saver]);

  const over = attempt.state === 'submitted';
  const locked = over || timeUp || submitting;
  const onePerPage = attempt.layout === 'one-per-page';
  const total = attempt.questions.length;
  const requested = Number(search.get('q'));
  const current = onePerPage
    ? Math.min(Math.max(Number.isInteger(requested) && requested > 0 ? requested : 1, 1), total)
    : null;

  // Focus moves to the question's heading after navigation (not on the first render).
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    if (!focusNext.current) return;
    const heading = document.getElementById(focusNext.current);
    focusNext.current = null;
    heading?.focus();
    heading?.scrollIntoView({ block: 'start' });
  });
  const go = useCallback(
    (number: number) => {
      const question = attempt.questions[number - 1];
      if (!question) return;
      focusNext.current = questionHeadingId(question.id);
      if (onePerPage) setSearch({ q: String(number) }, { replace: false });
      else {
        document.getElementById(focusNext.current)?.focus();
        document.getElementById(focusNext.current)?.scrollIntoView({ block: 'start' });
        focusNext.current = null;
      }
    },
    [attempt.questions, onePerPage, setSearch],
  );

  async function submit(why: 'learner' | 'time-up' = 'learner') {
    setSubmitting(true);
    setSubmitError(null);
    try {
      saver.flush();
      await saver.idle();
      const { attempt: submitted } = await attemptsApi.submit(attempt.id);
      client.setQueryData(queryKeys.attempt(attempt.id), {
        attempt: submitted,
        receivedAt: Date.now(),
      } satisfies CachedAttempt);
      void client.invalidateQueries({ queryKey: queryKeys.testOverview(attempt.courseId) });
      navigate(resultPath(attempt.id), { state: { timeUp: why === 'time-up' } });
    } catch (err) {
      setSubmitError(errorMessage(err));
      setSubmitting(false);
      setDialogOpen(false);
    }
  }

  // Time is up: the answers still on their way are sent, then the attempt is submitted.
  const autoSubmitted = useRef(false);
  useEffect(() => {
    if (!timeUp || over || autoSubmitted.current) return;
    autoSubmitted.current = true;
    saver.flush();
    void saver.idle().then(() => {
      if (saver.unsavedCount === 0) void submit('time-up');
    });
  });

  const unsaved = [...answers.values()].filter((a) => a.status.kind === 'saving' || a.status.kind === 'unsaved').length;
  const waiting = [...answers.values()].filter((a) => a.status.kind === 'unsaved').length;
  const shown = current === null ? attempt.questions : attempt.questions.slice(current - 1, current);
  const deadlineMs = clock.deadline === null ? null : Date.parse(clock.deadline);

  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/courses/${encodeURIComponent(attempt.courseId)}`} size="sm">
        Back to the course
      </Anchor>
      <PageTitle>{`Test, attempt ${attempt.number}`}</PageTitle>
      {over && (
        <Alert color="blue" variant="light" title="This attempt has been submitted" role="alert">
          {attempt.submittedBy === 'deadline'
            ? 'Time ran out, and the attempt was submitted with the answers the server had saved. '
            : ''}
          Answers can no longer be changed.{' '}
          <Anchor component={Link} to={resultPath(attempt.id)}>
            See the result
          </Anchor>
        </Alert>
      )}
      {timeUp && !over && (
        <Alert color="orange" variant="light" title="Time is up" role="alert">
          {waiting > 0
            ? `${waiting} answer${waiting === 1 ? ' is' : 's are'} not saved yet: they are sent when the connection is back, until ${formatDateTime(new Date((deadlineMs ?? 0) + attempt.graceSeconds * 1000).toISOString())}.`
            : 'Your answers are being submitted.'}
        </Alert>
      )}
      {submitError && (
        <Alert color="red" variant="light" role="alert">
          Your attempt could not be submitted: {submitError}
        </Alert>
      )}
      <div className="attempt-layout">
        <aside className="attempt-aside" aria-label="Time and questions">
          <Stack gap="sm">
            {deadlineMs !== null && !over && (
              <AttemptTimer deadlineMs={deadlineMs} offsetMs={clock.offset} onTimeUp={() => setTimeUp(true)} />
            )}
            {deadlineMs === null && (
              <Text size="sm" c="gray.7">
                No time limit.
              </Text>
            )}
            <Text size="sm" role="status" fw={unsaved > 0 ? 600 : 400} c={waiting > 0 ? 'red.9' : undefined}>
              {waiting > 0
                ? `${waiting} answer${waiting === 1 ? '' : 's'} not saved yet: sent when the connection is back.`
                : unsaved > 0
                  ? 'Saving…'
                  : 'Every answer is saved.'}
            </Text>
            <QuestionNavigator questions={attempt.questions} answers={answers} current={current} onGo={go} />
            <Button
              onClick={() => setDialogOpen(true)}
              disabled={over || submitting}
              className="attempt-target"
              variant="outline"
            >
              Submit…
            </Button>
          </Stack>
        </aside>
        <div className="attempt-main">
          <Stack gap="xl">
            {shown.map((q) => (
              <QuestionView
                key={q.id}
                question={q}
                total={total}
                answer={answers.get(q.id)}
                disabled={locked}
                onChoose={(answerIds) =>
                  saver.change(q.id, { answerIds, flagged: answers.get(q.id)?.flagged ?? false })
                }
                onFlag={(flagged) => saver.change(q.id, { answerIds: answers.get(q.id)?.answerIds ?? [], flagged })}
              />
            ))}
          </Stack>
          <Group justify="space-between" mt="lg" className="attempt-pager">
            {current !== null && current > 1 ? (
              <Button
                variant="default"
                className="attempt-target"
                component={Link}
                to={attemptPath(attempt.id, current - 1)}
                onClick={(e) => {
                  e.preventDefault();
                  go(current - 1);
                }}
              >
                Previous question
              </Button>
            ) : (
              <span />
            )}
            {current !== null && current < total ? (
              <Button
                className="attempt-target"
                component={Link}
                to={attemptPath(attempt.id, current + 1)}
                onClick={(e) => {
                  e.preventDefault();
                  go(current + 1);
                }}
              >
                Next question
              </Button>
            ) : (
              <Button className="attempt-target" onClick={() => setDialogOpen(true)} disabled={over || submitting}>
                Submit…
              </Button>
            )}
          </Group>
        </div>
      </div>
      <SubmitDialog
        opened={dialogOpen}
        onClose={() => setDialogOpen(false)}
        onConfirm={() => void submit()}
        submitting={submitting}
        questions={attempt.questions.map((q) => ({ number: q.number, ...questionState(answers.get(q.id)) }))}
      />
    </Stack>
  );
}
