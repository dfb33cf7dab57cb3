// Test: the test set of the course (questions in categories, settings). The editor itself is its
// own component (src/web/components/test-editor); until it is part of the app this step says what
// the draft holds.
import { Stack, Switch, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { allQuestions } from '../../../shared/quiz.ts';
import { useFocusRequestedPath } from '../../components/wizard/focus-path.ts';
import { useWizard } from '../../components/wizard/wizard-context.tsx';
import classes from '../../components/wizard/wizard.module.css';

export function TestStep() {
  const { saver, snapshot, problems } = useWizard();
  const { test } = snapshot.content;
  const ids = useId();
  useFocusRequestedPath();
  const questionCount = allQuestions(test.categories).length;
  const own = problems?.filter((p) => p.step === 'test') ?? [];
  return (
    <Stack gap="md" component="section" aria-labelledby={`${ids}-heading`}>
      <Title order={2} size="h3" id={`${ids}-heading`}>
        Test
      </Title>
      <Text>
        {test.settings.enabled
          ? `The test has ${questionCount === 1 ? '1 question' : `${questionCount} questions`} in ${
              test.categories.length === 1 ? '1 category' : `${test.categories.length} categories`
            }; learners pass at ${test.settings.passMarkPercent}%.`
          : 'This course has no test.'}
      </Text>
      <Switch
        label="Learners take a test to complete the course"
        checked={test.settings.enabled}
        onChange={(event) => {
          const latest = saver.getSnapshot().content.test;
          saver.update('test', { ...latest, settings: { ...latest.settings, enabled: event.currentTarget.checked } });
        }}
        data-path="test.categories"
      />
      <Text c="dimmed">The question editor is not available in this version yet.</Text>
      {own.length > 0 && (
        <ul>
          {own.map((problem) => (
            <li key={`${problem.path}:${problem.code}`}>
              <Text
                size="sm"
                c={problem.severity === 'error' ? 'red.9' : undefined}
                className={problem.severity === 'warning' ? classes.warningText : undefined}
              >
                {problem.message}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </Stack>
  );
}
