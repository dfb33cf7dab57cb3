// The web app's one cache of server state (TanStack Query). A page shows what is cached at once
// and reloads on mount (events are only heard while a page listens); while mounted, live events
// keep it current (see live-query.ts), so queries do not refetch on focus.
import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api.ts';

/** An answer the server meant (4xx) is not retried; a network failure or 5xx is, twice. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 0 },
      mutations: { retry: false },
    },
  });
}
