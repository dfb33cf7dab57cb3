// What a page or panel shows while its data loads: a spinner and a sentence, announced politely.
import { Center, Loader, Text } from '@mantine/core';

export function Loading({ children }: { children: string }) {
  return (
    <Center py="lg" role="status">
      <Loader size="sm" aria-hidden="true" />
      <Text ml="sm">{children}</Text>
    </Center>
  );
}
