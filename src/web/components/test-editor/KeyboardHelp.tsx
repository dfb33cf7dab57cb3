// What the test editor does from the keyboard, listed where the author works: only keys that exist
// (the sortable handles' keys come from src/web/components/sortable/SortableArea.tsx).
import { Box, List, Text } from '@mantine/core';
import classes from './test-editor.module.css';

const KEYS: readonly [keys: string, what: string][] = [
  ['Tab, Shift+Tab', 'go to the next or previous field or button'],
  ['Enter or Space on a question', 'open or close it'],
  ['Enter on ↑ or ↓', 'move a question, answer or category one place; focus stays on the button'],
  [
    'Space or Enter on a drag handle ⠿',
    'pick the item up; then ↑ and ↓ move it, Space or Enter drops it, Escape puts it back',
  ],
  ['Arrow keys in the “correct” choices', 'choose the correct answer of a single-choice question'],
  ['Escape', 'close a dialog or the preview'],
];

export function KeyboardHelp() {
  return (
    <Box component="details" className={classes.keyboardHelp}>
      <Text component="summary" size="sm" fw={500}>
        Keyboard shortcuts
      </Text>
      <List size="sm" spacing={4} mt="xs" listStyleType="none" p={0}>
        {KEYS.map(([keys, what]) => (
          <List.Item key={keys}>
            <Text component="span" size="sm" fw={600}>
              {keys}
            </Text>
            : {what}
          </List.Item>
        ))}
      </List>
    </Box>
  );
}
