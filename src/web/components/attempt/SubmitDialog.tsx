// "Submit" asks first: how many questions are answered, which are unanswered, flagged or not saved
// yet, and that answers cannot be changed afterwards.
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';

export interface SubmitSummaryQuestion {
  number: number;
  answered: boolean;
  flagged: boolean;
  unsaved: boolean;
  refused: boolean;
}

const numbers = (qs: SubmitSummaryQuestion[]) => qs.map((q) => q.number).join(', ');

export function SubmitDialog(props: {
  opened: boolean;
  submitting: boolean;
  questions: SubmitSummaryQuestion[];
  onClose(): void;
  onConfirm(): void;
}) {
  const { questions } = props;
  const answered = questions.filter((q) => q.answered).length;
  const unanswered = questions.filter((q) => !q.answered);
  const flagged = questions.filter((q) => q.flagged);
  const unsaved = questions.filter((q) => q.unsaved);
  return (
    <Modal.Root opened={props.opened} onClose={props.onClose} centered transitionProps={{ duration: 0 }}>
      <Modal.Overlay />
      <Modal.Content>
        {/* role none: a <header> directly in the dialog would count as a second page banner. */}
        <Modal.Header role="none">
          <Modal.Title>Submit your answers?</Modal.Title>
          <Modal.CloseButton aria-label="Close" />
        </Modal.Header>
        <Modal.Body>
          <Stack gap="sm">
            <Text>
              You answered {answered} of {questions.length} question{questions.length === 1 ? '' : 's'}.
            </Text>
            {unanswered.length > 0 && (
              <Text>
                Unanswered: question{unanswered.length === 1 ? '' : 's'} {numbers(unanswered)}.
              </Text>
            )}
            {flagged.length > 0 && (
              <Text>
                Flagged for later: question{flagged.length === 1 ? '' : 's'} {numbers(flagged)}.
              </Text>
            )}
            {unsaved.length > 0 && (
              <Alert color="orange" variant="light" title="Not saved yet">
                The answer{unsaved.length === 1 ? '' : 's'} to question{unsaved.length === 1 ? '' : 's'}{' '}
                {numbers(unsaved)} {unsaved.length === 1 ? 'is' : 'are'} sent first; only answers the server has saved
                count.
              </Alert>
            )}
            <Text>Once submitted, your answers cannot be changed.</Text>
            <Group justify="flex-end" mt="sm">
              <Button variant="default" onClick={props.onClose} className="attempt-target">
                Keep working
              </Button>
              <Button onClick={props.onConfirm} loading={props.submitting} className="attempt-target">
                Submit my answers
              </Button>
            </Group>
          </Stack>
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}
