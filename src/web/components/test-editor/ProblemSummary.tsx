// Every problem of the test in one list, each named by where it is, with a button that opens the
// question and puts the cursor in the field to fix. The same problems are also shown at their fields.
import { Alert, Button, List, Text, VisuallyHidden } from '@mantine/core';
import { categoryLocations } from '../../../shared/quiz-editing.ts';
import type { TestSet } from '../../../shared/quiz.ts';
import { keyOf, useEditor } from './context.tsx';
import { countLabel, type EditorProblem } from './problems.ts';

const SHOWN = 10;

interface Located {
  /** "Category Basics › question 2 › answer 3". */
  where: string;
  /** The question to open, if the problem is inside one. */
  questionId: string | null;
  /** Focus keys, best first. */
  focus: string[];
}

/** Where a problem's path points, in words and as focus keys (see the editor's focusKey marks). */
export function locate(testSet: TestSet, path: string): Located {
  if (path.startsWith('settings')) return { where: 'Test settings', questionId: null, focus: [] };
  const categories = categoryLocations(testSet.categories);
  // The deepest category whose path starts the problem's path.
  const category = categories
    .filter((l) => path === l.path || path.startsWith(`${l.path}.`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!category) return { where: 'The test', questionId: null, focus: [keyOf('categories', 'add')] };
  const where = [`Category ${category.trail.join(' › ')}`];
  const rest = path.slice(category.path.length + 1).split('.');
  const categoryKey = (part: string) => keyOf('category', category.category.id, part);
  if (rest[0] !== 'questions') {
    const field = rest[0] === 'name' ? 'name' : rest[0] === 'drawCount' ? 'draw' : 'heading';
    return { where: where.join(''), questionId: null, focus: [categoryKey(field), categoryKey('heading')] };
  }
  const qIndex = Number(rest[1]);
  const question = category.category.questions[qIndex];
  if (!question) return { where: where.join(''), questionId: null, focus: [categoryKey('heading')] };
  where.push(`question ${qIndex + 1}`);
  const toggle = keyOf('question', question.id, 'toggle');
  const [, , field, aIndexText, answerField] = rest;
  if (field === 'text')
    return {
      where: where.join(' › '),
      questionId: question.id,
      focus: [keyOf('question', question.id, 'text'), toggle],
    };
  if (field === 'image')
    return {
      where: `${where.join(' › ')} › image`,
      questionId: question.id,
      focus: [keyOf('image', question.id, 'alt'), toggle],
    };
  if (field === 'answers') {
    const aIndex = Number(aIndexText);
    const answer = aIndexText === undefined ? question.answers[0] : question.answers[aIndex];
    if (aIndexText !== undefined) where.push(`answer ${aIndex + 1}`);
    else where.push('answers');
    const answerKey = answer
      ? answerField === 'image'
        ? keyOf('image', answer.id, 'alt')
        : keyOf('answer', answer.id, 'text')
      : toggle;
    return { where: where.join(' › '), questionId: question.id, focus: [answerKey, toggle] };
  }
  return { where: where.join(' › '), questionId: question.id, focus: [keyOf('question', question.id, 'kind'), toggle] };
}

export function ProblemSummary() {
  const { testSet, problems, setOpen, requestFocus } = useEditor();
  const all = problems.all;
  if (all.length === 0) {
    return <Text size="sm">No problems: the test can be published as it is.</Text>;
  }
  const errors = all.filter((p) => p.severity === 'error');
  const ordered: EditorProblem[] = [...errors, ...all.filter((p) => p.severity === 'warning')];

  function show(problem: EditorProblem) {
    const location = locate(testSet, problem.path);
    if (location.questionId) setOpen(location.questionId, true);
    if (location.focus.length) requestFocus(...location.focus);
  }

  return (
    <Alert
      // Warnings only: an outline in a shade dark enough for its text (Mantine's light orange is not).
      color={errors.length ? 'red' : 'orange.9'}
      variant={errors.length ? 'light' : 'outline'}
      title={`${countLabel(all)}${errors.length ? ' — errors must be fixed before publishing' : ''}`}
    >
      <List size="sm" spacing={4}>
        {ordered.slice(0, SHOWN).map((problem) => {
          const location = locate(testSet, problem.path);
          return (
            <List.Item key={`${problem.path}:${problem.code}`}>
              <Text size="sm" component="span">
                <strong>{location.where}:</strong> {problem.message}{' '}
              </Text>
              {location.focus.length > 0 && (
                <Button variant="subtle" size="compact-xs" onClick={() => show(problem)}>
                  Show<VisuallyHidden> {location.where}</VisuallyHidden>
                </Button>
              )}
            </List.Item>
          );
        })}
      </List>
      {ordered.length > SHOWN && (
        <Text size="sm" mt="xs">
          And {ordered.length - SHOWN} more, shown at their questions.
        </Text>
      )}
    </Alert>
  );
}
