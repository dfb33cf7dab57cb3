// For a course's author (and administrators): who may enrol (anyone, or by invitation only), enrolling
// people in bulk (picked accounts or pasted addresses, with an optional due date; each address that could
// not be enrolled is named), and the learners with their progress, due date, last activity and completion:
// those studying it by default, or those who left (marked with the day, their progress as it was then).
import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  MultiSelect,
  Radio,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { type BulkEnrolResult, parseAddressList, type SelfEnrolment } from '../../../shared/courses.ts';
import type { LearnerStatus } from '../../../shared/learning.ts';
import { courseAttemptsPath } from '../../attempts-admin-api.ts';
import { enrolmentApi } from '../../enrolment-api.ts';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { learningApi } from '../../learning-api.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { TableScroller } from '../TableScroller.tsx';
import { dueState, dueText, endOfDay } from './due.ts';

export function CourseLearners({
  courseId,
  selfEnrolment,
  hasTest,
}: {
  courseId: string;
  selfEnrolment: SelfEnrolment;
  /** The version has a test: each learner's grade, and the way to their attempts. */
  hasTest: boolean;
}) {
  const [status, setStatus] = useState<LearnerStatus>('current');
  const query = useQuery({
    queryKey: queryKeys.courseLearners(courseId, status),
    queryFn: () => learningApi.learners(courseId, status),
    // The table stays while another filter loads, instead of jumping away.
    placeholderData: keepPreviousData,
  });
  const learners = query.data?.learners ?? null;
  const counts = query.data?.counts;
  const now = Date.now();
  return (
    <section aria-labelledby="learners-heading" className="course-learners">
      <Title order={2} size="h3" id="learners-heading">
        Learners
      </Title>
      <Stack gap="lg" mt="xs">
        <SelfEnrolmentSetting courseId={courseId} value={selfEnrolment} />
        <EnrolPanel courseId={courseId} />
        <div>
          <Title order={3} size="h4" id="enrolled-heading" mb="xs">
            Enrolments
          </Title>
          {hasTest && (
            <Anchor component={Link} to={courseAttemptsPath(courseId)} display="block" mb="xs">
              Test attempts: answers, reopening, extra attempts and extra time
            </Anchor>
          )}
          <SegmentedControl
            aria-label="Show learners"
            value={status}
            onChange={(next) => setStatus(next as LearnerStatus)}
            data={[
              { value: 'current', label: counts ? `Current (${counts.current})` : 'Current' },
              { value: 'left', label: counts ? `Left (${counts.left})` : 'Left' },
              { value: 'all', label: 'All' },
            ]}
            mb="xs"
          />
          {query.error && <Text role="alert">The learners could not be loaded: {errorMessage(query.error)}</Text>}
          {learners && learners.length === 0 && <Text>{emptyText(status, counts)}</Text>}
          {learners && learners.length > 0 && (
            <TableScroller minWidth={720} label="Learners of this course">
              <Table aria-labelledby="learners-heading" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Learner</Table.Th>
                    <Table.Th scope="col">Version</Table.Th>
                    <Table.Th scope="col">Progress</Table.Th>
                    {hasTest && <Table.Th scope="col">Test</Table.Th>}
                    <Table.Th scope="col">Due</Table.Th>
                    <Table.Th scope="col">Last activity</Table.Th>
                    <Table.Th scope="col">Completed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {learners.map((l) => (
                    <Table.Tr key={`${l.userId}:${l.leftAt ?? 'current'}`}>
                      <Table.Td>
                        {l.name}
                        <Text size="sm" c="gray.7">
                          {l.email}
                        </Text>
                        {l.leftAt && (
                          <Text size="sm" fw={600} className="learner-left">
                            Left on {formatDateTime(l.leftAt)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{l.version}</Table.Td>
                      <Table.Td className="nowrap">
                        {l.percent}% ({l.doneCount} of {l.total} files)
                      </Table.Td>
                      {hasTest && (
                        <Table.Td className="nowrap">
                          {l.test ? `${l.test.percent}% · ${l.test.passed ? 'passed' : 'not passed'}` : '—'}
                        </Table.Td>
                      )}
                      <Table.Td>
                        {l.dueAt ? (
                          <Text
                            size="sm"
                            className={
                              !l.completedAt && !l.leftAt && dueState(l.dueAt, now) === 'overdue'
                                ? 'due--overdue'
                                : undefined
                            }
                          >
                            {l.completedAt || l.leftAt ? formatDateTime(l.dueAt) : dueText(l.dueAt, now)}
                          </Text>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                      <Table.Td>{l.lastActivityAt ? formatDateTime(l.lastActivityAt) : 'Not started'}</Table.Td>
                      <Table.Td>{l.completedAt ? formatDateTime(l.completedAt) : '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroller>
          )}
        </div>
      </Stack>
    </section>
  );
}

function emptyText(status: LearnerStatus, counts: { current: number; left: number } | undefined): string {
  if (status === 'left') return 'Nobody has left this course.';
  if (status === 'current' && counts && counts.left > 0) {
    const who = counts.left === 1 ? '1 person' : `${counts.left} people`;
    return `Nobody studies this course now; ${who} left it.`;
  }
  return 'Nobody has enrolled yet.';
}

function SelfEnrolmentSetting({ courseId, value }: { courseId: string; value: SelfEnrolment }) {
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const change = async (next: string) => {
    setSaving(true);
    setError(null);
    try {
      await enrolmentApi.setSelfEnrolment(courseId, next as SelfEnrolment);
      await client.invalidateQueries({ queryKey: ['courses'] });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Radio.Group label="Who may enrol" value={value} onChange={(next) => void change(next)} error={error}>
      <Stack gap="xs" mt="xs">
        <Radio value="open" label="Anyone signed in (from the catalog)" disabled={saving} />
        <Radio value="invitation" label="By invitation only (you enrol them here)" disabled={saving} />
      </Stack>
    </Radio.Group>
  );
}

function EnrolPanel({ courseId }: { courseId: string }) {
  const client = useQueryClient();
  const [picked, setPicked] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [addresses, setAddresses] = useState('');
  const [due, setDue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<BulkEnrolResult | null>(null);
  const candidates = useQuery({
    queryKey: ['learning', courseId, 'candidates', debounced],
    queryFn: () => enrolmentApi.candidates(courseId, debounced),
  });
  // Picked people stay listed whatever the search shows now.
  const [known, setKnown] = useState(new Map<string, string>());
  const options = new Map(known);
  for (const c of candidates.data?.candidates ?? []) options.set(c.userId, `${c.name} <${c.email}>`);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const emails = parseAddressList(addresses);
    if (picked.length + emails.length === 0) {
      setError('Pick at least one person or paste an email address.');
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const answer = await enrolmentApi.enrolMany(courseId, { userIds: picked, emails, dueAt: endOfDay(due) });
      setResult(answer);
      setPicked([]);
      // What could not be enrolled stays in the box, to be corrected.
      setAddresses(
        answer.errors
          .filter((e) => emails.includes(e.address))
          .map((e) => e.address)
          .join('\n'),
      );
      await client.invalidateQueries({ queryKey: ['learning', courseId] });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const enrolledCount = result?.enrolled.filter((e) => e.outcome !== 'already').length ?? 0;
  const alreadyCount = result ? result.enrolled.length - enrolledCount : 0;
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="enrol-heading" className="enrol-panel">
      <Title order={3} size="h4" id="enrol-heading" mb="xs">
        Enrol learners
      </Title>
      <Stack gap="sm" maw={560}>
        <MultiSelect
          label="People"
          description="Type a name or an address to find someone."
          placeholder={picked.length === 0 ? 'Search people' : undefined}
          data={[...options].map(([value, label]) => ({ value, label }))}
          value={picked}
          onChange={(ids) => {
            setPicked(ids);
            setKnown(new Map(ids.map((id) => [id, options.get(id) ?? id])));
          }}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options: all }) => all}
          nothingFoundMessage={candidates.isFetching ? 'Searching…' : 'Nobody found who is not enrolled already'}
          hidePickedOptions
          clearable
        />
        <Textarea
          label="Email addresses"
          description="One a line, or separated by commas."
          value={addresses}
          onChange={(e) => setAddresses(e.currentTarget.value)}
          autosize
          minRows={3}
          maxRows={10}
        />
        <TextInput
          type="date"
          label="Due date (optional)"
          description="Shown to learners; once past, the course shows as overdue."
          value={due}
          onChange={(e) => setDue(e.currentTarget.value)}
          maw={320}
        />
        <Group>
          <Button type="submit" loading={busy}>
            Enrol
          </Button>
        </Group>
        {error && (
          <Alert color="red" variant="light" role="alert">
            {error}
          </Alert>
        )}
        {result && (
          <Stack gap="xs" role="status">
            <Text fw={500}>
              {enrolledCount === 1 ? '1 person enrolled' : `${enrolledCount} people enrolled`}
              {alreadyCount > 0 ? `; ${alreadyCount} already enrolled${due ? ' (due date updated)' : ''}` : ''}.
            </Text>
            {result.errors.length > 0 && (
              <Alert color="red" variant="light" title={`${result.errors.length} could not be enrolled`}>
                <List size="sm">
                  {result.errors.map((e) => (
                    <List.Item key={e.address}>
                      <strong>{e.address}</strong>: {e.message}
                    </List.Item>
                  ))}
                </List>
              </Alert>
            )}
          </Stack>
        )}
      </Stack>
    </form>
  );
}
