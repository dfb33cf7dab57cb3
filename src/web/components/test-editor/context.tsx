// What every part of the test editor needs from the top: the latest test set and a way to change
// it, the problems, where keyboard focus goes after an item moves or disappears, announcements for
// screen readers, which questions are open, and the confirmation and preview dialogs.
import { createContext, use } from 'react';
import type { Question, TestSet } from '../../../shared/quiz.ts';
import type { ProblemIndex } from './problems.ts';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  /** The button that keeps things as they are. */
  cancelLabel: string;
  onConfirm: () => void;
}

export interface EditorContextValue {
  draftId: string;
  testSet: TestSet;
  problems: ProblemIndex;
  /** Applies a change to the latest test set and hands the result to the wizard. */
  update(change: (testSet: TestSet) => TestSet): void;
  /**
   * Focuses, after the next render, the first element found among these focus keys (see
   * focusKey) that can take focus: a moved item's button, or its neighbour when it went away.
   */
  requestFocus(...keys: string[]): void;
  /** Says something to screen reader users (a polite live region). */
  announce(message: string): void;
  isOpen(questionId: string): boolean;
  setOpen(questionId: string, open: boolean): void;
  confirm(request: ConfirmRequest): void;
  preview(question: Question, title: string): void;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditor(): EditorContextValue {
  const value = use(EditorContext);
  if (!value) throw new Error('Test editor parts must be rendered inside <TestSetEditor>');
  return value;
}

export { draftPath, focusKey, keyOf, marks } from './keys.ts';
