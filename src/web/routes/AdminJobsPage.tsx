// Administrators watch the background jobs: a worker check, counts per queue, and the failed
// jobs with a retry button. Server state through TanStack Query, kept current by live events;
// polls while those are unavailable.
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef, useState } from 'react';
import { FailedJobsTable } from '../components/FailedJobsTable.tsx';
import { FormError } from '../components/FormError.tsx';
import { JobCountsTable } from '../components/JobCountsTable.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { errorMessage } from '../forms.ts';
import { movesJobForward } from '../job-state.ts';
import { type FailedJob, type JobState, type JobsOverview, jobsApi } from '../jobs-api.ts';
import type { JobLiveEvent } from '../live.ts';
import { queryKeys } from '../server-state/keys.ts';
import { useLiveQuery } from '../server-state/live-query.ts';
import { Loading } from '../components/Loading.tsx';

/** Live events reload the counts at most this often. */
const REFRESH_MIN_INTERVAL_MS = 500;
/** How often the page reloads while live updates are paused. */
const POLL_MS = 5_000;
/** A test job still queued after this long suggests that no worker is running. */
const PROBE_SLOW_MS = 20_000;
/** Job states remembered from recent events (the probe's events may beat its POST answer). */
const RECENT_EVENTS = 200;

interface ProbeView {
  /** Null while the test job is being queued. */
  jobId: string | null;
  state: JobState | 'starting';
  error?: string;
}

const FINAL_STATES: ReadonlySet<ProbeView['state']> = new Set(['completed', 'failed', 'cancelled']);

function probeStateMessage(probe: ProbeView): string {
  switch (probe.state) {
    case 'starting':
      return 'Queuing a test job…';
    case 'created':
      return 'Queued…';
    case 'retry':
      return 'Retrying…';
    case 'active':
      return 'Running…';
    case 'completed':
      return 'Completed — workers are running.';
    case 'failed':
      return `Failed: ${probe.error || 'the job gave no error message.'}`;
    case 'cancelled':
      return 'Cancelled: the test job was cancelled before it ran.';
  }
}

/** The worker check's status line; `slow`: still queued after a while; `paused`: no live events. */
function probeMessage(probe: ProbeView, slow: boolean, paused: boolean): string {
  const message = probeStateMessage(probe);
  if (!probe.jobId || FINAL_STATES.has(probe.state)) return message;
  // Without live events the page learns only of a failure (from the failed list it polls).
  if (paused) return `${message} Live updates are paused, so this may not change when the test job finishes.`;
  if (slow && probe.state === 'created') {
    return `${message} No worker has started the test job yet. Check that a worker process is running.`;
  }
  return message;
}

