// How an attempt's state and result read in the author's pages: words, not colour alone.
import { Badge, Text } from '@mantine/core';

/** Green that keeps 4.5:1 on white and on light tints (Mantine's green.9 does not on its own tint). */
export const RIGHT_COLOR = '#1d6a31';

export function AttemptStateBadge({
  state,
  submittedBy,
}: {
  state: 'open' | 'submitted';
  submittedBy: 'learner' | 'deadline' | null;
}) {
  if (state === 'open') {
    return (
      <Badge variant="outline" color="blue.9" tt="none">
        In progress
      </Badge>
    );
  }
  return (
    <Badge variant="outline" color="gray.8" tt="none">
      {submittedBy === 'deadline' ? 'Submitted when time ran out' : 'Submitted'}
    </Badge>
  );
}

export function ResultText({ percent, passed }: { percent: number | null; passed: boolean | null }) {
  if (percent === null) return <Text span>—</Text>;
  return (
    <Text span fw={500} c={passed ? RIGHT_COLOR : 'red.9'}>
      {percent}% · {passed ? 'passed' : 'failed'}
    </Text>
  );
}
