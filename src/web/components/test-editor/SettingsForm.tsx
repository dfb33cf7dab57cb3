// The test's settings, every one the server honours: whether learners are offered it; passing and
// which attempt counts; attempts, the wait between them, the time limit and the course's close date;
// how questions are shown; and what a learner sees after submitting, and when.
import { Fieldset, NativeSelect, Radio, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import {
  type GradingMethod,
  GRADING_METHODS,
  type QuizLayout,
  QUIZ_LAYOUTS,
  type QuizSettings,
  REVIEW_POLICIES,
  REVIEW_TIMINGS,
  type ReviewPolicy,
  type ReviewTiming,
} from '../../../shared/quiz.ts';
import { useEditor, useEditorState } from './context.tsx';
import { NumberField, useBuffered } from './fields.tsx';

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

const TIMING_LABELS: Record<ReviewTiming, { label: string; description: string }> = {
  immediately: { label: 'Right after submitting', description: 'As soon as the attempt is submitted.' },
  'after-deadline': {
    label: 'Once the attempt’s time is over',
    description: 'At the attempt’s deadline (time limit or close date), so early finishers cannot pass on answers.',
  },
  'after-last-attempt': {
    label: 'After their last attempt',
    description: 'Only once the learner has no attempt left (never with unlimited attempts).',
  },
};

const GRADING_LABELS: Record<GradingMethod, string> = {
  highest: 'The highest grade',
  last: 'The last attempt',
  first: 'The first attempt',
  average: 'The average of all attempts',
};

const LAYOUT_LABELS: Record<QuizLayout, { label: string; description: string }> = {
  'one-per-page': { label: 'One question per page', description: 'With a navigator to move between questions.' },
  'all-on-one-page': { label: 'All questions on one page', description: 'One long page; suits short tests.' },
};

/** The settings that are a count or a number of minutes, where empty means "no limit". */
type LimitSetting = 'attemptsAllowed' | 'minutesBetweenAttempts' | 'timeLimitMinutes';
const LIMIT_FIELDS: { setting: LimitSetting; label: string; max: number; emptyMeans: string; description: string }[] = [
  {
    setting: 'attemptsAllowed',
    label: 'Attempts allowed',
    max: 100,
    emptyMeans: 'unlimited attempts',
    description: 'You can grant one learner more from the course’s attempts page.',
  },
  {
    setting: 'minutesBetweenAttempts',
    label: 'Wait between attempts (minutes)',
    max: 525_600,
    emptyMeans: 'no wait',
    description: 'Counted from the submission of the previous attempt.',
  },
  {
    setting: 'timeLimitMinutes',
    label: 'Time limit (minutes)',
    max: 600,
    emptyMeans: 'no time limit',
    description:
      'An attempt still open when its time is over is submitted with the answers saved. You can give one learner extra time.',
  },
];

const SHUFFLE_SWITCHES: { setting: 'shuffleQuestions' | 'shuffleAnswers'; label: string; description: string }[] = [
  {
    setting: 'shuffleQuestions',
    label: 'Shuffle the questions',
    description: 'Each attempt shows the questions in its own order.',
  },
  {
    setting: 'shuffleAnswers',
    label: 'Shuffle the answers',
    description: 'Each attempt shows a question’s answers in its own order.',
  },
];

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

      <Fieldset legend="Passing">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberField
            label="Pass mark (%)"
            value={settings.passMarkPercent}
            onCommit={(value) => set('passMarkPercent', value ?? 0)}
            min={0}
            max={100}
            integer={false}
            description="The grade needed to pass; passing the test (with the required files done) completes the course."
          />
          <NativeSelect
            label="Which attempt counts"
            description="The learner’s grade for the test, compared with the pass mark."
            data={GRADING_METHODS.map((m) => ({ value: m, label: GRADING_LABELS[m] }))}
            value={settings.gradingMethod}
            onChange={(e) => set('gradingMethod', e.currentTarget.value as GradingMethod)}
          />
        </SimpleGrid>
      </Fieldset>

      <Fieldset legend="Attempts and time">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {LIMIT_FIELDS.map(({ setting, ...field }) => (
            <NumberField
              key={setting}
              {...field}
              min={1}
              value={settings[setting]}
              onCommit={(value) => set(setting, value)}
            />
          ))}
          <CloseDateField value={settings.closesAt} onCommit={(value) => set('closesAt', value)} />
        </SimpleGrid>
      </Fieldset>

      <Fieldset legend="How questions are shown">
        <Stack gap="md">
          <Choices
            label="Layout"
            options={QUIZ_LAYOUTS}
            labels={LAYOUT_LABELS}
            value={settings.layout}
            onChange={(value) => set('layout', value)}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {SHUFFLE_SWITCHES.map(({ setting, ...labels }) => (
              <Switch
                key={setting}
                {...labels}
                checked={settings[setting]}
                onChange={(e) => set(setting, e.currentTarget.checked)}
              />
            ))}
          </SimpleGrid>
        </Stack>
      </Fieldset>

      <Fieldset legend="Review after submitting">
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
          <Choices
            label="Learners see"
            options={REVIEW_POLICIES}
            labels={REVIEW_LABELS}
            value={settings.review}
            onChange={(value) => set('review', value)}
          />
          <Choices
            label="From when"
            options={REVIEW_TIMINGS}
            labels={TIMING_LABELS}
            value={settings.reviewWhen}
            onChange={(value) => set('reviewWhen', value)}
            error={
              settings.reviewWhen === 'after-last-attempt' && settings.attemptsAllowed === null
                ? 'With unlimited attempts, learners would never see the review: set the attempts allowed or choose another time.'
                : undefined
            }
          />
        </SimpleGrid>
      </Fieldset>
    </Stack>
  );
}

/** One setting chosen from a few options, each with a label and a description. */
function Choices<T extends string>(props: {
  label: string;
  options: readonly T[];
  labels: Record<T, { label: string; description: string }>;
  value: T;
  onChange: (value: T) => void;
  error?: string;
}) {
  const { options, labels, onChange, ...group } = props;
  return (
    <Radio.Group {...group} onChange={(value) => onChange(value as T)}>
      <Stack gap="xs" mt="xs">
        {options.map((option) => (
          <Radio key={option} value={option} label={labels[option].label} description={labels[option].description} />
        ))}
      </Stack>
    </Radio.Group>
  );
}

/** `YYYY-MM-DDTHH:mm` in the browser's time zone, as a datetime-local input shows it. */
function toLocalInput(iso: string | null): string {
  if (iso === null) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The course's close date, entered in the author's time zone and stored in UTC. */
function CloseDateField({ value, onCommit }: { value: string | null; onCommit: (value: string | null) => void }) {
  const [local, setLocal] = useBuffered(toLocalInput(value));
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const parsed = local === '' ? null : new Date(local);
  const invalid = parsed !== null && Number.isNaN(parsed.getTime());
  const past = parsed !== null && !invalid && parsed.getTime() <= Date.now();
  return (
    <TextInput
      type="datetime-local"
      label="Course closes on"
      value={local}
      onChange={(e) => {
        const next = e.currentTarget.value;
        setLocal(next);
        if (next === '') onCommit(null);
        else {
          const date = new Date(next);
          if (!Number.isNaN(date.getTime())) onCommit(date.toISOString());
        }
      }}
      description={`Your time (${zone}). No attempt starts after it, and one in progress ends then. Leave empty if the course does not close.`}
      error={
        invalid
          ? 'Enter a date and time.'
          : past
            ? 'This date has passed: learners could not start the test.'
            : undefined
      }
    />
  );
}
