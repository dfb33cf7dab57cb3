// A question's answers: text, image, grade and feedback each, added, removed and reordered. Grading
// is plain by default: single choice has a "correct" radio per answer (one click moves it), multiple
// choice "correct" checkboxes that share 100% equally; Moodle's grade menus (partial credit,
// penalties) are the "advanced grading" option, on by itself for a question that uses them.
// True/false asks which answer is right, all-or-nothing whether each is correct. A problem about
// the grades together is shown once above the answers and describes every grade control.
import {
  ActionIcon,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Paper,
  Radio,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import type { Answer, Question } from '../../../shared/quiz.ts';
import {
  addAnswer,
  MAX_ANSWERS,
  MIN_ANSWERS,
  moveAnswer,
  hasSimpleGrading,
  removeAnswer,
  setCorrectAnswers,
  setOnlyCorrect,
  simplifyGrading,
  updateAnswer,
} from '../../../shared/quiz-editing.ts';
import { useState } from 'react';
import { draftPath, focusKey, keyOf, useEditor } from './context.tsx';
import { FractionSelect } from './fields.tsx';
import { ImageField } from './images.tsx';
import { WARNING_COLOR } from './problems.ts';
import classes from './test-editor.module.css';

const TEXT_MAX = 1000;
const FEEDBACK_MAX = 2000;

interface AnswersEditorProps {
  question: Question;
  /** e.g. `categories.0.questions.2`. */
  path: string;
  change: (change: (question: Question) => Question) => void;
}

export function AnswersEditor({ question, path, change }: AnswersEditorProps) {
  const editor = useEditor();
  const { requestFocus, announce, touchAnswer } = editor;
  const problems = editor.problems();
  const listPath = `${path}.answers`;
  const listProblems = problems.at(listPath);
  const listError = listProblems.find((p) => p.severity === 'error')?.message;
  const listMessage = listProblems.map((p) => p.message).join(' ') || undefined;
  const listMessageId = `answers-problem-${question.id}`;
  const trueFalse = question.kind === 'true-false';
  const allOrNothing = question.kind === 'multiple' && question.allOrNothing;
  const count = question.answers.length;
  const gradable = !trueFalse && !allOrNothing;
  // Advanced grading stays on once chosen; a question that needs it (imported, partial credit) opens with it.
  const [advancedChosen, setAdvancedChosen] = useState(false);
  const advanced = gradable && (advancedChosen || !hasSimpleGrading(question));
  const singleCorrect = gradable && !advanced && question.kind === 'single';
  const multipleCorrect = gradable && !advanced && question.kind === 'multiple';
  const correctIds = question.answers.filter((a) => a.fraction > 0).map((a) => a.id);

  function setAdvanced(on: boolean) {
    setAdvancedChosen(on);
    if (!on && !hasSimpleGrading(question)) {
      change((q) => simplifyGrading(q));
      announce('Grades simplified: partial credit and penalties were removed.');
    }
  }

  function move(answer: Answer, index: number, to: number) {
    change((q) => moveAnswer(q, answer.id, to));
    announce(`Answer moved to position ${to + 1} of ${count}.`);
    const direction = to < index ? 'up' : 'down';
    requestFocus(keyOf('answer', answer.id, direction), keyOf('answer', answer.id, direction === 'up' ? 'down' : 'up'));
  }

  function remove(answer: Answer, index: number) {
    change((q) => removeAnswer(q, answer.id));
    announce(`Answer ${index + 1} removed.`);
    const neighbour = question.answers[index + 1] ?? question.answers[index - 1];
    requestFocus(neighbour ? keyOf('answer', neighbour.id, 'text') : keyOf('answers', question.id, 'add'));
  }

  function add() {
    change((q) => addAnswer(q));
    requestFocus(keyOf('answers', question.id, 'last'));
  }

  return (
    <Fieldset legend="Answers" className={classes.answers} aria-describedby={listMessage ? listMessageId : undefined}>
      <Stack gap="sm">
        {listMessage && (
          <Text id={listMessageId} c={listError ? 'red.9' : WARNING_COLOR} size="sm">
            {listMessage}
          </Text>
        )}
        {gradable && (
          <Switch
            label="Advanced grading"
            description="Moodle's grade menus: partial credit for an answer, penalties for wrong ones."
            checked={advanced}
            onChange={(e) => setAdvanced(e.currentTarget.checked)}
          />
        )}
        {trueFalse && (
          <Radio.Group
            label="Correct answer"
            value={question.answers.find((a) => a.fraction > 0)?.id ?? null}
            onChange={(id) => change((q) => setOnlyCorrect(q, id))}
            error={listError}
          >
            <Group mt="xs">
              {question.answers.map((answer) => (
                <Radio key={answer.id} value={answer.id} label={answer.text} />
              ))}
            </Group>
          </Radio.Group>
        )}
        {question.answers.map((answer, index) => {
          const aPath = `${listPath}.${index}`;
          const n = index + 1;
          const last = index === count - 1;
          return (
            <Paper key={answer.id} withBorder radius="sm" className={classes.answer}>
              <Stack gap="xs">
                <Group align="flex-start" wrap="wrap" gap="sm">
                  <div style={{ flex: '1 1 16rem' }}>
                    {/* Plain: a new answer starts empty, and an empty text is saved as it is. */}
                    <TextInput
                      label={`Answer ${n}`}
                      value={answer.text}
                      onChange={(e) => {
                        const text = e.currentTarget.value;
                        change((q) => updateAnswer(q, answer.id, (a) => ({ ...a, text })));
                      }}
                      onBlur={() => touchAnswer(answer.id)}
                      maxLength={TEXT_MAX}
                      error={problems.errorAt(`${aPath}.text`)}
                      // A warning does not make the field invalid: it is said with the description.
                      description={problems.warningAt(`${aPath}.text`)}
                      {...draftPath(`${aPath}.text`)}
                      // The last answer's text is also where "Add an answer" sends focus.
                      data-focus-key={
                        last
                          ? `${keyOf('answer', answer.id, 'text')} ${keyOf('answers', question.id, 'last')}`
                          : keyOf('answer', answer.id, 'text')
                      }
                    />
                  </div>
                  {singleCorrect && (
                    <Radio
                      mt="xl"
                      name={`correct-${question.id}`}
                      label={`Answer ${n} is correct`}
                      checked={answer.fraction > 0}
                      onChange={() => change((q) => setOnlyCorrect(q, answer.id))}
                      description={listMessage ? <VisuallyHidden>{listMessage}</VisuallyHidden> : undefined}
                    />
                  )}
                  {multipleCorrect && (
                    <Checkbox
                      mt="xl"
                      label={`Answer ${n} is correct`}
                      checked={answer.fraction > 0}
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        const ids = on ? [...correctIds, answer.id] : correctIds.filter((id) => id !== answer.id);
                        change((q) => setCorrectAnswers(q, ids));
                      }}
                      description={listMessage ? <VisuallyHidden>{listMessage}</VisuallyHidden> : undefined}
                    />
                  )}
                  {advanced && (
                    <FractionSelect
                      label={`Grade for answer ${n}`}
                      fraction={answer.fraction}
                      onChange={(fraction) => change((q) => updateAnswer(q, answer.id, (a) => ({ ...a, fraction })))}
                      error={problems.errorAt(`${aPath}.fraction`)}
                      groupProblem={listMessage}
                      // A problem about all the grades (`…answers`) lands on the first grade.
                      focus={draftPath(index === 0 ? listPath : `${aPath}.fraction`)}
                    />
                  )}
                  {allOrNothing && (
                    <Checkbox
                      mt="xl"
                      label={`Answer ${n} is correct`}
                      checked={answer.fraction > 0}
                      onChange={(e) => {
                        const fraction = e.currentTarget.checked ? 1 : 0;
                        change((q) => updateAnswer(q, answer.id, (a) => ({ ...a, fraction })));
                      }}
                      description={listMessage ? <VisuallyHidden>{listMessage}</VisuallyHidden> : undefined}
                    />
                  )}
                </Group>
                <Textarea
                  label={`Feedback for answer ${n}`}
                  description="Shown to a learner who chose this answer, if the review settings show feedback."
                  value={answer.feedback}
                  maxLength={FEEDBACK_MAX}
                  autosize
                  minRows={1}
                  maxRows={6}
                  onChange={(e) => {
                    const feedback = e.currentTarget.value;
                    change((q) => updateAnswer(q, answer.id, (a) => ({ ...a, feedback })));
                  }}
                />
                <ImageField
                  ownerId={answer.id}
                  legend={`Image for answer ${n}`}
                  subject={`answer ${n}`}
                  image={answer.image}
                  altPath={`${aPath}.image.alt`}
                  onChange={(image) => change((q) => updateAnswer(q, answer.id, (a) => ({ ...a, image })))}
                />
                {!trueFalse && (
                  <Group gap="xs" justify="flex-end">
                    <ActionIcon
                      variant="default"
                      aria-label={`Move answer ${n} up`}
                      disabled={index === 0}
                      onClick={() => move(answer, index, index - 1)}
                      {...focusKey('answer', answer.id, 'up')}
                    >
                      <span aria-hidden="true">↑</span>
                    </ActionIcon>
                    <ActionIcon
                      variant="default"
                      aria-label={`Move answer ${n} down`}
                      disabled={last}
                      onClick={() => move(answer, index, index + 1)}
                      {...focusKey('answer', answer.id, 'down')}
                    >
                      <span aria-hidden="true">↓</span>
                    </ActionIcon>
                    <Button
                      variant="subtle"
                      color="red"
                      size="xs"
                      disabled={count <= MIN_ANSWERS}
                      onClick={() => remove(answer, index)}
                    >
                      Remove answer {n}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Paper>
          );
        })}
        {!trueFalse && (
          <Group>
            <Button
              variant="default"
              size="xs"
              onClick={add}
              disabled={count >= MAX_ANSWERS}
              {...focusKey('answers', question.id, 'add')}
            >
              Add an answer
            </Button>
            {count >= MAX_ANSWERS && <Text size="sm">A question has at most {MAX_ANSWERS} answers.</Text>}
          </Group>
        )}
      </Stack>
    </Fieldset>
  );
}
