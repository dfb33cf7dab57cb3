// Change the signed-in user's own password; the current one proves it is really them.
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { z } from 'zod';
import { changePasswordInputSchema } from '../../shared/accounts.ts';
import { api } from '../api.ts';
import { applyServerError, focusFirstInvalid } from '../forms.ts';
import { FormError } from './FormError.tsx';

const changePasswordFormSchema = changePasswordInputSchema
  .extend({ confirmNewPassword: z.string() })
  .refine((v) => v.newPassword === v.confirmNewPassword, {
    path: ['confirmNewPassword'],
    message: 'Passwords do not match',
  });

const EMPTY = { currentPassword: '', newPassword: '', confirmNewPassword: '' };

export function ChangePasswordForm() {
  const [serverError, setServerError] = useState<string | null>(null);
  const form = useForm({
    initialValues: EMPTY,
    validate: schemaResolver(changePasswordFormSchema, { sync: true }),
  });

  const handleSubmit = form.onSubmit(async ({ currentPassword, newPassword }) => {
    setServerError(null);
    try {
      await api.changePassword({ currentPassword, newPassword });
      form.setValues(EMPTY);
      notifications.show({
        color: 'green',
        title: 'Password changed',
        message: 'Use your new password next time you sign in.',
      });
    } catch (error) {
      const message = applyServerError(form, error, {
        wrong_password: 'The current password is incorrect.',
      });
      setServerError(message);
    }
  }, focusFirstInvalid);

  return (
    <form onSubmit={handleSubmit} noValidate>
      <Stack>
        <FormError message={serverError} />
        <Text size="sm">All fields are required.</Text>
        <TextInput
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          {...form.getInputProps('currentPassword')}
        />
        <TextInput
          label="New password"
          description="At least 12 characters."
          type="password"
          autoComplete="new-password"
          required
          {...form.getInputProps('newPassword')}
        />
        <TextInput
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          required
          {...form.getInputProps('confirmNewPassword')}
        />
        <Group>
          <Button type="submit" loading={form.submitting}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