export function AdminJobsPage() {
  const [retryError, setRetryError] = useState<string | null>(null);
  const [probe, setProbe] = useState<ProbeView | null>(null);
  const [probeSlow, setProbeSlow] = useState(false);
  const [probeError, setProbeError] = useState<string | null>(null);
  const [probeBusy, setProbeBusy] = useState(false);
  const recentEvents = useRef(new Map<string, JobLiveEvent>());
  const failedHeading = useRef<HTMLHeadingElement>(null);

  const jobs = useLiveQuery({
    queryKey: queryKeys.jobs,
    queryFn: jobsApi.overview,
    pollMs: POLL_MS,
    reloadMinIntervalMs: REFRESH_MIN_INTERVAL_MS,
    onEvent: (event, { reload }) => {
      if (event.type !== 'job') return;
      const job = event.data;
      const recent = recentEvents.current;
      const previous = recent.get(job.jobId);
      // Progress reports do not change the counts.
      if (previous?.state !== job.state) reload();
      if (previous && !movesJobForward(previous.state, job.state)) return;
      recent.delete(job.jobId);
      recent.set(job.jobId, job);
      if (recent.size > RECENT_EVENTS) recent.delete(recent.keys().next().value as string);
      setProbe((current) =>
        current?.jobId === job.jobId && (current.state === 'starting' || movesJobForward(current.state, job.state))
          ? { jobId: job.jobId, state: job.state, error: job.error }
          : current,
      );
    },
  });
  const overview: JobsOverview | null = jobs.data ?? null;
  const loadError = jobs.error ? errorMessage(jobs.error) : null;
  const refresh = jobs.reload;
  const paused = jobs.liveStatus === 'paused';

  // While polling, a failed test job still shows up in the failed list.
  useEffect(() => {
    if (!overview) return;
    setProbe((current) => {
      if (!current?.jobId || FINAL_STATES.has(current.state)) return current;
      const failed = overview.failed.find((job) => job.id === current.jobId);
      return failed ? { jobId: failed.id, state: 'failed', error: failed.error ?? undefined } : current;
    });
  }, [overview]);

  // A test job that nobody starts says so after a while.
  const probeWaiting = probe?.state === 'created' ? probe.jobId : null;
  useEffect(() => {
    setProbeSlow(false);
    if (!probeWaiting) return;
    const timer = setTimeout(() => setProbeSlow(true), PROBE_SLOW_MS);
    return () => clearTimeout(timer);
  }, [probeWaiting]);

  async function startProbe() {
    if (probeBusy) return;
    setProbeBusy(true);
    setProbeError(null);
    setProbe({ jobId: null, state: 'starting' });
    try {
      const { jobId } = await jobsApi.probe();
      const seen = recentEvents.current.get(jobId);
      setProbe({ jobId, state: seen?.state ?? 'created', error: seen?.error });
      refresh();
    } catch (error) {
      setProbe(null);
      setProbeError(errorMessage(error));
    } finally {
      setProbeBusy(false);
    }
  }

  async function handleRetry(job: FailedJob): Promise<void> {
    setRetryError(null);
    try {
      await jobsApi.retry(job.id);
      notifications.show({ color: 'green', message: `The ${job.name} job was queued again.` });
      // Its row is about to disappear: keep keyboard focus in the section.
      failedHeading.current?.focus();
    } catch (error) {
      setRetryError(`Could not retry the ${job.name} job: ${errorMessage(error)}`);
    }
    refresh();
  }

  return (
    <Stack>
      <PageTitle>Background jobs</PageTitle>
      {paused && (
        <Text size="sm" c="dimmed">
          Live updates paused. The page refreshes every 5 seconds.
        </Text>
      )}

      <Paper withBorder p="lg" component="section" aria-labelledby="worker-check-heading">
        <Title order={2} size="h3" id="worker-check-heading" mb="xs">
          Worker check
        </Title>
        <Stack gap="sm" align="flex-start">
          <Text>Queues a small test job and follows it. If it completes, the workers are running.</Text>
          <FormError message={probeError} title="The test job was not queued" />
          <Group>
            <Button aria-busy={probeBusy || undefined} onClick={() => void startProbe()}>
              Test the workers
            </Button>
          </Group>
          {/* Always present, so that screen readers announce each change of its text. */}
          <Text role="status" aria-labelledby="worker-check-heading" id="worker-check-status" fw={500}>
            {probe ? probeMessage(probe, probeSlow, paused) : ''}
          </Text>
        </Stack>
      </Paper>

      <section aria-labelledby="queues-heading">
        <Title order={2} size="h3" id="queues-heading" mb="md">
          Queues
        </Title>
        <Stack>
          {loadError && !overview && (
            <Alert color="red" variant="light" title="Could not load the jobs">
              <Text mb="sm">{loadError}</Text>
              <Button size="xs" onClick={refresh}>
                Try again
              </Button>
            </Alert>
          )}
          {loadError && overview && (
            <Text size="sm" c="dimmed">
              Could not refresh ({loadError}). The counts below may be out of date.
            </Text>
          )}
          {!overview && !loadError && <Loading>Loading jobs…</Loading>}
          {overview &&
            (overview.queues.length > 0 ? (
              <JobCountsTable driver={overview.driver} queues={overview.queues} />
            ) : (
              <Text>No job types are registered.</Text>
            ))}
        </Stack>
      </section>

      <section aria-labelledby="failed-jobs-heading">
        <Title order={2} size="h3" id="failed-jobs-heading" mb="md" ref={failedHeading} tabIndex={-1}>
          Failed jobs
        </Title>
        <Stack>
          <FormError message={retryError} title="The job was not retried" />
          {overview &&
            (overview.failed.length > 0 ? (
              <FailedJobsTable jobs={overview.failed} onRetry={handleRetry} labelledBy="failed-jobs-heading" />
            ) : (
              <Text>No failed jobs.</Text>
            ))}
        </Stack>
      </section>
    </Stack>
  );
}
