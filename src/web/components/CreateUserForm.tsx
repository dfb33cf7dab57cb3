// Administrators create accounts here; the new user signs in with the initial password.
import { Button, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { useState } from 'react';
import { createUserInputSchema, type PublicUser, ROLES, type Role } from '../../shared/accounts.ts';
import { ApiError, api } from '../api.ts';
import { applyServerError, focusFirstInvalid } from '../forms.ts';
import { ROLE_LABELS } from '../labels.ts';
import { FormError } from './FormError.tsx';

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

const EMPTY = { email: '', displayName: '', role: 'learner' as Role, password: '' };

export function CreateUserForm({ onCreated }: { onCreated: (user: PublicUser) => void }) {
  const [serverError, setServerError] = useState<string | null>(null);
  const form = useForm({
    initialValues: EMPTY,
    validate: schemaResolver(createUserInputSchema, { sync: true }),
  });

  const handleSubmit = form.onSubmit(async (values) => {
    setServerError(null);
    try {
      const { user } = await api.createUser(values);
      form.setValues(EMPTY);
      onCreated(user);
    } catch (error) {
      const message = applyServerError(form, error);
      // The alert says what happened; the field only points at what to change.
      if (error instanceof ApiError && error.code === 'email_taken') {
        form.setFieldError('email', 'Use a different email address.');
      }
      setServerError(message);
    }
  }, focusFirstInvalid);

  return (
    <form onSubmit={handleSubmit} noValidate aria-labelledby="create-user-heading">
      <Stack>
        <FormError message={serverError} title="The user was not created" />
        <Text size="sm">All fields are required.</Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Email" type="email" autoComplete="off" required {...form.getInputProps('email')} />
          <TextInput label="Display name" autoComplete="off" required {...form.getInputProps('displayName')} />
          <NativeSelect label="Role" data={ROLE_OPTIONS} required {...form.getInputProps('role')} />
          <TextInput
            label="Initial password"
            description="At least 12 characters. Tell it to the user privately."
            type="password"
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={form.submitting}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
