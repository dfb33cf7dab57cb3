// One category: its name, how many questions an attempt draws from it (out of what it has), its
// questions, buttons to add each kind of question, and its subcategories (nested up to the limit).
// Categories move up and down among their siblings (buttons, or dragged by keyboard or mouse);
// deleting one asks first.
import { ActionIcon, Box, Button, Group, Paper, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { memo, useMemo } from 'react';
import { MAX_CATEGORY_DEPTH, QUESTION_KINDS, type QuestionKind, type QuizCategory } from '../../../shared/quiz.ts';
import {
  addCategory,
  addQuestion,
  moveCategory,
  newCategory,
  newQuestion,
  questionsInTree,
  removeCategory,
  updateCategory,
} from '../../../shared/quiz-editing.ts';
import { availableQuestions } from '../../../shared/quiz-rules.ts';
import { SortableArea, useSortableItem } from '../sortable/SortableArea.tsx';
import { draftPath, focusKey, keyOf, marks, useEditor } from './context.tsx';
import { NumberField, RequiredText } from './fields.tsx';
import { type EditorProblem, WARNING_COLOR } from './problems.ts';
import { KIND_LABELS } from './QuestionEditor.tsx';
import { QuestionList } from './QuestionList.tsx';
import classes from './test-editor.module.css';

const NAME_MAX = 200;
type HeadingOrder = 2 | 3 | 4 | 5 | 6;

interface CategoryEditorProps {
  category: QuizCategory;
  /** e.g. `categories.0.children.1`. */
  path: string;
  /** 1 = top level. */
  depth: number;
  index: number;
  siblingCount: number;
  /** Where focus goes when this category is deleted: a sibling's or the parent's heading, or the add button. */
  afterDeleteFocus: string;
  /** The heading level of a top-level category. */
  headingOrder: HeadingOrder;
  /** Problems in this category and everything inside it (the same array while they do not change). */
  problems: readonly EditorProblem[];
}

/** Memoized: an edit elsewhere does not re-render this category (its object stays the same). */
const CategoryEditor = memo(function CategoryEditor({
  category,
  path,
  depth,
  index,
  siblingCount,
  afterDeleteFocus,
  headingOrder,
}: CategoryEditorProps) {
  const editor = useEditor();
  const { update, requestFocus, announce, confirm, setOpen } = editor;
  const problems = editor.problems();
  const headingId = `category-heading-${category.id}`;
  const order = Math.min(6, headingOrder + depth - 1) as HeadingOrder;
  const available = availableQuestions(category);
  const own = [...problems.at(path), ...problems.at(`${path}.id`)];
  const canNest = depth < MAX_CATEGORY_DEPTH;
  const headingKey = keyOf('category', category.id, 'heading');
  const { itemProps, handleProps, isDragging } = useSortableItem(category.id);

  function rename(name: string) {
    update((set) => updateCategory(set, category.id, (c) => ({ ...c, name })));
  }

  function setDrawCount(drawCount: number | null) {
    update((set) => updateCategory(set, category.id, (c) => ({ ...c, drawCount })));
  }

  function move(to: number) {
    update((set) => moveCategory(set, category.id, to));
    announce(`Category ${category.name} moved to position ${to + 1} of ${siblingCount}.`);
    const direction = to < index ? 'up' : 'down';
    requestFocus(
      keyOf('category', category.id, direction),
      keyOf('category', category.id, direction === 'up' ? 'down' : 'up'),
    );
  }

  function addKind(kind: QuestionKind) {
    const question = newQuestion(kind);
    update((set) => addQuestion(set, category.id, question));
    setOpen(question.id, true);
    announce(`${KIND_LABELS[kind]} question added to ${category.name}.`);
    requestFocus(keyOf('question', question.id, 'text'));
  }

  function addSubcategory() {
    const child = newCategory();
    update((set) => addCategory(set, category.id, child));
    announce(`Subcategory added to ${category.name}.`);
    requestFocus(keyOf('category', child.id, 'name'));
  }

  function remove() {
    const questionCount = questionsInTree(category);
    const subcategories = category.children.length;
    const parts = [
      questionCount === 1 ? '1 question' : `${questionCount} questions`,
      ...(subcategories ? [subcategories === 1 ? '1 subcategory' : `${subcategories} subcategories`] : []),
    ];
    confirm({
      title: `Delete the category ${category.name}?`,
      message: `Deleting it also deletes ${parts.join(' and ')}.`,
      confirmLabel: 'Delete the category',
      cancelLabel: 'Keep it',
      onConfirm: () => {
        update((set) => removeCategory(set, category.id));
        announce(`Category ${category.name} deleted.`);
        requestFocus(afterDeleteFocus);
      },
    });
  }

  return (
    <Paper
      {...itemProps}
      component="section"
      aria-labelledby={headingId}
      withBorder
      className={classes.category}
      radius="md"
      bg={depth % 2 === 0 ? 'gray.0' : undefined}
      shadow={isDragging ? 'md' : undefined}
      style={{ ...itemProps.style, position: 'relative', zIndex: isDragging ? 2 : undefined }}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="center" wrap="wrap" gap="xs">
          <Title
            order={order}
            id={headingId}
            tabIndex={-1}
            size="h4"
            {...focusKey('category', category.id, 'heading')}
            {...draftPath(path)}
          >
            {category.name}
            <VisuallyHidden>{depth > 1 ? ` (subcategory, level ${depth})` : ''}</VisuallyHidden>
          </Title>
          <Group gap="xs" wrap="nowrap">
            <ActionIcon
              {...handleProps}
              variant="subtle"
              color="gray"
              aria-label={`Drag category ${category.name} to reorder it`}
              {...focusKey('category', category.id, 'drag')}
            >
              <span aria-hidden="true">⠿</span>
            </ActionIcon>
            <ActionIcon
              variant="default"
              aria-label={`Move category ${category.name} up`}
              disabled={index === 0}
              onClick={() => move(index - 1)}
              {...focusKey('category', category.id, 'up')}
            >
              <span aria-hidden="true">↑</span>
            </ActionIcon>
            <ActionIcon
              variant="default"
              aria-label={`Move category ${category.name} down`}
              disabled={index === siblingCount - 1}
              onClick={() => move(index + 1)}
              {...focusKey('category', category.id, 'down')}
            >
              <span aria-hidden="true">↓</span>
            </ActionIcon>
            <Button variant="subtle" color="red" size="xs" onClick={remove}>
              Delete category<VisuallyHidden> {category.name}</VisuallyHidden>
            </Button>
          </Group>
        </Group>
        {own.map((p) => (
          <Text key={`${p.path}:${p.code}`} size="sm" c={p.severity === 'error' ? 'red.9' : WARNING_COLOR}>
            {p.message}
          </Text>
        ))}
        <Group align="flex-start" grow className={classes.pair}>
          <RequiredText
            label="Category name"
            value={category.name}
            onCommit={rename}
            maxLength={NAME_MAX}
            requiredMessage="A category needs a name."
            error={problems.errorAt(`${path}.name`)}
            focus={marks(`${path}.name`, 'category', category.id, 'name')}
          />
          <NumberField
            label="Questions drawn per attempt"
            value={category.drawCount}
            onCommit={setDrawCount}
            min={1}
            emptyMeans="all of them"
            description={`${available} available${category.children.length ? ', subcategories included' : ''}.`}
            error={problems.errorAt(`${path}.drawCount`)}
            focus={marks(`${path}.drawCount`, 'category', category.id, 'draw')}
          />
        </Group>
        <QuestionList
          categoryId={category.id}
          categoryName={category.name}
          questions={category.questions}
          categoryPath={path}
          emptyFocus={headingKey}
        />
        <Group gap="xs" role="group" aria-label={`Add a question to ${category.name}`}>
          <Text size="sm" aria-hidden="true">
            Add a question:
          </Text>
          {QUESTION_KINDS.map((kind) => (
            <Button key={kind} variant="light" size="xs" onClick={() => addKind(kind)}>
              {KIND_LABELS[kind]}
            </Button>
          ))}
        </Group>
        {category.children.length > 0 && (
          <Box className={classes.subcategories}>
            <CategoryList
              categories={category.children}
              pathPrefix={`${path}.children`}
              depth={depth + 1}
              headingOrder={headingOrder}
              emptyFocus={headingKey}
            />
          </Box>
        )}
        {canNest ? (
          <Group>
            <Button variant="default" size="xs" onClick={addSubcategory}>
              Add a subcategory<VisuallyHidden> to {category.name}</VisuallyHidden>
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Categories can be nested at most {MAX_CATEGORY_DEPTH} deep, so this one cannot have subcategories.
          </Text>
        )}
      </Stack>
    </Paper>
  );
});

interface CategoryListProps {
  categories: QuizCategory[];
  /** `categories`, or a parent's path + `.children`. */
  pathPrefix: string;
  depth: number;
  headingOrder: HeadingOrder;
  emptyFocus: string;
}

/** Sibling categories, sortable by dragging their handles (keyboard: space, arrows, space). */
export function CategoryList({ categories, pathPrefix, depth, headingOrder, emptyFocus }: CategoryListProps) {
  const { update, requestFocus, problemsWithin } = useEditor();
  // The same array while the order is the same: a new one would re-render every sortable category.
  const idList = categories.map((c) => c.id).join(' ');
  const ids = useMemo(() => (idList ? idList.split(' ') : []), [idList]);
  const nameOf = (id: string) => `Category ${categories.find((c) => c.id === id)?.name ?? ''}`;

  function onMove(id: string, to: number) {
    update((set) => moveCategory(set, id, to));
    requestFocus(keyOf('category', id, 'drag'));
  }

  return (
    <SortableArea ids={ids} nameOf={nameOf} onMove={onMove}>
      <Stack gap="sm">
        {categories.map((category, index) => {
          const path = `${pathPrefix}.${index}`;
          const neighbour = categories[index + 1] ?? categories[index - 1];
          return (
            <CategoryEditor
              key={category.id}
              category={category}
              path={path}
              depth={depth}
              index={index}
              siblingCount={categories.length}
              afterDeleteFocus={neighbour ? keyOf('category', neighbour.id, 'heading') : emptyFocus}
              headingOrder={headingOrder}
              problems={problemsWithin(path)}
            />
          );
        })}
      </Stack>
    </SortableArea>
  );
}
