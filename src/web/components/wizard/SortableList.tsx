// A simple list the author reorders (topics, course files): each row gets a handle to drag with the
// mouse, touch or keyboard (SortableArea) and plain "Move up" / "Move down" buttons.
import { ActionIcon, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { SortableArea, useSortableItem } from '../sortable/SortableArea.tsx';
import classes from './wizard.module.css';

export interface SortableListProps<T> {
  items: readonly T[];
  getId: (item: T) => string;
  /** How the item is named in buttons and announcements ("Introduction video"). */
  getLabel: (item: T, index: number) => string;
  onMove: (from: number, to: number) => void;
  /** The item's content; `handle` holds the reorder controls to place in it. */
  renderItem: (item: T, index: number, handle: ReactNode) => ReactNode;
  /** The list's accessible name, e.g. "Topics". */
  label: string;
}

export function SortableList<T>({ items, getId, getLabel, onMove, renderItem, label }: SortableListProps<T>) {
  const ids = items.map(getId);
  const nameOf = (id: string) => {
    const index = ids.indexOf(id);
    const item = items[index];
    return item === undefined ? 'The item' : getLabel(item, index);
  };

  return (
    <SortableArea ids={ids} nameOf={nameOf} onMove={(id, to) => onMove(ids.indexOf(id), to)}>
      <ol className={classes.sortableList} aria-label={label}>
        {items.map((item, index) => (
          <SortableRow
            key={ids[index]}
            id={ids[index] ?? String(index)}
            name={getLabel(item, index)}
            isFirst={index === 0}
            isLast={index === items.length - 1}
            onMoveUp={() => onMove(index, index - 1)}
            onMoveDown={() => onMove(index, index + 1)}
          >
            {(handle) => renderItem(item, index, handle)}
          </SortableRow>
        ))}
      </ol>
    </SortableArea>
  );
}

interface SortableRowProps {
  id: string;
  name: string;
  isFirst: boolean;
  isLast: boolean;
  onMoveUp: () => void;
  onMoveDown: () => void;
  children: (handle: ReactNode) => ReactNode;
}

function SortableRow({ id, name, isFirst, isLast, onMoveUp, onMoveDown, children }: SortableRowProps) {
  const { itemProps, handleProps } = useSortableItem(id);
  // At either end the button stays focusable (a disabled button would drop keyboard focus) and says why it does nothing.
  const handle = (
    <Group gap={4} wrap="nowrap" className={classes.reorderControls}>
      <ActionIcon
        {...handleProps}
        variant="subtle"
        color="gray"
        className={classes.dragHandle}
        aria-label={`Reorder ${name}`}
        title="Drag, or press Space then the arrow keys"
      >
        <span aria-hidden="true">⠿</span>
      </ActionIcon>
      <ActionIcon
        variant="subtle"
        color="gray"
        aria-label={`Move ${name} up`}
        aria-disabled={isFirst || undefined}
        onClick={() => {
          if (!isFirst) onMoveUp();
        }}
      >
        <span aria-hidden="true">↑</span>
      </ActionIcon>
      <ActionIcon
        variant="subtle"
        color="gray"
        aria-label={`Move ${name} down`}
        aria-disabled={isLast || undefined}
        onClick={() => {
          if (!isLast) onMoveDown();
        }}
      >
        <span aria-hidden="true">↓</span>
      </ActionIcon>
    </Group>
  );
  return (
    <li {...itemProps} className={classes.sortableItem}>
      {children(handle)}
    </li>
  );
}
