// A category's questions: one row each (open to edit, preview, move up/down or drag), reordered by
// keyboard with the move buttons or with dnd-kit's keyboard sensor (space, arrows, space), or by mouse.
import { ActionIcon, Badge, Button, Group, Paper, Stack, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { memo, use, useMemo } from 'react';
import type { Question } from '../../../shared/quiz.ts';
import { moveQuestion } from '../../../shared/quiz-editing.ts';
import { SortableArea, useSortableItem } from '../sortable/SortableArea.tsx';
import { focusKey, keyOf, marks, OpenQuestionsContext, QuestionNumbersContext, useEditor } from './context.tsx';
import { countLabel, type EditorProblem, WARNING_COLOR } from './problems.ts';
import { excerpt, KIND_LABELS, QuestionEditor } from './QuestionEditor.tsx';
import classes from './test-editor.module.css';

interface QuestionListProps {
  categoryId: string;
  categoryName: string;
  questions: Question[];
  /** e.g. `categories.0`. */
  categoryPath: string;
  /** Where focus goes when the last question is deleted. */
  emptyFocus: string;
}

export function QuestionList({ categoryId, categoryName, questions, categoryPath, emptyFocus }: QuestionListProps) {
  const { update, requestFocus, problemsWithin } = useEditor();
  const openIds = use(OpenQuestionsContext);
  const numbers = use(QuestionNumbersContext);
  // The same array while the order is the same: a new one would re-render every sortable row.
  const idList = questions.map((q) => q.id).join(' ');
  const ids = useMemo(() => (idList ? idList.split(' ') : []), [idList]);
  // Numbered across the whole test, so "Question 7" names one question wherever it sits.
  const nameOf = (id: string) => `Question ${numbers.get(id) ?? ''}`;

  function onMove(id: string, to: number) {
    update((set) => moveQuestion(set, id, to));
    requestFocus(keyOf('question', id, 'drag'));
  }

  if (questions.length === 0) {
    return <Text size="sm">No questions in this category yet.</Text>;
  }
  return (
    <SortableArea ids={ids} nameOf={nameOf} onMove={onMove}>
      <Stack component="ol" gap={2} p={0} m={0} style={{ listStyle: 'none' }}>
        {questions.map((question, index) => {
          const neighbour = questions[index + 1] ?? questions[index - 1];
          const path = `${categoryPath}.questions.${index}`;
          return (
            <QuestionRow
              key={question.id}
              question={question}
              index={index}
              number={numbers.get(question.id) ?? index + 1}
              count={questions.length}
              path={path}
              categoryId={categoryId}
              categoryName={categoryName}
              open={openIds.has(question.id)}
              problems={problemsWithin(path)}
              afterDeleteFocus={neighbour ? keyOf('question', neighbour.id, 'toggle') : emptyFocus}
            />
          );
        })}
      </Stack>
    </SortableArea>
  );
}

interface QuestionRowProps {
  question: Question;
  index: number;
  /** Its number across the whole test. */
  number: number;
  count: number;
  path: string;
  categoryId: string;
  categoryName: string;
  open: boolean;
  /** This question's problems (the same array while they do not change). */
  problems: readonly EditorProblem[];
  /** Where focus goes when the question is deleted. */
  afterDeleteFocus: string;
}

/** Memoized: typing in one question re-renders that row only, not all of them. */
const QuestionRow = memo(function QuestionRow({
  question,
  index,
  number,
  count,
  path,
  categoryId,
  categoryName,
  open,
  problems: own,
  afterDeleteFocus,
}: QuestionRowProps) {
  const { setOpen, preview, update, announce, requestFocus } = useEditor();
  const { itemProps, handleProps, isDragging } = useSortableItem(question.id);
  const name = `Question ${number}`;
  const panelId = `question-panel-${question.id}`;
  const problemCount = countLabel(own);

  function onMove(to: number) {
    update((set) => moveQuestion(set, question.id, to));
    announce(`${name} moved to position ${to + 1} of ${count} in ${categoryName}.`);
    const direction = to < index ? 'up' : 'down';
    requestFocus(
      keyOf('question', question.id, direction),
      keyOf('question', question.id, direction === 'up' ? 'down' : 'up'),
    );
  }
  const hasErrors = own.some((p) => p.severity === 'error');

  return (
    <li {...itemProps}>
      <Paper withBorder radius="sm" className={classes.row} shadow={isDragging ? 'md' : undefined}>
        <Group gap="xs" wrap="nowrap" align="center" className={classes.rowLine}>
          {/* 26 px: compact rows (a collapsed test of 30 questions fits two screens), still above 24 px targets. */}
          <ActionIcon
            size={26}
            {...handleProps}
            variant="subtle"
            color="gray"
            aria-label={`Drag ${name.toLowerCase()} to reorder it`}
            {...focusKey('question', question.id, 'drag')}
          >
            <span aria-hidden="true">⠿</span>
          </ActionIcon>
          <UnstyledButton
            className={classes.rowToggle}
            aria-expanded={open}
            aria-controls={open ? panelId : undefined}
            onClick={() => setOpen(question.id, !open)}
            {...marks(path, 'question', question.id, 'toggle')}
          >
            <Text fw={600} size="sm" component="span" className={classes.rowTitle}>
              {name}: {excerpt(question.text)}
            </Text>
            <Text size="xs" c="dimmed" component="span" className={classes.rowMeta}>
              {KIND_LABELS[question.kind]} · {question.answers.length} answers{question.image ? ' · image' : ''}
            </Text>
          </UnstyledButton>
          {problemCount && (
            <Badge color={hasErrors ? 'red.9' : WARNING_COLOR} variant="outline" tt="none" style={{ flexShrink: 0 }}>
              {problemCount}
            </Badge>
          )}
          <Button variant="default" size="compact-sm" onClick={() => preview(question, name)}>
            Preview<VisuallyHidden> {name.toLowerCase()}</VisuallyHidden>
          </Button>
          <ActionIcon
            size={26}
            variant="default"
            aria-label={`Move ${name.toLowerCase()} up`}
            disabled={index === 0}
            onClick={() => onMove(index - 1)}
            {...focusKey('question', question.id, 'up')}
          >
            <span aria-hidden="true">↑</span>
          </ActionIcon>
          <ActionIcon
            size={26}
            variant="default"
            aria-label={`Move ${name.toLowerCase()} down`}
            disabled={index === count - 1}
            onClick={() => onMove(index + 1)}
            {...focusKey('question', question.id, 'down')}
          >
            <span aria-hidden="true">↓</span>
          </ActionIcon>
        </Group>
        {open && (
          <div id={panelId}>
            <Stack mt="sm" className={classes.questionPanel}>
              <QuestionEditor
                question={question}
                path={path}
                categoryId={categoryId}
                name={name}
                afterDeleteFocus={[afterDeleteFocus]}
              />
            </Stack>
          </div>
        )}
      </Paper>
    </li>
  );
});
