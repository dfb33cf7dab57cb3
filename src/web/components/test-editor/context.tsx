// What every part of the test editor needs from the top. Split by how often it changes, so that an
// edit re-renders only what it touches (rows and categories are memoized):
// - EditorContext never changes: how to change the test set, move focus, announce, open dialogs,
//   and the latest problems (read during a render that something else caused);
// - EditorStateContext changes with every edit (settings form, problem summary);
// - OpenQuestionsContext changes when a question is opened or closed;
// - QuestionNumbersContext changes when questions are added, removed or moved;
// - CategoryOptionsContext changes when categories are added, removed, renamed or moved.
import { createContext, use } from 'react';
import type { Question, TestSet } from '../../../shared/quiz.ts';
import type { EditorProblem, ProblemIndex } from './problems.ts';

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
  /** The latest test set, for event handlers (render from props instead). */
  current(): TestSet;
  /** Applies a change to the latest test set and hands the result to the wizard. */
  update(change: (testSet: TestSet) => TestSet): void;
  /** Uploads that never joined the test set (their image was removed before it had alt text). */
  imagesAbandoned(assetIds: string[]): void;
  /** The problems as of the editor's latest render. */
  problems(): ProblemIndex;
  /**
   * Problems about this path or inside it: the same array as long as they stay the same, so a
   * memoized part re-renders only when its own problems change.
   */
  problemsWithin(path: string): readonly EditorProblem[];
  /**
   * Focuses, after the next render, the first element found among these focus keys (see
   * focusKey) that can take focus: a moved item's button, or its neighbour when it went away.
   */
  requestFocus(...keys: string[]): void;
  /** Says something to screen reader users (a polite live region). */
  announce(message: string): void;
  setOpen(questionId: string, open: boolean): void;
  /** The author left this answer's text field: its problems show from now on. */
  touchAnswer(answerId: string): void;
  /** Opens or closes every question. */
  setAllOpen(open: boolean): void;
  confirm(request: ConfirmRequest): void;
  preview(question: Question, title: string): void;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditor(): EditorContextValue {
  const value = use(EditorContext);
  if (!value) throw new Error('Test editor parts must be rendered inside <TestSetEditor>');
  return value;
}

export interface EditorState {
  testSet: TestSet;
  problems: ProblemIndex;
}

export const EditorStateContext = createContext<EditorState | null>(null);

export function useEditorState(): EditorState {
  const value = use(EditorStateContext);
  if (!value) throw new Error('Test editor parts must be rendered inside <TestSetEditor>');
  return value;
}

export const OpenQuestionsContext = createContext<ReadonlySet<string>>(new Set());

/** Each question's number across the whole test ("Question 7"), by id. */
export const QuestionNumbersContext = createContext<ReadonlyMap<string, number>>(new Map());

export interface CategoryOption {
  id: string;
  /** "Parent › Child". */
  label: string;
}

export const CategoryOptionsContext = createContext<readonly CategoryOption[]>([]);

export { draftPath, focusKey, keyOf, marks } from './keys.ts';
