// Administrators see what the storage clean-up (the garbage collector) found and freed on each
// run, which drafts it will remove next, and can start a run or a dry run. Live job events refresh
// the page; it polls while they are unavailable.
import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { GC_CLASS_LABELS, GC_CLASSES, type GcRunView } from '../../shared/gc.ts';
import { formatBytes } from '../../shared/format-bytes.ts';
import { FormError } from '../components/FormError.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { errorMessage } from '../forms.ts';
import { type GcOverview, gcApi } from '../gc-api.ts';
import { movesJobForward } from '../job-state.ts';
import type { JobState } from '../jobs-api.ts';
import { queryKeys } from '../server-state/keys.ts';
import { useLiveQuery } from '../server-state/live-query.ts';
import { TableScroller } from '../components/TableScroller.tsx';
import { Loading } from '../components/Loading.tsx';

const REFRESH_MIN_INTERVAL_MS = 500;
const POLL_MS = 5_000;

const numberFormat = new Intl.NumberFormat();
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

const STATUS_LABELS: Record<GcRunView['status'], string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  refused: 'Refused',
};
const STATUS_COLORS: Record<GcRunView['status'], string> = {
  running: 'blue',
  completed: 'green',
  failed: 'red',
  refused: 'orange',
};
const TRIGGER_LABELS: Record<GcRunView['trigger'], string> = {
  schedule: 'Schedule',
  manual: 'Admin page',
  cli: 'Command line',
};

function freed(run: GcRunView): { items: number; bytes: number } {
  let items = 0;
  let bytes = 0;
  for (const c of GC_CLASSES) {
    items += run.report.classes[c].items;
    bytes += run.report.classes[c].bytes;
  }
  return { items, bytes };
}

