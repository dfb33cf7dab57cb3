// Every problem of the test in one list, each named by where it is, with a button that opens the
// question and puts the cursor in the field to fix. The same problems are also shown at their fields.
import { Alert, Button, List, Text, VisuallyHidden } from '@mantine/core';
import { useEditor, useEditorState } from './context.tsx';
import { countLabel, type EditorProblem, locate, WARNING_COLOR } from './problems.ts';

const SHOWN = 10;

export function ProblemSummary() {
  const { setOpen, requestFocus } = useEditor();
  const { testSet, problems } = useEditorState();
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
      // Warnings only: an outline in a colour dark enough for its text (Mantine's light orange is not).
      color={errors.length ? 'red' : WARNING_COLOR}
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
