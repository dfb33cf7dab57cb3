// A wide table in a box that scrolls sideways on a narrow screen. The scrolling part is focusable
// and named, so keyboard users can scroll it too (axe: scrollable-region-focusable).
import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

export function TableScroller({ minWidth, label, children }: { minWidth: number; label: string; children: ReactNode }) {
  return (
    <Table.ScrollContainer
      minWidth={minWidth}
      scrollAreaProps={{ viewportProps: { tabIndex: 0, role: 'region', 'aria-label': label } }}
    >
      {children}
    </Table.ScrollContainer>
  );
}
