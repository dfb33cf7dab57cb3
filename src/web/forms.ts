// Helpers shared by all forms: turning server errors into field and form messages,
// and moving focus to the first problem so keyboard and screen reader users find it.
import type { UseFormReturnType } from '@mantine/form';
import type { FormEvent, SyntheticEvent } from 'react';
import { ApiError } from './api.ts';

/** Wording to use instead of the server's message for particular error codes. */
export type ErrorMessages = Partial<Record<string, string>>;

/**
 * Puts the server's per-field issues on the matching inputs and returns the sentence to
 * show above the form.
 */
export function applyServerError<Values extends Record<string, unknown>>(
  form: UseFormReturnType<Values>,
  error: unknown,
  messages: ErrorMessages = {},
): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  const values = form.getValues();
  for (const issue of error.issues) {
    // Paths may come as "email", "body.email" or "/email": the last segment names the field.
    const field = issue.path.split(/[./]/).filter(Boolean).at(-1);
    if (field && field in values) form.setFieldError(field, issue.message);
  }
  return messages[error.code] ?? error.message;
}

/** The message for an error that is not tied to a form. */
export function errorMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Please try again.';
}

/** Use as the validation-failure callback of form.onSubmit: focuses the first invalid input. */
export function focusFirstInvalid(
  _errors: unknown,
  _values: unknown,
  event: SyntheticEvent<HTMLFormElement> | FormEvent<HTMLFormElement> | undefined,
): void {
  const formElement = event?.currentTarget;
  if (!formElement) return;
  // Error attributes appear on the next render.
  requestAnimationFrame(() => {
    formElement.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  });
}
