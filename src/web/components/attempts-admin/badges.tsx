// How an attempt's state and result read in the author's pages: words, not colour alone.
import { Badge, Text } from '@mantine/core';

export function AttemptStateBadge({
  state,
  submittedBy,
}: {
  state: 'open' | 'submitted';
  submittedBy: 'learner' | 'deadline' | null;
}) {
  if (state === 'open') {
    return (
      <Badge variant="light" color="blue">
        In progress
      </Badge>
    );
  }
  return (
    <Badge variant="light" color="gray.8">
      {submittedBy === 'deadline' ? 'Submitted when time ran out' : 'Submitted'}
    </Badge>
  );
}

export function ResultText({ percent, passed }: { percent: number | null; passed: boolean | null }) {
  if (percent === null) return <Text span>—</Text>;
  return (
    <Text span fw={500} c={passed ? 'green.9' : 'red.9'}>
      {percent}% · {passed ? 'passed' : 'failed'}
    </Text>
  );
}
