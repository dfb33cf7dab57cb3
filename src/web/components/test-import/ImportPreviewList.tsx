// What an import would add, before the author confirms: categories as nested lists, each question
// with its kind, text, image, answers with grades and feedback, and its problems; then the
// questions left out, each named with the reason.
import { Badge, Group, Image, List, Paper, Stack, Text, Title } from '@mantine/core';
import type { ImportCategoryView, ImportImageRef, ImportPreview, ImportQuestion } from '../../../shared/quiz-import.ts';
import { useId } from 'react';
import { fractionLabel } from '../../../shared/quiz-editing.ts';

const KIND_LABELS: Record<ImportQuestion['kind'], string> = {
  single: 'Single choice',
  multiple: 'Multiple choice',
  'true-false': 'True/false',
};

type Images = ImportPreview['images'];

function PreviewImage({ image, images }: { image: ImportImageRef; images: Images }) {
  const file = images.find((i) => i.name === image.file);
  return (
    <Stack gap={2}>
      {file && <Image src={file.dataUrl} alt={image.alt} maw={160} mah={120} fit="contain" radius="sm" w="auto" />}
      <Text size="xs" c={image.alt ? 'gray.7' : 'red.9'}>
        {image.file}: {image.alt ? `alt text “${image.alt}”` : 'no alt text yet (you will be asked to add it)'}
      </Text>
    </Stack>
  );
}

function QuestionItem({
  question,
  number,
  images,
  headingOrder,
}: {
  question: ImportQuestion;
  number: number;
  images: Images;
  headingOrder: 3;
}) {
  return (
    <Paper withBorder p="sm" radius="sm" component="li" style={{ listStyle: 'none' }}>
      <Stack gap="xs">
        <Group gap="xs" wrap="wrap" align="baseline">
          <Title order={headingOrder} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {number}. {question.name}
          </Title>
          <Badge variant="light" color="gray" size="sm">
            {KIND_LABELS[question.kind]}
          </Badge>
        </Group>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {question.text}
        </Text>
        {question.image && <PreviewImage image={question.image} images={images} />}
        <List size="sm" spacing={4} aria-label={`Answers of question ${number}`}>
          {question.answers.map((answer, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the preview never reorders answers.
            <List.Item key={i}>
              <Text span fw={answer.fraction > 0 ? 600 : 400} size="sm" style={{ overflowWrap: 'anywhere' }}>
                {answer.text}
              </Text>{' '}
              <Text
                span
                size="sm"
                c={answer.fraction < 0 ? 'red.9' : answer.fraction > 0 ? undefined : 'gray.7'}
                fw={answer.fraction > 0 ? 600 : 400}
              >
                ({fractionLabel(answer.fraction)})
              </Text>
              {answer.feedback && (
                <Text size="xs" c="gray.7">
                  Feedback: {answer.feedback}
                </Text>
              )}
              {answer.image && <PreviewImage image={answer.image} images={images} />}
            </List.Item>
          ))}
        </List>
        {question.generalFeedback && (
          <Text size="xs" c="gray.7" style={{ overflowWrap: 'anywhere' }}>
            General feedback: {question.generalFeedback}
          </Text>
        )}
        {question.problems.length > 0 && (
          <Stack gap={2}>
            <Text size="sm" fw={600}>
              To check after importing:
            </Text>
            <List size="sm" spacing={2}>
              {question.problems.map((p) => (
                <List.Item key={p.message}>
                  <Text span size="sm" c={p.severity === 'error' ? 'red.9' : 'orange.9'}>
                    {p.severity === 'error' ? 'Must fix: ' : 'Note: '}
                    {p.message}
                  </Text>
                </List.Item>
              ))}
            </List>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

function questionCount(categories: readonly ImportCategoryView[]): number {
  return categories.reduce((n, c) => n + c.questions.length + questionCount(c.children), 0);
}

export function ImportPreviewList({ preview }: { preview: ImportPreview }) {
  const skippedHeading = useId();
  let counter = 0;
  const next = () => {
    counter += 1;
    return counter;
  };
  const questions = (list: readonly ImportQuestion[]) =>
    list.length > 0 && (
      <Stack component="ul" gap="xs" p={0} m={0}>
        {list.map((q) => {
          const n = next();
          return <QuestionItem key={n} question={q} number={n} images={preview.images} headingOrder={3} />;
        })}
      </Stack>
    );
  const category = (c: ImportCategoryView, depth: number, path: string) => (
    <Stack
      key={path}
      gap="xs"
      component="section"
      aria-label={`Category ${c.name}`}
      pl={depth > 1 ? 'sm' : 0}
      style={depth > 1 ? { borderLeft: '2px solid var(--mantine-color-gray-3)' } : undefined}
    >
      <Text fw={700} size="sm" style={{ overflowWrap: 'anywhere' }}>
        Category: {c.name}{' '}
        <Text span c="gray.7" size="sm">
          ({questionCount([c])} {questionCount([c]) === 1 ? 'question' : 'questions'})
        </Text>
      </Text>
      {questions(c.questions)}
      {c.children.map((child, i) => category(child, depth + 1, `${path}.${i}`))}
    </Stack>
  );
  return (
    <Stack gap="md">
      {preview.notes.length > 0 && (
        <List size="sm">
          {preview.notes.map((n) => (
            <List.Item key={n}>{n}</List.Item>
          ))}
        </List>
      )}
      {questions(preview.questions)}
      {preview.categories.map((c, i) => category(c, 1, String(i)))}
      {preview.skipped.length > 0 && (
        <Stack gap="xs" component="section" aria-labelledby={skippedHeading}>
          <Title order={3} size="sm" id={skippedHeading}>
            Not imported ({preview.skipped.length})
          </Title>
          <List size="sm" spacing={4}>
            {preview.skipped.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: two skipped questions may share a name.
              <List.Item key={i}>
                <Text span size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                  {s.name}
                </Text>{' '}
                <Text span size="sm" c="gray.7">
                  ({s.kind})
                </Text>
                : {s.reason}
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
    </Stack>
  );
}
