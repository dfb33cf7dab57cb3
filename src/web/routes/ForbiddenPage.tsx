// Shown instead of a page that the signed-in user's role may not open (HTTP 403).
import { Anchor, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { PageTitle } from '../components/PageTitle.tsx';

export function ForbiddenPage() {
  return (
    <Stack align="flex-start">
      <PageTitle>You do not have access to this page</PageTitle>
      <Text>Your account does not have permission to open this page. If you need it, ask an administrator.</Text>
      <Anchor component={Link} to="/">
        Go to the home page
      </Anchor>
    </Stack>
  );
}
