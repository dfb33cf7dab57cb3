// Inputs that may hold, for a moment, what the test set's shape cannot: an emptied required text, a
// number out of range. They keep what the author typed and tell them what is wrong, and hand on
// only values the draft can be saved with, so every change the wizard saves is valid in shape.
import { NativeSelect, NumberInput, Textarea, TextInput, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { FRACTION_CHOICES, fractionLabel, matchFraction } from '../../../shared/quiz-editing.ts';

/** Local text that follows the outside value whenever that value changes (another edit, an undo, a reload). */
export function useBuffered<T>(external: T): [T, (next: T) => void] {
  const [local, setLocal] = useState(external);
  const [seen, setSeen] = useState(external);
  if (!Object.is(external, seen)) {
    setSeen(external);
    setLocal(external);
  }
  return [local, setLocal];
}

/** What an input carries to be found: the editor's focus key, and the review's path (see focus-path.ts). */
export type FieldMarks = { 'data-focus-key'?: string; 'data-path'?: string };

const joinMessages = (...messages: (string | undefined)[]) => messages.filter(Boolean).join(' ') || undefined;

interface RequiredTextProps {
  label: string;
  value: string;
  onCommit: (text: string) => void;
  maxLength: number;
  /** Said when the field is emptied. */
  requiredMessage: string;
  error?: string;
  warning?: string;
  description?: string;
  multiline?: boolean;
  focus?: FieldMarks;
}

/** A text the schema requires: emptying it shows the message and keeps the last saved text until something is typed. */
export function RequiredText({
  label,
  value,
  onCommit,
  maxLength,
  requiredMessage,
  error,
  warning,
  description,
  multiline = false,
  focus,
}: RequiredTextProps) {
  const [text, setText] = useBuffered(value);
  const change = (next: string) => {
    setText(next);
    if (next.length > 0) onCommit(next);
  };
  const shared = {
    label,
    value: text,
    maxLength,
    error: text.length === 0 ? requiredMessage : error,
    // A warning does not make the field invalid: it is said with the description.
    description: joinMessages(description, warning),
    ...focus,
  };
  return multiline ? (
    <Textarea {...shared} autosize minRows={2} maxRows={12} onChange={(e) => change(e.currentTarget.value)} />
  ) : (
    <TextInput {...shared} onChange={(e) => change(e.currentTarget.value)} />
  );
}

interface NumberFieldProps {
  label: string;
  value: number | null;
  onCommit: (value: number | null) => void;
  min: number;
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** Empty means null (e.g. no time limit); otherwise a value is required. */
  emptyMeans?: string;
  description?: string;
  error?: string;
  warning?: string;
  suffix?: string;
  focus?: FieldMarks;
}

/** A number within limits; an out-of-range or half-typed number is shown with its problem and not handed on. */
export function NumberField({
  label,
  value,
  onCommit,
  min,
  max,
  integer = true,
  emptyMeans,
  description,
  error,
  warning,
  suffix,
  focus,
}: NumberFieldProps) {
  const [local, setLocal] = useBuffered<number | string>(value ?? '');
  const problem = localProblem(local, { min, max, integer, emptyMeans });
  const change = (next: number | string) => {
    setLocal(next);
    if (localProblem(next, { min, max, integer, emptyMeans }) !== null) return;
    onCommit(next === '' ? null : Number(next));
  };
  return (
    <NumberInput
      label={label}
      value={local}
      onChange={change}
      min={min}
      max={max}
      allowDecimal={!integer}
      decimalScale={integer ? 0 : 2}
      allowNegative={min < 0}
      clampBehavior="none"
      suffix={suffix}
      description={joinMessages(description, emptyMeans ? `Leave empty for ${emptyMeans}.` : undefined, warning)}
      error={problem ?? error}
      hideControls
      {...focus}
    />
  );
}

function localProblem(
  value: number | string,
  limits: { min: number; max?: number; integer: boolean; emptyMeans?: string },
): string | null {
  if (value === '' || value === '-') return limits.emptyMeans ? null : 'Enter a number.';
  const n = Number(value);
  if (!Number.isFinite(n)) return 'Enter a number.';
  if (limits.integer && !Number.isInteger(n)) return 'Enter a whole number.';
  if (n < limits.min) return `Enter at least ${limits.min}.`;
  if (limits.max !== undefined && n > limits.max) return `Enter at most ${limits.max}.`;
  return null;
}

interface FractionSelectProps {
  label: string;
  fraction: number;
  onChange: (fraction: number) => void;
  error?: string;
  /** A problem about all the answers' grades together (e.g. they do not add up): read with this select. */
  groupProblem?: string;
  focus?: FieldMarks;
}

/** Moodle's grade choices; a stored fraction that is not one of them (imported) is kept as an extra choice. */
export function FractionSelect({ label, fraction, onChange, error, groupProblem, focus }: FractionSelectProps) {
  const matched = matchFraction(fraction);
  const choices = matched === null ? [fraction, ...FRACTION_CHOICES] : FRACTION_CHOICES;
  const data = choices.map((choice) => ({
    value: String(choice),
    label: choice === 0 ? 'None (0%)' : fractionLabel(choice),
  }));
  return (
    <NativeSelect
      label={label}
      data={data}
      value={String(matched ?? fraction)}
      onChange={(e) => onChange(Number(e.currentTarget.value))}
      error={error}
      // The group's problem is shown once above the answers; each grade is described by it too.
      description={groupProblem ? <VisuallyHidden>{groupProblem}</VisuallyHidden> : undefined}
      {...focus}
    />
  );
}
