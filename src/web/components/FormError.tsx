// The server's answer to a failed form submission, announced to screen readers (role=alert).
import { Alert } from '@mantine/core';

export function FormError({ message, title }: { message: string | null; title?: string }) {
  if (!message) return null;
  return (
    <Alert color="red" variant="light" title={title}>
      {message}
    </Alert>
  );
}
