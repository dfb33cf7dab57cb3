// First start: create the first administrator. Only reachable while the server says setup
// is needed; the server signs the new administrator in.
import { Button, Paper, Stack, Text, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { useState } from 'react';
import { Navigate } from 'react-router';
import { z } from 'zod';
import { setupInputSchema } from '../../shared/accounts.ts';
import { api } from '../api.ts';
import { FormError } from '../components/FormError.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { applyServerError, focusFirstInvalid } from '../forms.ts';
import { useSession } from '../session.tsx';

const setupFormSchema = setupInputSchema
  .extend({ confirmPassword: z.string() })
  .refine((v) => v.password === v.confirmPassword, {
    path: ['confirmPassword'],
    message: 'Passwords do not match',
  });

export function SetupPage() {
  const { state, signedIn } = useSession();
  const [serverError, setServerError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: '', displayName: '', password: '', confirmPassword: '' },
    validate: schemaResolver(setupFormSchema, { sync: true }),
  });

  if (state.status === 'ready' && !state.setupNeeded) return <Navigate to="/" replace />;

  const handleSubmit = form.onSubmit(async ({ email, displayName, password }) => {
    setServerError(null);
    try {
      const { user } = await api.setup({ email, displayName, password });
      // Setup is done and we are signed in: the redirect above takes us home.
      signedIn(user);
    } catch (error) {
      setServerError(
        applyServerError(form, error, {
          setup_done: 'Lectern is already set up. Sign in instead.',
        }),
      );
    }
  }, focusFirstInvalid);

  return (
    <Stack maw={480} mx="auto">
      <PageTitle>Set up Lectern</PageTitle>
      <Text>Create the first administrator account. You can add more users afterwards.</Text>
      <Paper withBorder p="lg" component="form" onSubmit={handleSubmit} noValidate>
        <Stack>
          <FormError message={serverError} />
          <Text size="sm">All fields are required.</Text>
          <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
          <TextInput label="Display name" autoComplete="name" required {...form.getInputProps('displayName')} />
          <TextInput
            type="password"
            label="Password"
            description="At least 12 characters."
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
          <TextInput
            type="password"
            label="Confirm password"
            autoComplete="new-password"
            required
            {...form.getInputProps('confirmPassword')}
          />
          <Button type="submit" loading={form.submitting}>
            Create administrator
          </Button>
        </Stack>
      </Paper>
    </Stack>
  );
}
