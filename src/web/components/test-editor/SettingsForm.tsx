// The test's settings: whether learners are offered it, pass mark, time limit, attempts, shuffling,
// and what a learner sees after submitting.
import { Group, Radio, SimpleGrid, Stack, Switch } from '@mantine/core';
import { type QuizSettings, REVIEW_POLICIES, type ReviewPolicy } from '../../../shared/quiz.ts';
import { useEditor, useEditorState } from './context.tsx';
import { NumberField } from './fields.tsx';

const REVIEW_LABELS: Record<ReviewPolicy, { label: string; description: string }> = {
  nothing: { label: 'Only that it was submitted', description: 'No score, no answers.' },
  score: { label: 'The score', description: 'The score and whether they passed.' },
  'score-and-wrong': {
    label: 'The score and which were wrong',
    description: 'Also their choices, each question marked right, partly right or wrong (not the right answers).',
  },
  'score-and-correct-answers': {
    label: 'The score and the correct answers',
    description: 'Also their choices marked right or wrong, and the right answers.',
  },
  everything: {
    label: 'Everything, with feedback',
    description: 'Also the feedback of each answer and each question’s general feedback.',
  },
};

export function SettingsForm() {
  const { update } = useEditor();
  const { testSet } = useEditorState();
  const settings = testSet.settings;
  const set = <K extends keyof QuizSettings>(key: K, value: QuizSettings[K]) =>
    update((t) => ({ ...t, settings: { ...t.settings, [key]: value } }));

  return (
    <Stack gap="md">
      <Switch
        label="Learners take this test"
        description="Turn it off to publish the course without a test (the questions are kept in the draft)."
        checked={settings.enabled}
        onChange={(e) => set('enabled', e.currentTarget.checked)}
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <NumberField
          label="Pass mark (%)"
          value={settings.passMarkPercent}
          onCommit={(value) => set('passMarkPercent', value ?? 0)}
          min={0}
          max={100}
          integer={false}
          description="The score needed to pass and get the certificate."
        />
        <NumberField
          label="Time limit (minutes)"
          value={settings.timeLimitMinutes}
          onCommit={(value) => set('timeLimitMinutes', value)}
          min={1}
          max={600}
          emptyMeans="no time limit"
        />
        <NumberField
          label="Attempts allowed"
          value={settings.attemptsAllowed}
          onCommit={(value) => set('attemptsAllowed', value)}
          min={1}
          max={100}
          emptyMeans="unlimited attempts"
        />
      </SimpleGrid>
      <Group gap="xl">
        <Switch
          label="Shuffle the questions"
          description="Each attempt shows the questions in its own order."
          checked={settings.shuffleQuestions}
          onChange={(e) => set('shuffleQuestions', e.currentTarget.checked)}
        />
        <Switch
          label="Shuffle the answers"
          description="Each attempt shows a question’s answers in its own order."
          checked={settings.shuffleAnswers}
          onChange={(e) => set('shuffleAnswers', e.currentTarget.checked)}
        />
      </Group>
      <Radio.Group
        label="After submitting, learners see"
        value={settings.review}
        onChange={(value) => set('review', value as ReviewPolicy)}
      >
        <Stack gap="xs" mt="xs">
          {REVIEW_POLICIES.map((policy) => (
            <Radio
              key={policy}
              value={policy}
              label={REVIEW_LABELS[policy].label}
              description={REVIEW_LABELS[policy].description}
            />
          ))}
        </Stack>
      </Radio.Group>
    </Stack>
  );
}
