// Change the signed-in user's own display name.
import { Button, Group, Stack, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { type PublicUser, updateProfileInputSchema } from '../../shared/accounts.ts';
import { api } from '../api.ts';
import { applyServerError, focusFirstInvalid } from '../forms.ts';
import { useSession } from '../session.tsx';
import { FormError } from './FormError.tsx';

export function DisplayNameForm({ user }: { user: PublicUser }) {
  const { updateUser } = useSession();
  const [serverError, setServerError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { displayName: user.displayName },
    validate: schemaResolver(updateProfileInputSchema, { sync: true }),
  });

  const handleSubmit = form.onSubmit(async (values) => {
    setServerError(null);
    try {
      const { user: updated } = await api.updateProfile(values);
      updateUser(updated);
      form.setValues({ displayName: updated.displayName });
      form.resetDirty({ displayName: updated.displayName });
      notifications.show({
        color: 'green',
        title: 'Name saved',
        message: `Your display name is now ${updated.displayName}.`,
      });
    } catch (error) {
      setServerError(applyServerError(form, error));
    }
  }, focusFirstInvalid);

  return (
    <form onSubmit={handleSubmit} noValidate>
      <Stack>
        <FormError message={serverError} />
        <TextInput label="Display name" autoComplete="name" required {...form.getInputProps('displayName')} />
        <Group>
          <Button type="submit" loading={form.submitting}>
            Save name
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
