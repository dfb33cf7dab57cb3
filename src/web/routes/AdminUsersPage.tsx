// Administrators manage accounts: list (with what each user's files take), create, change role, disable and enable.
import { Alert, Button, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useState } from 'react';
import type { PublicUser, UpdateUserInput } from '../../shared/accounts.ts';
import type { StorageUsage } from '../../shared/quotas.ts';
import { api } from '../api.ts';
import { assetsApi } from '../assets-api.ts';
import { CreateUserForm } from '../components/CreateUserForm.tsx';
import { FormError } from '../components/FormError.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { UsersTable } from '../components/UsersTable.tsx';
import { errorMessage } from '../forms.ts';
import { ROLE_LABELS } from '../labels.ts';
import { useCurrentUser, useSession } from '../session.tsx';
import { Loading } from '../components/Loading.tsx';

function describeChange(user: PublicUser, change: UpdateUserInput): string {
  if (change.role) return `The role of ${user.displayName} is now ${ROLE_LABELS[change.role]}.`;
  if (change.disabled !== undefined) {
    return `${user.displayName} was ${change.disabled ? 'disabled' : 'enabled'}.`;
  }
  return `${user.displayName} was updated.`;
}

export function AdminUsersPage() {
  const currentUser = useCurrentUser();
  const { updateUser } = useSession();
  const [users, setUsers] = useState<PublicUser[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [updateError, setUpdateError] = useState<string | null>(null);
  // The Files column: loaded beside the users, so the list shows even when this fails.
  const [usage, setUsage] = useState<Map<string, StorageUsage> | null | undefined>(null);

  const load = useCallback(() => {
    setLoadError(null);
    api.listUsers().then(
      (answer) => setUsers(answer.users),
      (error: unknown) => setLoadError(errorMessage(error)),
    );
    setUsage(null);
    assetsApi.usersUsage().then(
      (answer) => setUsage(new Map(answer.users.map((u) => [u.userId, u]))),
      () => setUsage(undefined),
    );
  }, []);

  useEffect(load, [load]);

  function replaceUser(updated: PublicUser) {
    setUsers((list) => list?.map((u) => (u.id === updated.id ? updated : u)) ?? null);
    // Changing yourself (e.g. your name) must show in the header too.
    updateUser(updated);
  }

  async function handleUpdate(user: PublicUser, change: UpdateUserInput): Promise<boolean> {
    setUpdateError(null);
    try {
      const { user: updated } = await api.updateUser(user.id, change);
      replaceUser(updated);
      notifications.show({ color: 'green', message: describeChange(updated, change) });
      return true;
    } catch (error) {
      setUpdateError(`Could not change ${user.displayName}: ${errorMessage(error)}`);
      return false;
    }
  }

  function handleCreated(user: PublicUser) {
    setUsers((list) => (list ? [...list, user] : [user]));
    notifications.show({
      color: 'green',
      title: 'User created',
      message: `${user.displayName} (${user.email}) can now sign in.`,
    });
  }

  return (
    <Stack>
      <PageTitle>Users</PageTitle>

      <Paper withBorder p="lg" component="section" aria-labelledby="create-user-heading">
        <Title order={2} size="h3" id="create-user-heading" mb="md">
          Create user
        </Title>
        <CreateUserForm onCreated={handleCreated} />
      </Paper>

      <section aria-labelledby="all-users-heading">
        <Title order={2} size="h3" id="all-users-heading" mb="md">
          All users
        </Title>
        <Stack>
          <FormError message={updateError} title="The change was not saved" />
          {loadError && (
            <Alert color="red" variant="light" title="Could not load the users">
              <Text mb="sm">{loadError}</Text>
              <Button size="xs" onClick={load}>
                Try again
              </Button>
            </Alert>
          )}
          {!users && !loadError && <Loading>Loading users…</Loading>}
          {users && (
            <UsersTable
              users={users}
              currentUserId={currentUser.id}
              onUpdate={handleUpdate}
              labelledBy="all-users-heading"
              usage={usage}
            />
          )}
        </Stack>
      </section>
    </Stack>
  );
}
