// The most recent failed jobs, each with its error and a button to run it again.
import { Button, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { FailedJob } from '../jobs-api.ts';
import { TableScroller } from './TableScroller.tsx';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A readable date and time; an unparseable value is shown as it came. */
function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** Enough of the id to tell jobs of the same name apart. */
export function shortJobId(id: string): string {
  return id.slice(0, 8);
}

interface FailedJobsTableProps {
  jobs: FailedJob[];
  onRetry: (job: FailedJob) => Promise<void>;
  labelledBy: string;
}

export function FailedJobsTable({ jobs, onRetry, labelledBy }: FailedJobsTableProps) {
  return (
    <TableScroller minWidth={720} label="Failed jobs (scrolls sideways)">
      <Table striped highlightOnHover verticalSpacing="sm" aria-labelledby={labelledBy}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Job</Table.Th>
            <Table.Th scope="col">Error</Table.Th>
            <Table.Th scope="col" ta="right">
              Attempts
            </Table.Th>
            <Table.Th scope="col">Failed at</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.map((job) => (
            <FailedJobRow key={job.id} job={job} onRetry={onRetry} />
          ))}
        </Table.Tbody>
      </Table>
    </TableScroller>
  );
}

function FailedJobRow({ job, onRetry }: { job: FailedJob; onRetry: FailedJobsTableProps['onRetry'] }) {
  const [busy, setBusy] = useState(false);
  const failedAt = job.finishedAt ?? job.createdAt;

  // The button stays enabled while retrying (disabling it would throw keyboard focus away);
  // a second press meanwhile is ignored.
  async function retry() {
    if (busy) return;
    setBusy(true);
    try {
      await onRetry(job);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Table.Tr>
      <Table.Th scope="row" fw={500}>
        {job.name}
        <Text span size="sm" c="dimmed" ml={6}>
          {shortJobId(job.id)}
        </Text>
      </Table.Th>
      <Table.Td className="job-error">
        {job.error ?? (
          <Text span c="dimmed">
            No error message
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">{job.attempt}</Table.Td>
      <Table.Td>
        <time dateTime={failedAt}>{formatDateTime(failedAt)}</time>
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="light"
          aria-label={`Retry ${job.name} job ${shortJobId(job.id)}`}
          aria-busy={busy || undefined}
          onClick={() => void retry()}
        >
          Retry
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
