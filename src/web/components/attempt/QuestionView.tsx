// One question of an open attempt: its heading (focused on navigation), its text and image, the
// answers as a radio or checkbox group labelled by the question, "flag for later", and whether the
// server has the answer yet. It only shows choices; the saver decides what is sent.
import { Alert, Box, Button, Checkbox, Group, Radio, Stack, Text, Title } from '@mantine/core';
import type { z } from 'zod';
import type { attemptQuestionViewSchema } from '../../../shared/attempts.ts';
import { Markdown } from '../../markdown.tsx';
import type { AnswerStatus, QuestionAnswer } from './answer-saver.ts';
import { QuizImage } from './QuizImage.tsx';

export type AttemptQuestion = z.infer<typeof attemptQuestionViewSchema>;

export const questionHeadingId = (questionId: string) => `question-${questionId}-heading`;

export function QuestionView(props: {
  question: AttemptQuestion;
  total: number;
  answer: QuestionAnswer | undefined;
  disabled: boolean;
  onChoose(answerIds: string[]): void;
  onFlag(flagged: boolean): void;
}) {
  const { question, answer, disabled } = props;
  const headingId = questionHeadingId(question.id);
  const textId = `question-${question.id}-text`;
  const chosen = answer?.answerIds ?? [];
  const flagged = answer?.flagged ?? false;
  const multiple = question.kind === 'multiple';
  const name = `question-${question.id}`;

  const toggle = (answerId: string, checked: boolean) =>
    props.onChoose(
      checked ? [...chosen.filter((id) => id !== answerId), answerId] : chosen.filter((id) => id !== answerId),
    );

  const groupLabel = `${headingId} ${textId}`;
  const choices = (
    <>
      <Text size="sm" c="gray.7" mb={6} aria-hidden="true">
        {multiple ? 'Choose one or more.' : 'Choose one.'}
      </Text>
      <Stack gap={4}>
        {question.answers.map((a) => {
          const label = (
            <>
              {a.text}
              {a.image && (
                <QuizImage image={a.image} of="answer" />
              )}
            </>
          );
          return multiple ? (
            <Checkbox
              key={a.id}
              className="attempt-choice"
              label={label}
              value={a.id}
              checked={chosen.includes(a.id)}
              disabled={disabled}
              onChange={(event) => toggle(a.id, event.currentTarget.checked)}
            />
          ) : (
            <Radio
              key={a.id}
              className="attempt-choice"
              name={name}
              label={label}
              value={a.id}
              checked={chosen.includes(a.id)}
              disabled={disabled}
              onChange={(event) => event.currentTarget.checked && props.onChoose([a.id])}
            />
          );
        })}
      </Stack>
    </>
  );

  return (
    <section aria-labelledby={headingId} className="attempt-question">
      <Group justify="space-between" align="baseline" gap="xs">
        <Title order={2} size="h3" id={headingId} tabIndex={-1}>
          Question {question.number} of {props.total}
        </Title>
        <SaveState status={answer?.status} />
      </Group>
      <Box id={textId} mt="xs">
        <Markdown headingLevel={3}>{question.text}</Markdown>
      </Box>
      {question.image && (
        <QuizImage image={question.image} of="question" />
      )}
      {multiple ? (
        <fieldset aria-labelledby={groupLabel} className="attempt-answers">
          {choices}
        </fieldset>
      ) : (
        <div role="radiogroup" aria-labelledby={groupLabel} className="attempt-answers">
          {choices}
        </div>
      )}
      <Group gap="xs" mt="sm">
        <Button
          variant={flagged ? 'filled' : 'default'}
          color="yellow.3"
          autoContrast
          disabled={disabled}
          onClick={() => props.onFlag(!flagged)}
          className="attempt-target"
        >
          <span aria-hidden="true">⚑&nbsp;</span>
          {flagged ? 'Flagged: remove the flag' : 'Flag for later'}
        </Button>
        {chosen.length > 0 && (
          <Button variant="subtle" disabled={disabled} onClick={() => props.onChoose([])} className="attempt-target">
            Clear my choice
          </Button>
        )}
      </Group>
      {answer?.status.kind === 'refused' && (
        <Alert color="red" variant="light" mt="sm" title="Not saved" role="alert">
          {answer.status.message}
        </Alert>
      )}
      {answer?.replacedElsewhere && (
        <Text size="sm" mt="xs" role="status">
          This answer was changed in another tab or on another device; it shows the latest one.
        </Text>
      )}
    </section>
  );
}

const STATE_WORDS: Record<AnswerStatus['kind'], string> = {
  saved: 'Saved',
  saving: 'Saving…',
  unsaved: 'Not saved yet',
  refused: 'Not saved',
};

function SaveState({ status }: { status: AnswerStatus | undefined }) {
  if (!status)
    return (
      <Text size="sm" c="gray.7">
        Not answered
      </Text>
    );
  return (
    <Text
      size="sm"
      fw={status.kind === 'saved' ? 400 : 600}
      c={status.kind === 'saved' ? 'gray.8' : status.kind === 'saving' ? 'gray.7' : 'red.9'}
      data-save-state={status.kind}
    >
      {STATE_WORDS[status.kind]}
    </Text>
  );
}
