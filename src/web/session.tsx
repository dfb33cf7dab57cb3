// Who is signed in, shared by every page. Loaded once at start; pages update it after
// signing in or out, and the API client clears it when the server reports an expired session.
import { useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { PublicUser, SessionInfo } from '../shared/accounts.ts';
import { ApiError, api, onUnauthenticated, resetCsrfToken } from './api.ts';

type SessionState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  // signedOutByUser: the user chose to sign out, so there is no page to return to afterwards.
  | ({ status: 'ready'; signedOutByUser?: boolean } & SessionInfo);

interface SessionContextValue {
  state: SessionState;
  /** Store the user the server just signed in (after sign-in or setup). */
  signedIn: (user: PublicUser) => void;
  /** Replace the stored user after it changed (e.g. a new display name). */
  updateUser: (user: PublicUser) => void;
  signOut: () => Promise<void>;
  reload: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const reload = useCallback(() => {
    setState({ status: 'loading' });
    api.getSession().then(
      (info) => setState({ status: 'ready', ...info }),
      (error: unknown) =>
        setState({
          status: 'error',
          message: error instanceof ApiError ? error.message : 'Could not load your session.',
        }),
    );
  }, []);

  useEffect(() => {
    reload();
  }, [reload]);

  // The handler reads the latest state through a ref, so it is registered only once.
  const stateRef = useRef(state);
  stateRef.current = state;
  useEffect(() => {
    onUnauthenticated(() => {
      resetCsrfToken();
      const current = stateRef.current;
      if (current.status !== 'ready' || !current.user) return;
      notifications.show({
        color: 'yellow',
        title: 'Signed out',
        message: 'Your session has expired. Please sign in again.',
      });
      setState({ status: 'ready', user: null, setupNeeded: false });
    });
    return () => onUnauthenticated(null);
  }, []);

  const signedIn = useCallback((user: PublicUser) => {
    // The server starts a new session on sign-in, which may come with a new CSRF secret.
    resetCsrfToken();
    setState({ status: 'ready', user, setupNeeded: false });
  }, []);

  const updateUser = useCallback((user: PublicUser) => {
    setState((current) =>
      current.status === 'ready' && current.user?.id === user.id ? { ...current, user } : current,
    );
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } catch (error) {
      // Already signed out on the server: nothing left to do there.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    resetCsrfToken();
    setState({ status: 'ready', user: null, setupNeeded: false, signedOutByUser: true });
  }, []);

  // Another user (or none) must not see the cached answers of the previous one.
  const queryClient = useQueryClient();
  const userId = state.status === 'ready' ? (state.user?.id ?? null) : undefined;
  const previousUserId = useRef(userId);
  useEffect(() => {
    if (userId === undefined) return;
    if (previousUserId.current !== undefined && previousUserId.current !== userId) queryClient.clear();
    previousUserId.current = userId;
  }, [userId, queryClient]);

  const value = useMemo(
    () => ({ state, signedIn, updateUser, signOut, reload }),
    [state, signedIn, updateUser, signOut, reload],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/** The signed-in user; only for pages behind <RequireAuth>. */
export function useCurrentUser(): PublicUser {
  const { state } = useSession();
  if (state.status !== 'ready' || !state.user) throw new Error('No signed-in user');
  return state.user;
}
