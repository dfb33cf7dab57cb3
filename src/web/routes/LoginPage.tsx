// Sign in with email and password, then return to the page the user wanted.
import { Button, Paper, Stack, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { loginInputSchema } from '../../shared/accounts.ts';
import { api } from '../api.ts';
import { FormError } from '../components/FormError.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { applyServerError, focusFirstInvalid } from '../forms.ts';
import { useSession } from '../session.tsx';

/** Where to go after signing in: only paths inside this app, never another site. */
function redirectTarget(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  if (typeof from !== 'string' || !from.startsWith('/') || from.startsWith('//')) return '/';
  if (from.startsWith('/login') || from.startsWith('/setup')) return '/';
  return from;
}

export function LoginPage() {
  const { state, signedIn } = useSession();
  const location = useLocation();
  const [serverError, setServerError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: schemaResolver(loginInputSchema, { sync: true }),
  });

  if (state.status === 'ready' && state.setupNeeded) return <Navigate to="/setup" replace />;
  if (state.status === 'ready' && state.user) {
    return <Navigate to={redirectTarget(location.state)} replace />;
  }

  const handleSubmit = form.onSubmit(async (values) => {
    setServerError(null);
    try {
      const { user } = await api.login(values);
      // Re-rendering with a user redirects to the page the user wanted.
      signedIn(user);
    } catch (error) {
      setServerError(
        applyServerError(form, error, {
          invalid_credentials: 'Email or password is incorrect.',
        }),
      );
    }
  }, focusFirstInvalid);

  return (
    <Stack maw={420} mx="auto">
      <PageTitle>Sign in</PageTitle>
      <Paper withBorder p="lg" component="form" onSubmit={handleSubmit} noValidate>
        <Stack>
          <FormError message={serverError} />
          <TextInput label="Email" type="email" autoComplete="username" required {...form.getInputProps('email')} />
          <TextInput
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            {...form.getInputProps('password')}
          />
          <Button type="submit" loading={form.submitting}>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Stack>
  );
}
