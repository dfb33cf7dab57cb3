// The one dnd-kit setup of the app: every list an author reorders (topics, course files, questions,
// categories) is a SortableArea with its items' rows calling useSortableItem. Mouse or touch drag
// after a small move (a click on the handle stays a click); keyboard on the handle: Space or Enter
// picks up, arrows move, Space or Enter drops, Escape cancels. Every step is announced by the item's
// name and position, the same way in every list.
import {
  type Announcements,
  closestCenter,
  DndContext,
  type DraggableAttributes,
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
import type { CSSProperties, ReactNode } from 'react';

// Constants: new option objects on each render would make dnd-kit re-render every sortable item.
const POINTER_OPTIONS = { activationConstraint: { distance: 4 } };
const KEYBOARD_OPTIONS = { coordinateGetter: sortableKeyboardCoordinates };

export const REORDER_INSTRUCTIONS =
  'To reorder, press Space or Enter to pick up the item, the up and down arrow keys to move it, Space or Enter again to drop it, or Escape to cancel.';

export interface SortableAreaProps {
  /** The items' ids in their order; keep the same array while the order is the same (memoized rows). */
  ids: readonly string[];
  /** How an item is named in announcements, e.g. "Question 1", "Category Basics", "topic “Cells”". */
  nameOf: (id: string) => string;
  /** A dragged item was dropped at another position (index in `ids`). */
  onMove: (id: string, to: number) => void;
  /** What a screen reader hears on a handle; the default fits every list. */
  instructions?: string;
  children: ReactNode;
}

/** The announcements of every sortable list; exported for its unit test. */
export function sortingAnnouncements(ids: readonly string[], nameOf: (id: string) => string): Announcements {
  const name = (id: UniqueIdentifier) => nameOf(String(id));
  const position = (id: UniqueIdentifier) => `position ${ids.indexOf(String(id)) + 1} of ${ids.length}`;
  return {
    onDragStart: ({ active }) => `Picked up ${name(active.id)}, ${position(active.id)}.`,
    // Also right after the pick-up (over itself): it says the keyboard sensor has measured the list.
    onDragOver: ({ active, over }) => (over ? `${name(active.id)} is over ${position(over.id)}.` : undefined),
    onDragEnd: ({ active, over }) =>
      over ? `${name(active.id)} dropped at ${position(over.id)}.` : `${name(active.id)} dropped.`,
    onDragCancel: ({ active }) => `Moving ${name(active.id)} was cancelled.`,
  };
}

export function SortableArea({ ids, nameOf, onMove, instructions, children }: SortableAreaProps) {
  const sensors = useSensors(useSensor(PointerSensor, POINTER_OPTIONS), useSensor(KeyboardSensor, KEYBOARD_OPTIONS));

  function onDragEnd({ active, over }: DragEndEvent) {
    if (!over || active.id === over.id) return;
    const to = ids.indexOf(String(over.id));
    if (to !== -1 && ids.includes(String(active.id))) onMove(String(active.id), to);
  }

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements: sortingAnnouncements(ids, nameOf),
        screenReaderInstructions: { draggable: instructions ?? REORDER_INSTRUCTIONS },
      }}
    >
      <SortableContext items={ids as string[]} strategy={verticalListSortingStrategy}>
        {children}
      </SortableContext>
    </DndContext>
  );
}

export interface SortableItem {
  /** Spread on the item's element (usually an `li`). */
  itemProps: { ref: (node: HTMLElement | null) => void; style: CSSProperties; 'data-dragging'?: true };
  /** Spread on the drag handle (a button). */
  handleProps: DraggableAttributes & Record<string, unknown> & { ref: (node: HTMLElement | null) => void };
  isDragging: boolean;
}

/** One row of a SortableArea: where it is drawn while dragged, and its handle. */
export function useSortableItem(id: string): SortableItem {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id,
  });
  return {
    itemProps: {
      ref: setNodeRef,
      style: { transform: CSS.Translate.toString(transform), transition, zIndex: isDragging ? 1 : undefined },
      'data-dragging': isDragging || undefined,
    },
    handleProps: { ...attributes, ...(listeners ?? {}), ref: setActivatorNodeRef },
    isDragging,
  };
}
