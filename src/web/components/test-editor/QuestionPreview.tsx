// A question as a learner sees it in an attempt: its text, image and answers to choose from (radio
// buttons for single choice and true/false, checkboxes for multiple choice), with no grades or
// feedback. The author may try it: the preview says what those choices would score (grading.ts).
import { Button, Checkbox, Group, Radio, Stack, Text } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import type { Answer, Question } from '../../../shared/quiz.ts';
import { gradeQuestion } from '../../../shared/quiz-grading.ts';
import { Markdown } from '../../markdown.tsx';
import { QuizImageView, useAssetView } from './images.tsx';

export function QuestionPreview({ question }: { question: Question }) {
  const [chosen, setChosen] = useState<string[]>([]);
  const stillThere = chosen.filter((id) => question.answers.some((a) => a.id === id));
  const score = Math.round(gradeQuestion(question, stillThere).fraction * 10000) / 100;
  const multiple = question.kind === 'multiple';

  const answers = question.answers.map((answer) => ({ answer, label: <AnswerLabel answer={answer} /> }));
  return (
    <Stack gap="md">
      <Markdown headingLevel={3}>{question.text}</Markdown>
      {question.image && <LearnerImage image={question.image} />}
      {multiple ? (
        <Checkbox.Group label="Select one or more:" value={stillThere} onChange={setChosen}>
          <Stack gap="sm" mt="xs">
            {answers.map(({ answer, label }) => (
              <Checkbox key={answer.id} value={answer.id} label={label} />
            ))}
          </Stack>
        </Checkbox.Group>
      ) : (
        <Radio.Group label="Select one:" value={stillThere[0] ?? null} onChange={(id) => setChosen([id])}>
          <Stack gap="sm" mt="xs">
            {answers.map(({ answer, label }) => (
              <Radio key={answer.id} value={answer.id} label={label} />
            ))}
          </Stack>
        </Radio.Group>
      )}
      <Group justify="space-between" align="center">
        <Text size="sm" c="dimmed" aria-live="polite">
          {stillThere.length === 0
            ? 'Not answered yet.'
            : `With ${stillThere.length === 1 ? 'this choice' : 'these choices'} a learner would score ${score}%.`}
        </Text>
        <Button variant="default" size="xs" onClick={() => setChosen([])} disabled={stillThere.length === 0}>
          Clear my choice
        </Button>
      </Group>
    </Stack>
  );
}

function AnswerLabel({ answer }: { answer: Answer }): ReactNode {
  return (
    <Stack gap={4}>
      <Markdown inline>{answer.text}</Markdown>
      {answer.image && <LearnerImage image={answer.image} thumbnail />}
    </Stack>
  );
}

function LearnerImage({ image, thumbnail = false }: { image: { assetId: string; alt: string }; thumbnail?: boolean }) {
  const asset = useAssetView(image.assetId);
  return (
    <QuizImageView
      image={image}
      derivative={thumbnail ? 'thumbnail' : 'web'}
      asset={asset}
      maxWidth={thumbnail ? 200 : 640}
    />
  );
}
