// A review problem links to its step with the problem's path (e.g. `basics.title`, `files.2`) in
// the navigation state; the step then focuses the field marked with that `data-path`, or the
// nearest marked parent of it, so the author lands on what needs fixing.
import { useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router';

export function focusPath(path: string): boolean {
  const parts = path.split('.');
  while (parts.length > 0) {
    const element = document.querySelector(`[data-path="${CSS.escape(parts.join('.'))}"]`);
    if (element instanceof HTMLElement) {
      element.focus();
      element.scrollIntoView({ block: 'center' });
      return true;
    }
    parts.pop();
  }
  return false;
}

/** Focuses the field named by the navigation state's `focus`, once the step is on screen. */
export function useFocusRequestedPath(): void {
  const location = useLocation();
  const navigate = useNavigate();
  const path = (location.state as { focus?: unknown } | null)?.focus;
  useEffect(() => {
    if (typeof path !== 'string') return;
    // Two frames: the layout moves focus to the page heading one frame after a navigation.
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        focusPath(path);
        navigate(location.pathname, { replace: true, state: null });
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [path, location.pathname, navigate]);
}