function RunDetails({ run }: { run: GcRunView }) {
  const { report } = run;
  const verb = run.dryRun ? 'Would free' : 'Freed';
  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="run-details-heading">
      <Title order={2} size="h3" id="run-details-heading" tabIndex={-1} mb="xs">
        {run.dryRun ? 'Dry run' : 'Run'} of {dateTime.format(new Date(run.startedAt))}
      </Title>
      <Stack gap="sm">
        <Text>
          {STATUS_LABELS[run.status]} · {TRIGGER_LABELS[run.trigger]} · took {(report.durationMs / 1000).toFixed(1)} s
          {run.dryRun ? ' · nothing was deleted' : ''}
        </Text>
        {report.refusal && (
          <Alert color="orange" variant="light" title="The collector refused to run">
            {report.refusal}
          </Alert>
        )}
        <TableScroller minWidth={480} label="What the run freed (scrolls sideways)">
          <Table striped verticalSpacing="xs" captionSide="top">
            <Table.Caption ta="left">What each class {run.dryRun ? 'would free' : 'freed'}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Class</Table.Th>
                <Table.Th scope="col" ta="right">
                  Items
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  {verb}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {GC_CLASSES.map((c) => (
                <Table.Tr key={c}>
                  <Table.Th scope="row" fw={500}>
                    {GC_CLASS_LABELS[c]}
                  </Table.Th>
                  <Table.Td ta="right">{numberFormat.format(report.classes[c].items)}</Table.Td>
                  <Table.Td ta="right">{report.classes[c].bytes ? formatBytes(report.classes[c].bytes) : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroller>
        {report.flaggedCount > 0 && (
          <Alert
            color="red"
            variant="light"
            title={`${numberFormat.format(report.flaggedCount)} stored files are missing`}
          >
            <Text mb="xs">
              Their database rows were kept and the files marked missing: restore the storage from a backup, or ask
              their authors to upload them again.
            </Text>
            <ul>
              {report.flagged.map((f) => (
                <li key={f.key}>
                  <code>{f.key}</code> —{' '}
                  {f.assetIds.length > 0 ? `files ${f.assetIds.join(', ')}` : 'not marked (dry run)'}
                </li>
              ))}
            </ul>
          </Alert>
        )}
        {report.errorCount > 0 && (
          <Alert color="red" variant="light" title={`${numberFormat.format(report.errorCount)} errors`}>
            <ul>
              {report.errors.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the same message may repeat.
                <li key={i}>{e}</li>
              ))}
            </ul>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

export function AdminGcPage() {
  const [startError, setStartError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const pendingJob = useRef<string | null>(null);
  const pendingState = useRef<JobState>('created');
  const detailsFocus = useRef(false);

  const gc = useLiveQuery({
    queryKey: queryKeys.storage,
    queryFn: gcApi.overview,
    pollMs: POLL_MS,
    reloadMinIntervalMs: REFRESH_MIN_INTERVAL_MS,
    // A run's progress sends no events: follow a running one by polling.
    alsoPollWhile: (data) => data?.runs.some((r) => r.status === 'running') === true,
    onEvent: (event, { reload }) => {
      if (event.type !== 'job' || event.data.name !== 'gc.collect') return;
      reload();
      if (event.data.jobId !== pendingJob.current) return;
      // A late "active" must not follow "completed" (events may arrive out of order).
      if (!movesJobForward(pendingState.current, event.data.state)) return;
      pendingState.current = event.data.state;
      if (event.data.state === 'active') setStatus('Running…');
      if (event.data.state === 'completed') setStatus('Finished. The newest run is at the top of the list.');
      if (event.data.state === 'failed') setStatus(`The run failed: ${event.data.error ?? 'no message'}`);
    },
  });
  const overview: GcOverview | null = gc.data ?? null;
  const loadError = gc.error ? errorMessage(gc.error) : null;
  const refresh = gc.reload;
  const paused = gc.liveStatus === 'paused';

  // After choosing a run, its details take the focus (keyboard and screen reader users land there).
  // biome-ignore lint/correctness/useExhaustiveDependencies: it runs after each choice of a run.
  useEffect(() => {
    if (!detailsFocus.current) return;
    detailsFocus.current = false;
    document.getElementById('run-details-heading')?.focus();
  }, [selectedId]);

  async function start(dryRun: boolean) {
    if (busy) return;
    setBusy(true);
    setStartError(null);
    try {
      const { jobId, queued } = await gcApi.start(dryRun);
      pendingJob.current = jobId;
      pendingState.current = 'created';
      setStatus(
        queued
          ? `${dryRun ? 'Dry run' : 'Run'} queued. It appears below when a maintenance worker has finished it.`
          : 'A run is already queued or running.',
      );
      refresh();
    } catch (error) {
      setStartError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  const selected = overview?.runs.find((r) => r.id === selectedId) ?? overview?.runs[0] ?? null;

  return (
    <Stack>
      <PageTitle>Storage clean-up</PageTitle>
      {paused && (
        <Text size="sm" c="dimmed">
          Live updates paused. The page refreshes every 5 seconds.
        </Text>
      )}

      <Paper withBorder p="lg" component="section" aria-labelledby="gc-start-heading">
        <Title order={2} size="h3" id="gc-start-heading" mb="xs">
          Clean up now
        </Title>
        <Stack gap="sm" align="flex-start">
          <Text>
            The collector removes what cancelling and deleting left behind after a crash: files no draft or course uses,
            stored content no file uses, unfinished uploads and work folders, and drafts nobody saved for{' '}
            {overview ? `${overview.settings.draftMaxAgeDays} days` : 'a long time'}. Nothing younger than{' '}
            {overview ? `${overview.settings.graceHours} hours` : 'its grace period'} is taken.
            {overview && ` It runs on the schedule “${overview.settings.schedule}”.`}
          </Text>
          <FormError message={startError} title="The run was not queued" />
          <Group>
            <Button variant="default" aria-busy={busy || undefined} onClick={() => void start(true)}>
              Dry run
            </Button>
            <Button aria-busy={busy || undefined} onClick={() => void start(false)}>
              Run now
            </Button>
          </Group>
          <Text role="status" fw={500}>
            {status}
          </Text>
        </Stack>
      </Paper>

      {loadError && !overview && (
        <Alert color="red" variant="light" title="Could not load the clean-up report">
          <Text mb="sm">{loadError}</Text>
          <Button size="xs" onClick={refresh}>
            Try again
          </Button>
        </Alert>
      )}
      {!overview && !loadError && <Loading>Loading the clean-up report…</Loading>}

      {overview && (
        <section aria-labelledby="gc-drafts-heading">
          <Title order={2} size="h3" id="gc-drafts-heading" mb="md">
            Drafts to be removed
          </Title>
          {overview.upcomingDrafts.length === 0 ? (
            <Text>No draft is close to its removal.</Text>
          ) : (
            <TableScroller minWidth={560} label="Drafts to be removed (scrolls sideways)">
              <Table striped verticalSpacing="xs" aria-labelledby="gc-drafts-heading">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Draft</Table.Th>
                    <Table.Th scope="col">Last saved</Table.Th>
                    <Table.Th scope="col">Will be removed on</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {overview.upcomingDrafts.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Th scope="row" fw={500}>
                        {d.title}
                      </Table.Th>
                      <Table.Td>{dateTime.format(new Date(d.updatedAt))}</Table.Td>
                      <Table.Td>{dateOnly.format(new Date(d.removeAt))}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroller>
          )}
        </section>
      )}

      {overview && (
        <section aria-labelledby="gc-runs-heading">
          <Title order={2} size="h3" id="gc-runs-heading" mb="md">
            Runs
          </Title>
          {overview.runs.length === 0 ? (
            <Text>No run yet.</Text>
          ) : (
            <TableScroller minWidth={720} label="Runs (scrolls sideways)">
              <Table striped highlightOnHover verticalSpacing="xs" aria-labelledby="gc-runs-heading">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Started</Table.Th>
                    <Table.Th scope="col">Kind</Table.Th>
                    <Table.Th scope="col">Status</Table.Th>
                    <Table.Th scope="col" ta="right">
                      Items freed
                    </Table.Th>
                    <Table.Th scope="col" ta="right">
                      Space freed
                    </Table.Th>
                    <Table.Th scope="col" ta="right">
                      Flagged
                    </Table.Th>
                    <Table.Th scope="col" ta="right">
                      Errors
                    </Table.Th>
                    <Table.Th scope="col">
                      <VisuallyHidden>Details</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {overview.runs.map((run) => {
                    const total = freed(run);
                    const started = dateTime.format(new Date(run.startedAt));
                    return (
                      <Table.Tr key={run.id}>
                        <Table.Th scope="row" fw={500}>
                          {started}
                        </Table.Th>
                        <Table.Td>
                          {run.dryRun ? 'Dry run' : 'Run'} · {TRIGGER_LABELS[run.trigger]}
                        </Table.Td>
                        <Table.Td>
                          <Badge color={STATUS_COLORS[run.status]} variant="light" tt="none" radius="sm" miw="max-content">
                            {STATUS_LABELS[run.status]}
                          </Badge>
                        </Table.Td>
                        <Table.Td ta="right">{numberFormat.format(total.items)}</Table.Td>
                        <Table.Td ta="right">{formatBytes(total.bytes)}</Table.Td>
                        <Table.Td ta="right">{numberFormat.format(run.report.flaggedCount)}</Table.Td>
                        <Table.Td ta="right">{numberFormat.format(run.report.errorCount)}</Table.Td>
                        <Table.Td>
                          <Button
                            size="xs"
                            variant="subtle"
                            aria-pressed={selected?.id === run.id}
                            aria-label={`Details of the ${run.dryRun ? 'dry run' : 'run'} of ${started}`}
                            onClick={() => {
                              detailsFocus.current = true;
                              setSelectedId(run.id);
                            }}
                          >
                            Details
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </TableScroller>
          )}
        </section>
      )}

      {selected && <RunDetails run={selected} />}
    </Stack>
  );
}
