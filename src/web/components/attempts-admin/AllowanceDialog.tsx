// Extra time for one learner, as an accommodation: the time limit multiplied, then minutes added.
// An open attempt's deadline moves at once (the server recomputes it from its start).
import { Button, Group, Modal, NumberInput, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { Allowance } from '../../../shared/attempts.ts';
import { attemptsAdminApi } from '../../attempts-admin-api.ts';
import { errorMessage } from '../../forms.ts';

/** "No extra time or attempts", "Extra time: × 1.5 + 10 min · 1 extra attempt". */
export function allowanceSummary(a: Allowance): string {
  const parts: string[] = [];
  const time = [
    a.timeMultiplier !== 1 ? `× ${a.timeMultiplier}` : '',
    a.extraMinutes > 0 ? `+ ${a.extraMinutes} min` : '',
  ]
    .filter(Boolean)
    .join(' ');
  if (time) parts.push(`Extra time: ${time}`);
  if (a.extraAttempts > 0) parts.push(`${a.extraAttempts} extra attempt${a.extraAttempts === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(' · ') : 'No extra time or attempts.';
}

interface Props {
  courseId: string;
  learner: { id: string; name: string; allowance: Allowance } | null;
  onClose: () => void;
  onSaved: (name: string) => void;
}

export function AllowanceDialog({ courseId, learner, onClose, onSaved }: Props) {
  return (
    <Modal.Root opened={learner !== null} onClose={onClose} transitionProps={{ duration: 0 }}>
      <Modal.Overlay />
      <Modal.Content>
        {/* role none: a <header> directly in the dialog would count as a second page banner. */}
        <Modal.Header role="none">
          <Modal.Title>{learner ? `Extra time for ${learner.name}` : ''}</Modal.Title>
          <Modal.CloseButton aria-label="Close" />
        </Modal.Header>
        <Modal.Body>
          {/* Keyed by learner: the form starts from their current allowance each time it opens. */}
          {learner && (
            <AllowanceForm key={learner.id} courseId={courseId} learner={learner} onClose={onClose} onSaved={onSaved} />
          )}
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}

function AllowanceForm({ courseId, learner, onClose, onSaved }: Props & { learner: NonNullable<Props['learner']> }) {
  const [multiplier, setMultiplier] = useState<number | string>(learner.allowance.timeMultiplier);
  const [minutes, setMinutes] = useState<number | string>(learner.allowance.extraMinutes);
  const multiplierValue = Number(multiplier);
  const minutesValue = Number(minutes);
  const multiplierProblem =
    multiplier === '' || !(multiplierValue >= 1 && multiplierValue <= 10) ? 'Enter a number from 1 to 10.' : null;
  const minutesProblem =
    minutes === '' || !Number.isInteger(minutesValue) || minutesValue < 0 || minutesValue > 1440
      ? 'Enter whole minutes from 0 to 1440.'
      : null;
  const save = useMutation({
    mutationFn: () =>
      attemptsAdminApi.setAllowance(courseId, learner.id, {
        timeMultiplier: multiplierValue,
        extraMinutes: minutesValue,
        extraAttempts: learner.allowance.extraAttempts,
      }),
    onSuccess: () => {
      onSaved(learner.name);
      onClose();
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!multiplierProblem && !minutesProblem) save.mutate();
      }}
      noValidate
    >
      <Stack>
        <Text size="sm">
          The test’s time limit is multiplied, then the minutes are added. It applies to every attempt of this learner,
          the one in progress included; the course’s close date still ends it.
        </Text>
        <NumberInput
          label="Time limit multiplied by"
          description="1 = no change; 1.5 = half as much time again."
          value={multiplier}
          onChange={setMultiplier}
          min={1}
          max={10}
          step={0.25}
          decimalScale={2}
          error={multiplierProblem}
          data-autofocus
        />
        <NumberInput
          label="Extra minutes"
          description="Added after the multiplier."
          value={minutes}
          onChange={setMinutes}
          min={0}
          max={1440}
          allowDecimal={false}
          error={minutesProblem}
        />
        {save.error && (
          <Text role="alert" c="red.9" size="sm">
            {errorMessage(save.error)}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save extra time
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
