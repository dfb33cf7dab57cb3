// One row per job name with how many of its jobs are in each state; the caption names the driver.
import { Table } from '@mantine/core';
import { JOB_STATES, type JobDriver, type QueueCounts } from '../jobs-api.ts';
import { JOB_DRIVER_LABELS, JOB_STATE_LABELS } from '../labels.ts';
import { TableScroller } from './TableScroller.tsx';

const numberFormat = new Intl.NumberFormat();

export function JobCountsTable({ driver, queues }: { driver: JobDriver; queues: QueueCounts[] }) {
  return (
    <TableScroller minWidth={720} label="Job counts (scrolls sideways)">
      <Table striped highlightOnHover verticalSpacing="sm" captionSide="top">
        <Table.Caption ta="left">Jobs by state · {JOB_DRIVER_LABELS[driver]}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Job</Table.Th>
            {JOB_STATES.map((state) => (
              <Table.Th scope="col" key={state} ta="right">
                {JOB_STATE_LABELS[state]}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {queues.map((queue) => (
            <Table.Tr key={queue.name}>
              <Table.Th scope="row" fw={500}>
                {queue.name}
              </Table.Th>
              {JOB_STATES.map((state) => (
                <Table.Td key={state} ta="right">
                  {numberFormat.format(queue.counts[state] ?? 0)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroller>
  );
}
