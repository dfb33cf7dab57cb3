// How the editor's elements are found again: a focus key (`question:<id>:up`) for moving focus
// after an edit, and the draft path (`test.categories.0.name`) the wizard's Review links use.

/** The attribute that marks an element as a focus target, e.g. focusKey('question', id, 'up'). */
export function focusKey(...parts: string[]): { 'data-focus-key': string } {
  return { 'data-focus-key': parts.join(':') };
}

export const keyOf = (...parts: string[]) => parts.join(':');

/**
 * Marks an element with its path in the draft (`test.categories.0.name`): a problem listed on the
 * wizard's Review step links here and the wizard focuses the element with that `data-path`.
 */
export function draftPath(path: string): { 'data-path': string } {
  return { 'data-path': `test.${path}` };
}

/** Both marks at once, for fields that take one `focus` prop. */
export function marks(path: string, ...keyParts: string[]): { 'data-focus-key': string; 'data-path': string } {
  return { ...focusKey(...keyParts), ...draftPath(path) };
}
