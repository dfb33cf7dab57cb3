// Shown when a page crashes. Inside the layout normally; "standalone" when the layout itself
// failed, so it brings its own main landmark.
import { Anchor, Button, Code, Container, Group, Stack, Text } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { PageTitle } from '../components/PageTitle.tsx';

function describe(error: unknown): string {
  if (isRouteErrorResponse(error)) return `${error.status} ${error.statusText}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorPage({ standalone = false }: { standalone?: boolean }) {
  const error = useRouteError();
  // Keep the details for whoever investigates.
  console.error(error);

  const content = (
    <Stack align="flex-start">
      <PageTitle>Something went wrong</PageTitle>
      <Text>This page could not be shown because of an unexpected error. Reloading often helps.</Text>
      <Code block>{describe(error)}</Code>
      <Group>
        <Button onClick={() => window.location.reload()}>Reload the page</Button>
        {/* A full page load, so a broken app state is not carried over. */}
        <Anchor href="/">Go to the home page</Anchor>
      </Group>
    </Stack>
  );

  if (!standalone) return content;
  return (
    <Container component="main" id="main-content" py="xl">
      {content}
    </Container>
  );
}
