// The page's single h1, which also sets the browser tab title. It can take focus from code
// (tabIndex -1) so that after navigating, screen readers start at the new page's heading.
import { Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';

/** `className` restyles it where a page needs a smaller heading (the wizard's step and course title). */
export function PageTitle({ children, className }: { children: string; className?: string }) {
  useDocumentTitle(`${children} · Lectern`);
  return (
    <Title order={1} tabIndex={-1} mb="md" className={className}>
      {children}
    </Title>
  );
}
