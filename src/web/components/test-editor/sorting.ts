// The sensors of the editor's sortable lists (questions, categories): mouse or touch after a small
// move (so a click on the handle is not a drag), and keyboard (space, arrows, space). The options
// are constants: new objects on each render would make dnd-kit re-render every sortable item.
import {
  KeyboardSensor,
  PointerSensor,
  type SensorDescriptor,
  type SensorOptions,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';

const POINTER_OPTIONS = { activationConstraint: { distance: 4 } };
const KEYBOARD_OPTIONS = { coordinateGetter: sortableKeyboardCoordinates };

export function useSortingSensors(): SensorDescriptor<SensorOptions>[] {
  return useSensors(useSensor(PointerSensor, POINTER_OPTIONS), useSensor(KeyboardSensor, KEYBOARD_OPTIONS));
}
