// The links of the navigation bar; which ones depends on the user's role.
import { NavLink, Stack } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import type { PublicUser, Role } from '../../shared/accounts.ts';

interface NavItem {
  to: string;
  label: string;
  roles?: Role[];
}

const ITEMS: NavItem[] = [
  { to: '/', label: 'Home' },
  { to: '/courses', label: 'Courses' },
  { to: '/certificates', label: 'My certificates' },
  { to: '/files', label: 'Files', roles: ['author', 'admin'] },
  { to: '/admin/users', label: 'Users', roles: ['admin'] },
  { to: '/admin/jobs', label: 'Jobs', roles: ['admin'] },
  { to: '/admin/storage', label: 'Storage clean-up', roles: ['admin'] },
  { to: '/admin/certificates', label: 'Certificates', roles: ['admin'] },
  { to: '/admin/api', label: 'API reference', roles: ['admin'] },
  { to: '/account', label: 'Account' },
];

export function MainNav({ user }: { user: PublicUser }) {
  const { pathname } = useLocation();
  return (
    <Stack gap={4} component="ul" className="nav-list">
      {ITEMS.filter((item) => !item.roles || item.roles.includes(user.role)).map((item) => {
        // Sub-pages (e.g. a file's page under /files) keep their section marked.
        const active = pathname === item.to || (item.to !== '/' && pathname.startsWith(`${item.to}/`));
        return (
          <li key={item.to}>
            <NavLink
              component={Link}
              to={item.to}
              label={item.label}
              active={active}
              aria-current={pathname === item.to ? 'page' : undefined}
            />
          </li>
        );
      })}
    </Stack>
  );
}
