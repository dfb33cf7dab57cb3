// Any path that is not a page of the app (HTTP 404).
import { Anchor, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { PageTitle } from '../components/PageTitle.tsx';

export function NotFoundPage() {
  return (
    <Stack align="flex-start">
      <PageTitle>Page not found</PageTitle>
      <Text>There is no page at this address. Check the link, or start again from the home page.</Text>
      <Anchor component={Link} to="/">
        Go to the home page
      </Anchor>
    </Stack>
  );
}
