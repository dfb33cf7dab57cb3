// Shown in place of the page while the session loads, or if it could not be loaded.
import { Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useSession } from '../session.tsx';
import { PageTitle } from './PageTitle.tsx';

export function SessionStatus() {
  const { state, reload } = useSession();
  if (state.status === 'error') {
    return (
      <Stack align="flex-start">
        <PageTitle>Lectern is not available</PageTitle>
        <Text>{state.message}</Text>
        <Button onClick={reload}>Try again</Button>
      </Stack>
    );
  }
  return (
    <Center py="xl" role="status">
      <Loader aria-hidden="true" />
      <Text ml="sm">Loading…</Text>
    </Center>
  );
}
