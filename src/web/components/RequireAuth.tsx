// Guards pages: before setup everything leads to /setup, signed-out users go to /login
// (remembering where they wanted to go), and users without the right role see a 403 page.
import { Navigate, Outlet, useLocation } from 'react-router';
import type { Role } from '../../shared/accounts.ts';
import { ForbiddenPage } from '../routes/ForbiddenPage.tsx';
import { useSession } from '../session.tsx';

/** What the login page receives in the location state. */
export interface LoginRedirectState {
  from: string;
}

export function RequireAuth({ roles }: { roles?: Role[] }) {
  const { state } = useSession();
  const location = useLocation();

  if (state.status !== 'ready') return null;
  if (state.setupNeeded) return <Navigate to="/setup" replace />;
  if (!state.user) {
    if (state.signedOutByUser) return <Navigate to="/login" replace />;
    const from = location.pathname + location.search + location.hash;
    return <Navigate to="/login" replace state={{ from } satisfies LoginRedirectState} />;
  }
  if (roles && !roles.includes(state.user.role)) return <ForbiddenPage />;
  return <Outlet />;
}
