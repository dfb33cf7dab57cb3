// The signed-in user's own account: their details, display name, password and (authors) storage use.
import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { ChangePasswordForm } from '../components/ChangePasswordForm.tsx';
import { DisplayNameForm } from '../components/DisplayNameForm.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { StorageUsageSection } from '../components/StorageUsage.tsx';
import { ROLE_LABELS } from '../labels.ts';
import { useCurrentUser } from '../session.tsx';

export function AccountPage() {
  const user = useCurrentUser();
  return (
    <Stack maw={560}>
      <PageTitle>Account</PageTitle>
      <Group gap="xs">
        <Text>
          Signed in as <strong>{user.email}</strong>
        </Text>
        <Badge variant="light">{ROLE_LABELS[user.role]}</Badge>
      </Group>

      <Paper withBorder p="lg" component="section" aria-labelledby="profile-heading">
        <Title order={2} size="h3" id="profile-heading" mb="md">
          Profile
        </Title>
        <DisplayNameForm user={user} />
      </Paper>

      <Paper withBorder p="lg" component="section" aria-labelledby="password-heading">
        <Title order={2} size="h3" id="password-heading" mb="md">
          Password
        </Title>
        <ChangePasswordForm />
      </Paper>

      {user.role !== 'learner' && (
        <Paper withBorder p="lg" component="section" aria-labelledby="storage-heading">
          <Title order={2} size="h3" id="storage-heading" mb="md">
            Storage
          </Title>
          <StorageUsageSection labelledBy="storage-heading" />
        </Paper>
      )}
    </Stack>
  );
}
