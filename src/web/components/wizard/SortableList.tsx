// A list the author reorders by dragging a handle with the mouse or touch, by keyboard on the same
// handle (Space to pick up, arrows to move, Space to drop, Escape to cancel; dnd-kit), or with the
// plain "Move up" / "Move down" buttons. Every move is announced by name, not by id.
import {
  type Announcements,
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  type UniqueIdentifier,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ActionIcon, Group } from '@mantine/core';
import { type ReactNode, useRef } from 'react';
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
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = items.map(getId);
  const indexOf = (id: UniqueIdentifier) => ids.indexOf(String(id));
  const nameOf = (id: UniqueIdentifier) => {
    const index = indexOf(id);
    const item = items[index];
    return item === undefined ? 'The item' : getLabel(item, index);
  };
  const position = (id: UniqueIdentifier | undefined) =>
    id === undefined ? '' : `position ${indexOf(id) + 1} of ${items.length}`;

  // dnd-kit reports the item over itself right after the pick-up: that would replace "Picked up".
  const justPickedUp = useRef(false);
  const announcements: Announcements = {
    onDragStart: ({ active }) => {
      justPickedUp.current = true;
      return `Picked up ${nameOf(active.id)}, ${position(active.id)}.`;
    },
    onDragOver: ({ active, over }) => {
      const first = justPickedUp.current;
      justPickedUp.current = false;
      if (!over || (first && over.id === active.id)) return undefined;
      return `${nameOf(active.id)} moved to ${position(over.id)}.`;
    },
    onDragEnd: ({ active, over }) => (over ? `${nameOf(active.id)} dropped at ${position(over.id)}.` : undefined),
    onDragCancel: ({ active }) => `Moving ${nameOf(active.id)} was cancelled.`,
  };

  function onDragEnd({ active, over }: DragEndEvent) {
    if (!over || active.id === over.id) return;
    const from = indexOf(active.id);
    const to = indexOf(over.id);
    if (from !== -1 && to !== -1) onMove(from, to);
  }

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            'To reorder, press Space to pick up the item, the arrow keys to move it, Space again to drop it, or Escape to cancel.',
        },
      }}
    >
      <SortableContext items={ids} strategy={verticalListSortingStrategy}>
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
      </SortableContext>
    </DndContext>
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
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id,
  });
  // At either end the button stays focusable (a disabled button would drop keyboard focus) and says why it does nothing.
  const handle = (
    <Group gap={4} wrap="nowrap" className={classes.reorderControls}>
      <ActionIcon
        ref={setActivatorNodeRef}
        variant="subtle"
        color="gray"
        className={classes.dragHandle}
        {...attributes}
        {...listeners}
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
    <li
      ref={setNodeRef}
      className={classes.sortableItem}
      data-dragging={isDragging || undefined}
      style={{ transform: CSS.Translate.toString(transform), transition }}
    >
      {children(handle)}
    </li>
  );
}
