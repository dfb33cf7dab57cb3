// One question's fields: kind, category, text (markdown), image, all-or-nothing, answers, general
// feedback; and duplicate / delete. Every edit is handed to the wizard at once.
import { Button, Group, NativeSelect, Stack, Switch, Textarea } from '@mantine/core';
import { use } from 'react';
import { QUESTION_KINDS, type Question, type QuestionKind } from '../../../shared/quiz.ts';
import {
  changeQuestionKind,
  duplicateQuestion,
  kindChangeLosesAnswers,
  moveQuestionToCategory,
  removeQuestion,
  updateQuestion,
} from '../../../shared/quiz-editing.ts';
import { AnswersEditor } from './AnswersEditor.tsx';
import { CategoryOptionsContext, focusKey, keyOf, marks, useEditor } from './context.tsx';
import { RequiredText } from './fields.tsx';
import { ImageField } from './images.tsx';
import classes from './test-editor.module.css';

const TEXT_MAX = 5000;
const FEEDBACK_MAX = 2000;

export const KIND_LABELS: Record<QuestionKind, string> = {
  single: 'Single choice',
  multiple: 'Multiple choice',
  'true-false': 'True/false',
};

interface QuestionEditorProps {
  question: Question;
  /** e.g. `categories.0.questions.2`. */
  path: string;
  categoryId: string;
  /** "Question 3" — how the question is named in labels and announcements. */
  name: string;
  /** Focus keys of the neighbours, for after a delete. */
  afterDeleteFocus: string[];
}

export function QuestionEditor({ question, path, categoryId, name, afterDeleteFocus }: QuestionEditorProps) {
  const editor = useEditor();
  const { update, requestFocus, announce, confirm, setOpen } = editor;
  const problems = editor.problems();
  const categories = use(CategoryOptionsContext);
  const change = (edit: (q: Question) => Question) => update((set) => updateQuestion(set, question.id, edit));

  function changeKind(kind: QuestionKind) {
    const apply = () => {
      change((q) => changeQuestionKind(q, kind));
      requestFocus(keyOf('question', question.id, 'kind'));
    };
    if (!kindChangeLosesAnswers(question, kind)) return apply();
    confirm({
      title: `Make ${name.toLowerCase()} a true/false question?`,
      message: 'Its answers are replaced by True and False. Their texts, images and feedback are lost.',
      confirmLabel: 'Make it true/false',
      cancelLabel: `Keep it ${KIND_LABELS[question.kind].toLowerCase()}`,
      onConfirm: apply,
    });
  }

  function moveTo(targetId: string) {
    const target = categories.find((c) => c.id === targetId);
    update((set) => moveQuestionToCategory(set, question.id, targetId));
    announce(`${name} moved to the end of ${target?.label ?? 'the category'}.`);
    requestFocus(keyOf('question', question.id, 'category'));
  }

  function duplicate() {
    let copyId: string | null = null;
    update((set) => {
      const result = duplicateQuestion(set, question.id);
      copyId = result.copyId;
      return result.testSet;
    });
    if (copyId) {
      setOpen(copyId, true);
      announce(`${name} duplicated; the copy follows it.`);
      requestFocus(keyOf('question', copyId, 'text'));
    }
  }

  function remove() {
    confirm({
      title: `Delete ${name.toLowerCase()}?`,
      message: `“${excerpt(question.text)}” and its ${question.answers.length} answers are deleted.`,
      confirmLabel: 'Delete the question',
      cancelLabel: 'Keep it',
      onConfirm: () => {
        update((set) => removeQuestion(set, question.id));
        announce(`${name} deleted.`);
        requestFocus(...afterDeleteFocus);
      },
    });
  }

  return (
    <Stack gap="sm">
      <Group align="flex-start" grow className={classes.pair}>
        <NativeSelect
          label="Question type"
          data={QUESTION_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }))}
          value={question.kind}
          onChange={(e) => changeKind(e.currentTarget.value as QuestionKind)}
          {...marks(`${path}.kind`, 'question', question.id, 'kind')}
        />
        <NativeSelect
          label="Category"
          description="Moving it puts it last in the other category."
          data={categories.map((c) => ({ value: c.id, label: c.label }))}
          value={categoryId}
          onChange={(e) => moveTo(e.currentTarget.value)}
          {...focusKey('question', question.id, 'category')}
        />
      </Group>
      <RequiredText
        multiline
        label="Question text"
        description="Markdown: **bold**, *italic*, lists, links. Use Preview to see it as learners do."
        value={question.text}
        onCommit={(text) => change((q) => ({ ...q, text }))}
        maxLength={TEXT_MAX}
        requiredMessage="A question needs a text."
        error={problems.errorAt(`${path}.text`)}
        focus={marks(`${path}.text`, 'question', question.id, 'text')}
      />
      <ImageField
        ownerId={question.id}
        legend="Question image"
        subject="the question"
        image={question.image}
        altPath={`${path}.image.alt`}
        onChange={(image) => change((q) => ({ ...q, image }))}
      />
      {question.kind === 'multiple' && (
        <Switch
          label="All or nothing"
          description="Full marks only for choosing exactly the correct answers; anything else scores nothing. Grades then only say which answers are correct."
          checked={question.allOrNothing}
          onChange={(e) => {
            const allOrNothing = e.currentTarget.checked;
            change((q) => ({ ...q, allOrNothing }));
          }}
          error={problems.errorAt(`${path}.allOrNothing`)}
        />
      )}
      <AnswersEditor question={question} path={path} change={change} />
      <Textarea
        label="General feedback"
        description="Shown to every learner after the attempt, whatever they chose, if the review settings show feedback."
        value={question.generalFeedback}
        maxLength={FEEDBACK_MAX}
        autosize
        minRows={2}
        maxRows={8}
        onChange={(e) => {
          const generalFeedback = e.currentTarget.value;
          change((q) => ({ ...q, generalFeedback }));
        }}
      />
      <Group justify="flex-end" gap="xs">
        <Button variant="default" size="xs" onClick={duplicate}>
          Duplicate {name.toLowerCase()}
        </Button>
        <Button variant="light" color="red" size="xs" onClick={remove}>
          Delete {name.toLowerCase()}
        </Button>
      </Group>
    </Stack>
  );
}

/** The first line of a question's markdown, shortened: how the question is named in lists. */
export function excerpt(text: string, max = 80): string {
  const line =
    text
      .split('\n')
      .map((l) => l.replace(/[#>*_`[\]]/g, '').trim())
      .find((l) => l !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line || '(no text)';
}
