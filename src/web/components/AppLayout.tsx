// The frame around every page: skip link, header (product name, user menu), navigation for
// signed-in users, and the main region. Also moves focus to the new page after navigation.
import { AppShell, Burger, Group } from '@mantine/core';
import { useDisclosure, useMediaQuery, useReducedMotion } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useSession } from '../session.tsx';
import { MainNav } from './MainNav.tsx';
import { SessionStatus } from './SessionStatus.tsx';
import { UserMenu } from './UserMenu.tsx';

const MAIN_ID = 'main-content';

function focusMain() {
  const main = document.getElementById(MAIN_ID);
  const target = main?.querySelector<HTMLElement>('h1') ?? main;
  target?.focus();
}

export function AppLayout() {
  const { state } = useSession();
  const user = state.status === 'ready' ? state.user : null;
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  // Below the "sm" breakpoint the navigation slides out of view; it must then also leave
  // the tab order.
  const isMobile = useMediaQuery('(max-width: 47.99em)') ?? false;
  const reduceMotion = useReducedMotion();
  const { pathname } = useLocation();
  const burger = useRef<HTMLButtonElement>(null);

  // Escape closes the open phone menu and gives focus back to its button.
  useEffect(() => {
    if (!navOpened) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      closeNav();
      burger.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpened, closeNav]);

  // After client-side navigation, start keyboard and screen reader users at the new page.
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return; // first render: leave focus to the browser
    shownPath.current = pathname;
    closeNav();
    // Wait a frame so that the new page is rendered.
    requestAnimationFrame(focusMain);
  }, [pathname, closeNav]);

  return (
    <AppShell
      transitionDuration={reduceMotion ? 0 : 200}
      header={{ height: 60 }}
      navbar={user ? { width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpened } } : undefined}
      padding="lg"
    >
      <a
        href={`#${MAIN_ID}`}
        className="skip-link"
        onClick={(event) => {
          event.preventDefault();
          focusMain();
        }}
      >
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            {user && (
              <Burger
                ref={burger}
                transitionDuration={reduceMotion ? 0 : undefined}
                opened={navOpened}
                onClick={toggleNav}
                hiddenFrom="sm"
                size="sm"
                aria-label={navOpened ? 'Close navigation' : 'Open navigation'}
                aria-expanded={navOpened}
                aria-controls="main-navigation"
              />
            )}
            <Link to="/" className="brand">
              Lectern
            </Link>
          </Group>
          {user && <UserMenu user={user} />}
        </Group>
      </AppShell.Header>
      {user && (
        <AppShell.Navbar id="main-navigation" aria-label="Main" p="sm" inert={isMobile && !navOpened}>
          <MainNav user={user} />
        </AppShell.Navbar>
      )}
      <AppShell.Main id={MAIN_ID} tabIndex={-1}>
        {state.status === 'ready' ? <Outlet /> : <SessionStatus />}
      </AppShell.Main>
    </AppShell>
  );
}
