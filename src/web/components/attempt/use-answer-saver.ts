// The attempt page's answer saver (answer-saver.ts) in React: one per attempt, storing unsaved
// answers in localStorage (the page sends them again when the browser is back online).
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ApiError } from '../../api.ts';
import { attemptsApi } from '../../attempts-api.ts';
import { AnswerSaver, type QuestionAnswer, type SaveFailure } from './answer-saver.ts';

/** A refusal the server meant (4xx but an expired session) is final; anything else is retried. */
export function classifySaveError(error: unknown): SaveFailure {
  if (
    error instanceof ApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 401 &&
    error.status !== 408 &&
    error.status !== 429
  ) {
    return { kind: 'refused', code: error.code, message: error.message };
  }
  return { kind: 'network' };
}

function browserStorage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function useAnswerSaver(
  attemptId: string,
  handlers: { onServerTime(deadline: string | null, serverNow: string): void; onAttemptOver(code: string): void },
): { saver: AnswerSaver; answers: ReadonlyMap<string, QuestionAnswer> } {
  const latest = useRef(handlers);
  latest.current = handlers;
  const [saver] = useState(
    () =>
      new AnswerSaver({
        attemptId,
        send: (questionId, body) => attemptsApi.saveAnswer(attemptId, questionId, body),
        classify: classifySaveError,
        storage: browserStorage(),
        onServerTime: (deadline, serverNow) => latest.current.onServerTime(deadline, serverNow),
        onAttemptOver: (code) => latest.current.onAttemptOver(code),
      }),
  );
  useEffect(() => {
    saver.start();
    return () => saver.stop();
  }, [saver]);
  const answers = useSyncExternalStore(saver.subscribe, saver.snapshot);
  return { saver, answers };
}
