// The wizard's Test step: the test's settings and its question bank (categories, nested, holding
// questions and their answers). Fully controlled: every meaningful edit is handed to `onChange`
// (the wizard saves it), always in a shape the draft accepts. Problems come from the shared rules,
// run live on every edit, and from the server's review of the draft.
import { Button, Group, Modal, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import type { Question, TestSet } from '../../../shared/quiz.ts';
import {
  addCategory,
  categoryLocations,
  findQuestion,
  imageAssetIds,
  imagesDropped,
  newCategory,
  questionNumbers,
} from '../../../shared/quiz-editing.ts';
import type { ReviewProblem } from '../../../shared/review.ts';
import { CategoryList } from './CategoryEditor.tsx';
import {
  CategoryOptionsContext,
  type ConfirmRequest,
  EditorContext,
  type EditorContextValue,
  EditorStateContext,
  focusKey,
  keyOf,
  marks,
  OpenQuestionsContext,
  QuestionNumbersContext,
} from './context.tsx';
import { KeyboardHelp } from './KeyboardHelp.tsx';
import { ProblemSummary } from './ProblemSummary.tsx';
import { type EditorProblem, editorProblems, locate, ProblemIndex, withholdUntouchedAnswers } from './problems.ts';
import { QuestionPreview } from './QuestionPreview.tsx';
import { SettingsForm } from './SettingsForm.tsx';
import classes from './test-editor.module.css';

export interface TestSetEditorProps {
  /** The draft whose test this is: images uploaded here belong to it. */
  draftId: string;
  value: TestSet;
  onChange: (next: TestSet) => void;
  /** The server's review of the draft (problems of other steps are ignored). */
  problems: ReviewProblem[];
  /** The level of the editor's section headings (the page's title being one level up). */
  headingOrder?: 2 | 3;
  /**
   * Images the test set no longer uses (removed, replaced, deleted with their question, answer or
   * category), and uploads abandoned before they joined it: the wizard may delete their files once
   * the draft is saved, unless something else uses them. Otherwise the storage clean-up does, later.
   */
  onImagesRemoved?: (assetIds: string[]) => void;
  /**
   * Every problem shows, even on answers not written yet (the author went on to a later step);
   * otherwise an empty answer is flagged once the author has left its field.
   */
  revealProblems?: boolean;
}

const ADD_CATEGORY_KEY = keyOf('categories', 'add');
/** How many animation frames a focus request waits for its element to appear. */
const FOCUS_FRAMES = 20;

export function TestSetEditor({
  draftId,
  value,
  onChange,
  problems,
  headingOrder = 2,
  onImagesRemoved,
  revealProblems = false,
}: TestSetEditorProps) {
  const rootRef = useRef<HTMLDivElement>(null);
  const ids = useId();
  // The latest test set, including edits handed on but not yet back as `value`: two edits in one
  // event (or before the wizard re-renders) must build on each other.
  const latest = useRef(value);
  useLayoutEffect(() => {
    latest.current = value;
  }, [value]);
  const onChangeRef = useRef(onChange);
  const onImagesRemovedRef = useRef(onImagesRemoved);
  useLayoutEffect(() => {
    onChangeRef.current = onChange;
    onImagesRemovedRef.current = onImagesRemoved;
  }, [onChange, onImagesRemoved]);
  // A problem on the Review step links here with its path: its question must be open for the
  // wizard to focus the field (src/web/components/wizard/focus-path.ts).
  const requestedPath = (useLocation().state as { focus?: unknown } | null)?.focus;
  const requestedQuestion =
    typeof requestedPath === 'string' && requestedPath.startsWith('test.')
      ? locate(value, requestedPath.slice('test.'.length)).questionId
      : null;
  const [openIds, setOpenIds] = useState<ReadonlySet<string>>(
    () => new Set(requestedQuestion ? [requestedQuestion] : []),
  );
  useEffect(() => {
    if (requestedQuestion)
      setOpenIds((before) => (before.has(requestedQuestion) ? before : new Set(before).add(requestedQuestion)));
  }, [requestedQuestion]);
  const [announcement, setAnnouncement] = useState('');
  const [confirmRequest, setConfirmRequest] = useState<ConfirmRequest | null>(null);
  const confirmTrigger = useRef<HTMLElement | null>(null);
  const [previewing, setPreviewing] = useState<{ id: string; title: string } | null>(null);
  const pendingFocus = useRef<string[] | null>(null);

  const [touchedAnswers, setTouchedAnswers] = useState<ReadonlySet<string>>(() => new Set());
  const problemIndex = useMemo(() => {
    const all = editorProblems(value, problems);
    return new ProblemIndex(revealProblems ? all : withholdUntouchedAnswers(value, all, touchedAnswers));
  }, [value, problems, revealProblems, touchedAnswers]);
  // Read by the parts rendered below in this same render (see problemsWithin).
  const indexRef = useRef(problemIndex);
  indexRef.current = problemIndex;
  const withinCache = useRef(new Map<string, { signature: string; list: readonly EditorProblem[] }>());

  const context: EditorContextValue = useMemo(() => {
    const requestFocus = (...keys: string[]) => {
      pendingFocus.current = keys;
      let frames = 0;
      const attempt = () => {
        if (pendingFocus.current !== keys) return;
        const target = findFocusTarget(rootRef.current, keys);
        if (target) {
          pendingFocus.current = null;
          target.focus();
          // A new item's default text is selected, so typing replaces it.
          if (target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && target.type === 'text')) {
            target.select();
          }
        } else if (++frames < FOCUS_FRAMES) {
          requestAnimationFrame(attempt);
        }
      };
      requestAnimationFrame(attempt);
    };
    return {
      draftId,
      current: () => latest.current,
      update: (change) => {
        const before = latest.current;
        const next = change(before);
        if (next === before) return;
        latest.current = next;
        onChangeRef.current(next);
        const dropped = imagesDropped(before, next);
        if (dropped.length) onImagesRemovedRef.current?.(dropped);
      },
      imagesAbandoned: (assetIds) => {
        const used = imageAssetIds(latest.current.categories);
        const unused = assetIds.filter((id) => !used.has(id));
        if (unused.length) onImagesRemovedRef.current?.(unused);
      },
      problems: () => indexRef.current,
      problemsWithin: (path) => {
        const list = indexRef.current.within(path);
        const signature = list.map((p) => `${p.path}|${p.code}|${p.severity}|${p.message}`).join('\n');
        const cached = withinCache.current.get(path);
        if (cached?.signature === signature) return cached.list;
        withinCache.current.set(path, { signature, list });
        return list;
      },
      requestFocus,
      // The same words twice in a row would not be read again.
      announce: (message) => setAnnouncement((before) => (before === message ? `${message}\u00a0` : message)),
      setOpen: (id, open) =>
        setOpenIds((before) => {
          if (before.has(id) === open) return before;
          const next = new Set(before);
          if (open) next.add(id);
          else next.delete(id);
          return next;
        }),
      touchAnswer: (id) => setTouchedAnswers((before) => (before.has(id) ? before : new Set(before).add(id))),
      setAllOpen: (open) =>
        setOpenIds(open ? new Set(questionNumbers(latest.current.categories).keys()) : new Set<string>()),
      confirm: (request) => {
        confirmTrigger.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        setConfirmRequest(request);
      },
      preview: (question: Question, title: string) => setPreviewing({ id: question.id, title }),
    };
  }, [draftId]);
  const { update, announce, requestFocus } = context;

  // The same map while the order is the same: a new one would re-render every row.
  const numberSignature = [...questionNumbers(value.categories).keys()].join(' ');
  const numbers = useMemo(
    () => new Map(numberSignature ? numberSignature.split(' ').map((id, i) => [id, i + 1] as const) : []),
    [numberSignature],
  );
  const questionCount = numbers.size;

  const state = useMemo(() => ({ testSet: value, problems: problemIndex }), [value, problemIndex]);
  const optionsSignature = categoryLocations(value.categories)
    .map((l) => `${l.category.id}\t${l.trail.join(' › ')}`)
    .join('\n');
  const categoryOptions = useMemo(
    () =>
      optionsSignature
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [id = '', label = ''] = line.split('\t');
          return { id, label };
        }),
    [optionsSignature],
  );

  function addTopCategory() {
    const category = newCategory(value.categories.length === 0 ? 'General' : 'New category');
    update((set) => addCategory(set, null, category));
    announce(`Category ${category.name} added.`);
    requestFocus(keyOf('category', category.id, 'name'));
  }

  function closeConfirm(confirmed: boolean) {
    const request = confirmRequest;
    setConfirmRequest(null);
    if (confirmed) request?.onConfirm();
    else if (confirmTrigger.current?.isConnected) confirmTrigger.current.focus();
    confirmTrigger.current = null;
  }

  const previewQuestion = previewing ? findQuestion(value, previewing.id)?.question : undefined;
  const sectionOrder = headingOrder;

  return (
    <EditorContext value={context}>
      <EditorStateContext value={state}>
        <OpenQuestionsContext value={openIds}>
          <QuestionNumbersContext value={numbers}>
            <CategoryOptionsContext value={categoryOptions}>
              <Stack gap="xl" ref={rootRef} className={classes.editor}>
                <section aria-labelledby={`${ids}-settings`}>
                  <Stack gap="md">
                    <Title order={sectionOrder} id={`${ids}-settings`}>
                      Test settings
                    </Title>
                    <SettingsForm />
                  </Stack>
                </section>
                <section aria-labelledby={`${ids}-questions`}>
                  <Stack gap="md">
                    <Title
                      order={sectionOrder}
                      id={`${ids}-questions`}
                      tabIndex={-1}
                      {...focusKey('questions', 'heading')}
                    >
                      Questions
                    </Title>
                    <Text size="sm">
                      Questions sit in categories; an attempt draws the number you choose from each category (all of
                      them when empty). Grades follow Moodle: a single-choice question needs one answer at 100%; the
                      positive grades of a multiple-choice question add up to 100%.
                    </Text>
                    <ProblemSummary />
                    {questionCount > 0 && (
                      <Group gap="xs" justify="space-between" align="flex-start">
                        <Group gap="xs">
                          <Button
                            variant="default"
                            size="xs"
                            onClick={() => {
                              context.setAllOpen(true);
                              announce(`All ${questionCount} questions expanded.`);
                            }}
                          >
                            Expand all questions
                          </Button>
                          <Button
                            variant="default"
                            size="xs"
                            onClick={() => {
                              context.setAllOpen(false);
                              announce(`All ${questionCount} questions collapsed.`);
                            }}
                          >
                            Collapse all questions
                          </Button>
                        </Group>
                        <KeyboardHelp />
                      </Group>
                    )}
                    <CategoryList
                      categories={value.categories}
                      pathPrefix="categories"
                      depth={1}
                      headingOrder={(sectionOrder + 1) as 3 | 4}
                      emptyFocus={ADD_CATEGORY_KEY}
                    />
                    <Group>
                      <Button variant="default" onClick={addTopCategory} {...marks('categories', 'categories', 'add')}>
                        Add a category
                      </Button>
                    </Group>
                  </Stack>
                </section>
              </Stack>
              <VisuallyHidden role="status" aria-live="polite">
                {announcement}
              </VisuallyHidden>

              <Modal.Root
                opened={confirmRequest !== null}
                onClose={() => closeConfirm(false)}
                returnFocus={false}
                transitionProps={{ duration: 0 }}
              >
                <Modal.Overlay />
                <Modal.Content>
                  {/* role none: a <header> directly in the dialog would count as a second page banner. */}
                  <Modal.Header role="none">
                    <Modal.Title>{confirmRequest?.title}</Modal.Title>
                    <Modal.CloseButton aria-label="Close" />
                  </Modal.Header>
                  <Modal.Body>
                    <Stack>
                      <Text>{confirmRequest?.message}</Text>
                      <Group justify="flex-end">
                        <Button variant="default" onClick={() => closeConfirm(false)} data-autofocus>
                          {confirmRequest?.cancelLabel}
                        </Button>
                        <Button color="red.8" onClick={() => closeConfirm(true)}>
                          {confirmRequest?.confirmLabel}
                        </Button>
                      </Group>
                    </Stack>
                  </Modal.Body>
                </Modal.Content>
              </Modal.Root>

              <Modal.Root
                opened={previewing !== null}
                onClose={() => setPreviewing(null)}
                size="lg"
                transitionProps={{ duration: 0 }}
              >
                <Modal.Overlay />
                <Modal.Content>
                  <Modal.Header role="none">
                    <Modal.Title>Preview: {previewing?.title.toLowerCase()} as learners see it</Modal.Title>
                    <Modal.CloseButton aria-label="Close the preview" />
                  </Modal.Header>
                  <Modal.Body>
                    {previewQuestion ? (
                      <QuestionPreview question={previewQuestion} />
                    ) : (
                      <Text>This question no longer exists.</Text>
                    )}
                  </Modal.Body>
                </Modal.Content>
              </Modal.Root>
            </CategoryOptionsContext>
          </QuestionNumbersContext>
        </OpenQuestionsContext>
      </EditorStateContext>
    </EditorContext>
  );
}

/** The first element carrying one of the keys that can take focus now (present and not disabled). */
function findFocusTarget(root: HTMLElement | null, keys: readonly string[]): HTMLElement | null {
  if (!root) return null;
  for (const key of keys) {
    const element = root.querySelector<HTMLElement>(`[data-focus-key~="${CSS.escape(key)}"]`);
    if (element && !element.matches(':disabled, [aria-disabled="true"]')) return element;
  }
  return null;
}
