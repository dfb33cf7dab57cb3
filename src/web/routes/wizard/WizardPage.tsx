// The course wizard at /drafts/:id/:step: a flowchart of the steps across the top, the autosave's
// state, Cancel (discards the draft and its uploads), and the step itself. Every change is saved
// as it is made, so another tab, device or a reload resumes at the same step.
import { Alert, Anchor, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { assetIdsOf, type DraftView, type WizardStep, withVisited, wizardStepSchema } from '../../../shared/drafts.ts';
import type { ReviewProblem } from '../../../shared/review.ts';
import { ApiError } from '../../api.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useUploadManager } from '../../components/uploads/UploadsProvider.tsx';
import { ConfirmDialog } from '../../components/wizard/ConfirmDialog.tsx';
import { useDraftUploads } from '../../components/wizard/draft-uploads.ts';
import { SaveStatus } from '../../components/wizard/SaveStatus.tsx';
import { WizardFlow } from '../../components/wizard/WizardFlow.tsx';
import classes from '../../components/wizard/wizard.module.css';
import {
  useDraftAssets,
  useDraftSaver,
  WizardContext,
  type WizardContextValue,
} from '../../components/wizard/wizard-context.tsx';
import { nextStep, previousStep, STEP_LABELS, stepStates } from '../../components/wizard/wizard-steps.ts';
import { draftsApi, stepPath } from '../../drafts-api.ts';
import { errorMessage } from '../../forms.ts';
import { useThrottledLoad } from '../../live.ts';
import { BasicsStep } from './BasicsStep.tsx';
import { FilesStep } from './FilesStep.tsx';
import { ReviewStep } from './ReviewStep.tsx';
import { TestStep } from './TestStep.tsx';

const REVIEW_MIN_INTERVAL_MS = 1_000;

type Loaded = { draft: DraftView } | { error: string; status: number } | null;

export function WizardPage() {
  const { id = '', step } = useParams();
  const [loaded, setLoaded] = useState<Loaded>(null);

  useEffect(() => {
    let active = true;
    setLoaded(null);
    draftsApi.get(id).then(
      ({ draft }) => active && setLoaded({ draft }),
      (error: unknown) =>
        active && setLoaded({ error: errorMessage(error), status: error instanceof ApiError ? error.status : 0 }),
    );
    return () => {
      active = false;
    };
  }, [id]);

  if (loaded === null) {
    return (
      <Center py="xl" role="status">
        <Loader size="sm" aria-hidden="true" />
        <Text ml="sm">Loading the draft…</Text>
      </Center>
    );
  }
  if ('error' in loaded) {
    return (
      <>
        <PageTitle>{loaded.status === 404 ? 'Draft not found' : 'Could not open the draft'}</PageTitle>
        <Text mb="md">
          {loaded.status === 404
            ? 'This draft does not exist: it was published or discarded, or it belongs to someone else.'
            : loaded.error}
        </Text>
        <Anchor component={Link} to="/">
          Back to my courses
        </Anchor>
      </>
    );
  }
  const parsedStep = wizardStepSchema.safeParse(step);
  if (!parsedStep.success) return <Navigate replace to={stepPath(loaded.draft.id, loaded.draft.step)} />;
  return <DraftWizard key={loaded.draft.id} draft={loaded.draft} step={parsedStep.data} />;
}

function DraftWizard({ draft, step }: { draft: DraftView; step: WizardStep }) {
  const [saver, snapshot] = useDraftSaver(draft);
  const navigate = useNavigate();
  const manager = useUploadManager();
  const [problems, setProblems] = useState<ReviewProblem[] | null>(null);
  const [reviewError, setReviewError] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  useEffect(() => saver.setStep(step), [saver, step]);
  // The steps opened in this draft, here or before (the flowchart's "not visited yet").
  const [visited, setVisited] = useState(() => withVisited(draft.visitedSteps, step));
  useEffect(() => setVisited((v) => (v.includes(step) ? v : withVisited(v, step))), [step]);
  const uploadError = useCallback((message: string) => notifications.show({ color: 'red', message }), []);
  useDraftUploads(saver, manager, draft.id, uploadError);

  const refreshReview = useThrottledLoad(async (isActive) => {
    try {
      const answer = await draftsApi.review(draft.id);
      if (!isActive()) return;
      setProblems(answer.problems);
      setReviewError(null);
    } catch (error) {
      if (isActive()) setReviewError(errorMessage(error));
    }
  }, REVIEW_MIN_INTERVAL_MS);
  useEffect(() => saver.onSaved(() => refreshReview()), [saver, refreshReview]);

  // Back to this tab: take what another tab or device saved meanwhile, if nothing here is unsaved.
  const catchUp = useEffectEvent(async () => {
    if (document.visibilityState !== 'visible' || saver.hasUnsavedChanges) return;
    try {
      const latest = (await draftsApi.get(draft.id)).draft;
      if (saver.adopt(latest)) {
        saver.setStep(step);
        refreshReview();
      }
    } catch {
      // The next save reports what is wrong (gone, offline).
    }
  });
  useEffect(() => {
    const onVisible = () => void catchUp();
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);

  const [assets, noteAsset] = useDraftAssets(assetIdsOf(snapshot.content), refreshReview);

  const { status, content } = snapshot;
  const states = stepStates(content, problems, visited, step);
  const title = content.basics.title.trim() || 'Untitled course';
  const editing = draft.courseId !== null;

  async function discard() {
    // Uploads in this tab stop first; the server removes what they sent with the draft.
    await manager.abortDraft(draft.id);
    try {
      await draftsApi.discard(draft.id);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    saver.stop();
    notifications.show({ color: 'green', message: `${title} was discarded.` });
    navigate('/');
  }

  function loadLatest() {
    if (status.kind !== 'conflict') return;
    saver.replace(status.current);
    // This tab stays on its step, which becomes the draft's step.
    saver.setStep(step);
    refreshReview();
    // The alert and its button are gone: start again at the top of the page.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
  }

  const context: WizardContextValue = {
    saver,
    snapshot,
    courseId: draft.courseId,
    baseVersion: draft.baseVersion,
    problems,
    visited,
    reviewError,
    refreshReview,
    assets,
    noteAsset,
  };
  const previous = previousStep(step);
  const next = nextStep(step);

  return (
    <WizardContext value={context}>
      <Stack gap="lg">
        <div>
          <Text size="sm" c="dimmed">
            {editing ? `New version (${(draft.baseVersion ?? 0) + 1}) of a published course` : 'New course'}
          </Text>
          <Group justify="space-between" align="flex-start" gap="sm">
            <PageTitle className={classes.title}>{`${STEP_LABELS[step]} · ${title}`}</PageTitle>
            <Group gap="md">
              <SaveStatus status={status} />
              <Button variant="default" color="red" onClick={() => setConfirmCancel(true)}>
                Cancel and discard
              </Button>
            </Group>
          </Group>
          <WizardFlow draftId={draft.id} current={step} states={states} />
        </div>

        {status.kind === 'conflict' && (
          <Alert color="red" variant="light" title="This draft was changed elsewhere" role="alert">
            <Text mb="sm">
              {status.message} Changes made in this tab since then were not saved, and editing here is paused until you
              load the latest version.
            </Text>
            <Button onClick={loadLatest}>Load the latest version</Button>
          </Alert>
        )}
        {status.kind === 'gone' && (
          <Alert color="red" variant="light" title="This draft no longer exists" role="alert">
            <Text mb="sm">{status.message}</Text>
            <Anchor component={Link} to="/">
              Back to my courses
            </Anchor>
          </Alert>
        )}

        {step === 'basics' && <BasicsStep />}
        {step === 'files' && <FilesStep />}
        {step === 'test' && <TestStep />}
        {step === 'review' && <ReviewStep />}

        <Group justify="space-between">
          {previous ? (
            <Button component={Link} to={stepPath(draft.id, previous)} variant="default">
              Back: {STEP_LABELS[previous]}
            </Button>
          ) : (
            <span />
          )}
          {next && (
            <Button component={Link} to={stepPath(draft.id, next)}>
              Next: {STEP_LABELS[next]}
            </Button>
          )}
        </Group>
      </Stack>

      <ConfirmDialog
        opened={confirmCancel}
        title="Discard this draft?"
        confirmLabel="Discard draft"
        cancelLabel="Keep editing"
        onConfirm={discard}
        onClose={() => setConfirmCancel(false)}
      >
        {editing
          ? 'The changes in this draft and the files uploaded only for it are deleted now. The published course stays as it is.'
          : 'The draft and every file uploaded only for it are deleted now, and uploads still running are stopped. This cannot be undone.'}
      </ConfirmDialog>
    </WizardContext>
  );
}
